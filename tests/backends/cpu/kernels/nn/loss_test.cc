#include <cmath>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/nn/nn_test_util.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

TEST(NegativeLogLikelihoodLoss, WeightedMeanSkipsIgnoredTargets) {
  OpTest t = MakeOp("NegativeLogLikelihoodLoss", 13);
  // N=3, C=2.
  t.inputs = {Value(Tensor::FromVector<float>({-1, -2, -3, -4, -5, -6}, {3, 2})),
              Value(Tensor::FromVector<int64_t>({0, 1, -1}, {3})), Value(Tensor::FromVector<float>({2, 3}, {2}))};
  t.attributes = {{"ignore_index", Int(-1)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // (1*2 + 4*3) / (2 + 3)
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::Scalar<float>(14.0f / 5)));
  t.attributes["reduction"] = Str("none");
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({2, 12, 0}, {3})));
  t.attributes["reduction"] = Str("sum");
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::Scalar<float>(14)));
}

TEST(NegativeLogLikelihoodLoss, SpatialDimsAndOutOfRangeTarget) {
  OpTest t = MakeOp("NegativeLogLikelihoodLoss", 13);
  // N=1, C=2, d=2: input[0, t, d].
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4}, {1, 2, 2})), Value(Tensor::FromVector<int32_t>({1, 0}, {1, 2}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::Scalar<float>(-(3 + 2) / 2.0f)));
  t.inputs[1] = Value(Tensor::FromVector<int32_t>({2, 0}, {1, 2}));
  out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("outside"), std::string::npos) << out.status();
}

TEST(SoftmaxCrossEntropyLoss, MatchesLogSoftmaxAndReturnsLogProb) {
  OpTest t = MakeOp("SoftmaxCrossEntropyLoss", 13, "", 2);
  const std::vector<float> s = {1, 2, 3, 1, 1, 1};
  t.inputs = {Value(Tensor::FromVector<float>(s, {2, 3})), Value(Tensor::FromVector<int64_t>({2, 0}, {2}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  const double lse0 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)), lse1 = 1 + std::log(3.0);
  const double loss = ((lse0 - 3) + (lse1 - 1)) / 2;
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::Scalar<float>(static_cast<float>(loss)), 1e-5, 1e-6));
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(),
                          Tensor::FromVector<float>({static_cast<float>(1 - lse0), static_cast<float>(2 - lse0),
                                                     static_cast<float>(3 - lse0), static_cast<float>(1 - lse1),
                                                     static_cast<float>(1 - lse1), static_cast<float>(1 - lse1)},
                                                    {2, 3}),
                          1e-5, 1e-6));
}

TEST(SoftmaxCrossEntropyLoss, UnknownReductionIsAnError) {
  OpTest t = MakeOp("SoftmaxCrossEntropyLoss", 13);
  t.inputs = {Value(RandomTensor({2, 3}, 1)), Value(Tensor::FromVector<int64_t>({0, 1}, {2}))};
  t.attributes = {{"reduction", Str("max")}};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("reduction"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace braid::backends::cpu::testing
