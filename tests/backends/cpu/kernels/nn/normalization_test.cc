#include <cmath>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/nn/nn_test_util.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

TEST(BatchNormalization, InferenceUsesRunningStatistics) {
  // x: N=1, C=2, 2 elements per channel.
  OpTest t = MakeOp("BatchNormalization", 15);
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4}, {1, 2, 2})), Value(Tensor::FromVector<float>({1, 2}, {2})),
              Value(Tensor::FromVector<float>({0, 1}, {2})), Value(Tensor::FromVector<float>({1, 3}, {2})),
              Value(Tensor::FromVector<float>({4, 1}, {2}))};
  t.attributes = {{"epsilon", Float(0.0f)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({0, 0.5f, 1, 3}, {1, 2, 2})));
}

TEST(BatchNormalization, TrainingModeOutputsRunningStatistics) {
  OpTest t = MakeOp("BatchNormalization", 15, "", 3);
  // Channel 0: {1, 3, 5, 7} (mean 4, var 5); channel 1: {2, 2, 2, 2}.
  t.inputs = {Value(Tensor::FromVector<float>({1, 3, 2, 2, 5, 7, 2, 2}, {2, 2, 2})),
              Value(Tensor::FromVector<float>({1, 1}, {2})), Value(Tensor::FromVector<float>({0, 0}, {2})),
              Value(Tensor::FromVector<float>({0, 10}, {2})), Value(Tensor::FromVector<float>({1, 1}, {2}))};
  t.attributes = {{"training_mode", Int(1)}, {"momentum", Float(0.5f)}, {"epsilon", Float(0.0f)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  const float r5 = 1.0f / std::sqrt(5.0f);
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<float>({2, 6}, {2})));
  EXPECT_TRUE(TensorsNear((*out)[2].tensor(), Tensor::FromVector<float>({3, 0.5f}, {2})));
  const Tensor& y = (*out)[0].tensor();
  EXPECT_NEAR(y.data<float>()[0], -3 * r5, 1e-5);
  EXPECT_NEAR(y.data<float>()[5], 3 * r5, 1e-5);
}

TEST(BatchNormalization, Opset6PerActivationParameters) {
  // spatial = 0: parameters have shape (C, H) and apply per element.
  OpTest t = MakeOp("BatchNormalization", 6);
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4}, {1, 2, 2})),
              Value(Tensor::FromVector<float>({1, 2, 3, 4}, {2, 2})),
              Value(Tensor::FromVector<float>({0, 0, 0, 1}, {2, 2})),
              Value(Tensor::FromVector<float>({0, 0, 0, 0}, {2, 2})),
              Value(Tensor::FromVector<float>({1, 1, 1, 1}, {2, 2}))};
  t.attributes = {{"spatial", Int(0)}, {"epsilon", Float(0.0f)}, {"is_test", Int(1)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 4, 9, 17}, {1, 2, 2})));
}

TEST(BatchNormalization, WrongParameterSizeIsAnError) {
  OpTest t = MakeOp("BatchNormalization");
  t.inputs = {Value(RandomTensor({1, 2, 2}, 1)), Value(RandomTensor({3}, 2)), Value(RandomTensor({2}, 3)),
              Value(RandomTensor({2}, 4)), Value(RandomTensor({2}, 5))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("expected 2"), std::string::npos) << out.status();
}

TEST(InstanceNormalization, NormalizesEachPlane) {
  OpTest t = MakeOp("InstanceNormalization", 6);
  t.inputs = {Value(Tensor::FromVector<float>({1, 3, 10, 10, 0, 4, 5, 5}, {2, 2, 2})),
              Value(Tensor::FromVector<float>({1, 2}, {2})), Value(Tensor::FromVector<float>({0, 1}, {2}))};
  t.attributes = {{"epsilon", Float(1e-6f)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // Planes {1,3}, {10,10}, {0,4}, {5,5}: the constant ones become B.
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({-1, 1, 1, 1, -1, 1, 1, 1}, {2, 2, 2}), 1e-5,
                          1e-4));
}

TEST(LayerNormalization, AxisAndStatisticsOutputs) {
  const Shape s = {2, 3, 4};
  Tensor x = RandomTensor(s, 7);
  OpTest t = MakeOp("LayerNormalization", 17, "", 3);
  // Scale broadcast from (4) to the normalized shape (3, 4); B full.
  std::vector<float> scale = {1, 2, 3, 4};
  std::vector<float> bias = RandomFloats(12, 8);
  t.inputs = {Value(x), Value(Tensor::FromVector<float>(scale, {4})), Value(Tensor::FromVector<float>(bias, {3, 4}))};
  t.attributes = {{"axis", Int(-2)}, {"epsilon", Float(1e-3f)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  const Tensor& y = (*out)[0].tensor();
  ASSERT_EQ((*out)[1].tensor().shape(), (Shape{2, 1, 1}));
  for (int64_t r = 0; r < 2; ++r) {
    const float* xr = x.data<float>() + r * 12;
    double mean = 0, var = 0;
    for (int i = 0; i < 12; ++i) mean += xr[i];
    mean /= 12;
    for (int i = 0; i < 12; ++i) var += (xr[i] - mean) * (xr[i] - mean);
    var /= 12;
    const double inv = 1.0 / std::sqrt(var + 1e-3);
    EXPECT_NEAR((*out)[1].tensor().data<float>()[r], mean, 1e-5);
    EXPECT_NEAR((*out)[2].tensor().data<float>()[r], inv, 1e-4);
    for (int i = 0; i < 12; ++i) {
      EXPECT_NEAR(y.data<float>()[r * 12 + i], (xr[i] - mean) * inv * scale[i % 4] + bias[i], 1e-4);
    }
  }
}

TEST(LayerNormalization, AxisOutOfRangeIsAnError) {
  OpTest t = MakeOp("LayerNormalization");
  t.inputs = {Value(RandomTensor({2, 3}, 1)), Value(RandomTensor({3}, 2))};
  t.attributes = {{"axis", Int(2)}};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("out of range"), std::string::npos) << out.status();
}

TEST(Lrn, AsymmetricChannelWindow) {
  // size 2: window for channel c is [c, c + 1] ((size-1)/2 = 0 before, 1 after).
  OpTest t = MakeOp("LRN", 13);
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3}, {1, 3, 1, 1}))};
  t.attributes = {{"size", Int(2)}, {"alpha", Float(2.0f)}, {"beta", Float(1.0f)}, {"bias", Float(1.0f)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1.0f / 6, 2.0f / 14, 3.0f / 10}, {1, 3, 1, 1})));
}

}  // namespace
}  // namespace braid::backends::cpu::testing
