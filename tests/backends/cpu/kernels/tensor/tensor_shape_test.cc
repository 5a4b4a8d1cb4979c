#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/tensor/tensor_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

TEST(TensorShapeKernels, ReshapeInfersMinusOneAndCopiesZero) {
  OpTest t = Op("Reshape");
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3})),
              Value(Tensor::FromVector<int64_t>({0, -1, 1}, {3}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{2, 3, 1}));
}

TEST(TensorShapeKernels, ReshapeRejectsWrongElementCount) {
  OpTest t = Op("Reshape");
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3})),
              Value(Tensor::FromVector<int64_t>({4, 2}, {2}))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("cannot reshape"), std::string::npos) << out.status();
}

TEST(TensorShapeKernels, ShapeHonoursStartAndEnd) {
  OpTest t = Op("Shape", 15);
  t.inputs = {Value(*Tensor::Create(DataType::kFloat32, {2, 3, 4, 5}))};
  t.attributes.emplace("start", graph::Attribute(int64_t{1}));
  t.attributes.emplace("end", graph::Attribute(int64_t{-1}));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int64_t>({3, 4}, {2})));
}

TEST(TensorShapeKernels, SizeCountsElements) {
  OpTest t = Op("Size");
  t.inputs = {Value(*Tensor::Create(DataType::kString, {2, 0, 3}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::Scalar<int64_t>(0)));
}

TEST(TensorShapeKernels, SqueezeAxesAttributeBeforeOpset13InputAfter) {
  OpTest old = Op("Squeeze", 11);
  old.inputs = {Value(*Tensor::Create(DataType::kFloat32, {1, 3, 1, 2}))};
  old.attributes.emplace("axes", Ints({-2}));
  auto out = old.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{1, 3, 2}));
  OpTest t = Op("Squeeze", 13);
  t.inputs = {Value(*Tensor::Create(DataType::kFloat32, {1, 3, 1, 2})), I64({0})};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{3, 1, 2}));
  t.inputs.resize(1);  // no axes: every unit dim goes
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{3, 2}));
  t.inputs.push_back(I64({1}));
  out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("cannot squeeze axis 1"), std::string::npos) << out.status();
}

TEST(TensorShapeKernels, SqueezeAndUnsqueezeAreViews) {
  Tensor in = Tensor::FromVector<float>({1, 2, 3}, {3});
  OpTest t = Op("Unsqueeze", 13);
  t.inputs = {Value(in), I64({-1, 0})};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  const Tensor& u = (*out)[0].tensor();
  EXPECT_EQ(u.shape(), (Shape{1, 3, 1}));
  EXPECT_EQ(u.raw_data(), in.raw_data());
  EXPECT_TRUE(TensorsNear(u, Tensor::FromVector<float>({1, 2, 3}, {1, 3, 1})));
}

TEST(TensorShapeKernels, UnsqueezeRejectsDuplicateAndOutOfRangeAxes) {
  OpTest old = Op("Unsqueeze", 11);
  old.inputs = {F32({1, 2}, {2})};
  old.attributes.emplace("axes", Ints({0, 2}));
  auto out = old.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{1, 2, 1}));
  old.attributes["axes"] = Ints({1, -2});
  out = old.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("more than once"), std::string::npos) << out.status();
  old.attributes["axes"] = Ints({3});
  EXPECT_FALSE(old.Run().ok());
}

TEST(TensorShapeKernels, FlattenAxisRangeIncludesRank) {
  OpTest t = Op("Flatten", 13);
  t.inputs = {Value(*Tensor::Create(DataType::kInt8, {2, 3, 4}))};
  t.attributes.emplace("axis", Int(3));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{24, 1}));
  t.attributes["axis"] = Int(-2);
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{2, 12}));
  t.attributes["axis"] = Int(0);
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{1, 24}));
  t.attributes["axis"] = Int(4);
  EXPECT_FALSE(t.Run().ok());
}

TEST(TensorShapeKernels, IdentityForwardsSequencesAndAbsentOptionals) {
  OpTest t = Op("Identity", 16);
  t.inputs = {Value::Sequence({Tensor::FromVector<float>({1}, {1}), Tensor::FromVector<float>({2, 3}, {2})},
                              DataType::kFloat32)};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE((*out)[0].is_sequence());
  ASSERT_EQ((*out)[0].sequence().size(), 2u);
  EXPECT_TRUE(TensorsNear((*out)[0].sequence()[1], Tensor::FromVector<float>({2, 3}, {2})));
}

}  // namespace
}  // namespace braid::backends::cpu::testing
