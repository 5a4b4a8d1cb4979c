#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/control/graph_builder.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

using graph::Attribute;

TEST(RandomKernels, UniformHasShapeTypeAndRangeAndSeedsRepeat) {
  OpTest t = MakeOp("RandomUniform", 1);
  t.attributes.emplace("shape", Attribute(std::vector<int64_t>{100, 100}));
  t.attributes.emplace("low", Attribute(-2.0f));
  t.attributes.emplace("high", Attribute(3.0f));
  t.attributes.emplace("dtype", Attribute(int64_t{11}));
  t.attributes.emplace("seed", Attribute(7.0f));
  auto a = t.Run();
  ASSERT_TRUE(a.ok()) << a.status();
  const Tensor& x = (*a)[0].tensor();
  EXPECT_EQ(x.dtype(), DataType::kFloat64);
  EXPECT_EQ(x.shape(), (Shape{100, 100}));
  double sum = 0;
  for (double v : x.values<double>()) {
    EXPECT_GE(v, -2.0);
    EXPECT_LT(v, 3.0);
    sum += v;
  }
  EXPECT_NEAR(sum / 10000, 0.5, 0.1);
  auto b = t.Run();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_TRUE(TensorsNear((*b)[0].tensor(), x, 0, 0));
}

TEST(RandomKernels, NormalLikeFollowsTheInputAndMoments) {
  OpTest t = MakeOp("RandomNormalLike", 1);
  t.inputs = {Value(*Tensor::Create(DataType::kFloat32, {200, 100}))};
  t.attributes.emplace("mean", Attribute(5.0f));
  t.attributes.emplace("scale", Attribute(2.0f));
  t.attributes.emplace("seed", Attribute(1.0f));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  const Tensor& x = (*out)[0].tensor();
  EXPECT_EQ(x.dtype(), DataType::kFloat32);
  EXPECT_EQ(x.shape(), (Shape{200, 100}));
  double sum = 0, sq = 0;
  for (float v : x.values<float>()) {
    sum += v;
    sq += double{v} * v;
  }
  double mean = sum / x.num_elements();
  EXPECT_NEAR(mean, 5.0, 0.1);
  EXPECT_NEAR(std::sqrt(sq / x.num_elements() - mean * mean), 2.0, 0.1);
}

TEST(RandomKernels, LikeOfIntegerInputNeedsDtype) {
  OpTest t = MakeOp("RandomUniformLike", 1);
  t.inputs = {Value(Tensor::FromVector<int32_t>({1, 2}, {2}))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("set dtype"), std::string::npos) << out.status();
  t.attributes.emplace("dtype", Attribute(int64_t{1}));
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().dtype(), DataType::kFloat32);
}

TEST(RandomKernels, BernoulliIsExactForCertainProbabilities) {
  OpTest t = MakeOp("Bernoulli", 15);
  t.inputs = {Value(Tensor::FromVector<double>({0, 1, 0, 1}, {2, 2}))};
  t.attributes.emplace("dtype", Attribute(int64_t{9}));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<bool>({false, true, false, true}, {2, 2})));
}

TEST(RandomKernels, BernoulliRateMatchesTheProbability) {
  OpTest t = MakeOp("Bernoulli", 15);
  t.inputs = {Value(Tensor::FromVector<float>(std::vector<float>(10000, 0.25f), {10000}))};
  t.attributes.emplace("seed", Attribute(3.0f));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().dtype(), DataType::kFloat32);
  double ones = 0;
  for (float v : (*out)[0].tensor().values<float>()) {
    EXPECT_TRUE(v == 0.0f || v == 1.0f);
    ones += v;
  }
  EXPECT_NEAR(ones / 10000, 0.25, 0.03);
}

TEST(RandomKernels, MultinomialSamplesOnlyPossibleClasses) {
  OpTest t = MakeOp("Multinomial", 7);
  float ninf = -std::numeric_limits<float>::infinity();
  t.inputs = {Value(Tensor::FromVector<float>({ninf, 0, ninf, 0, 0, ninf}, {2, 3}))};
  t.attributes.emplace("sample_size", Attribute(int64_t{50}));
  t.attributes.emplace("dtype", Attribute(int64_t{7}));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  const Tensor& y = (*out)[0].tensor();
  EXPECT_EQ(y.shape(), (Shape{2, 50}));
  bool saw0 = false, saw1 = false;
  for (int s = 0; s < 50; ++s) {
    EXPECT_EQ(y.data<int64_t>()[s], 1);
    int64_t v = y.data<int64_t>()[50 + s];
    EXPECT_TRUE(v == 0 || v == 1);
    saw0 |= v == 0;
    saw1 |= v == 1;
  }
  EXPECT_TRUE(saw0 && saw1);
}

}  // namespace
}  // namespace braid::backends::cpu::testing
