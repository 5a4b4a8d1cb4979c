#include <cmath>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/nn/nn_test_util.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

TEST(QuantizeLinear, RoundsHalfToEvenAndSaturates) {
  OpTest t = MakeOp("QuantizeLinear", 13);
  t.inputs = {Value(Tensor::FromVector<float>({0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 300.0f, -300.0f}, {7})),
              Value(Tensor::Scalar<float>(1.0f)), Value(Tensor::Scalar<int8_t>(0))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int8_t>({0, 2, 2, 0, -2, 127, -128}, {7})));
}

TEST(QuantizeLinear, DefaultsToUint8WithZeroPointZero) {
  OpTest t = MakeOp("QuantizeLinear", 10);
  t.inputs = {Value(Tensor::FromVector<float>({-1.0f, 3.0f, 1000.0f}, {3})), Value(Tensor::Scalar<float>(2.0f))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<uint8_t>({0, 2, 255}, {3})));
}

TEST(QuantizeLinear, PerAxis) {
  OpTest t = MakeOp("QuantizeLinear", 13);
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {1, 2, 3})),
              Value(Tensor::FromVector<float>({1.0f, 2.0f}, {2})), Value(Tensor::FromVector<uint8_t>({10, 20}, {2}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<uint8_t>({11, 12, 13, 22, 22, 23}, {1, 2, 3})));
  t.attributes = {{"axis", Int(2)}};
  out = t.Run();
  ASSERT_FALSE(out.ok());  // axis 2 has 3 entries, scale has 2
}

TEST(DequantizeLinear, PerAxisAndInt32) {
  OpTest t = MakeOp("DequantizeLinear", 13);
  t.inputs = {Value(Tensor::FromVector<int8_t>({-128, 0, 127, 10}, {2, 2})),
              Value(Tensor::FromVector<float>({0.5f, 2.0f}, {2})), Value(Tensor::FromVector<int8_t>({0, 10}, {2}))};
  t.attributes = {{"axis", Int(0)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({-64, 0, 234, 0}, {2, 2})));
  OpTest t32 = MakeOp("DequantizeLinear", 13);
  t32.inputs = {Value(Tensor::FromVector<int32_t>({-3, 100000}, {2})), Value(Tensor::Scalar<float>(0.5f))};
  out = t32.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({-1.5f, 50000}, {2})));
}

TEST(DynamicQuantizeLinear, RangeIncludesZero) {
  OpTest t = MakeOp("DynamicQuantizeLinear", 11, "", 3);
  t.inputs = {Value(Tensor::FromVector<float>({1.0f, 2.0f, 3.0f, 5.1f}, {4}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  const float scale = 5.1f / 255.0f;
  EXPECT_NEAR((*out)[1].tensor().data<float>()[0], scale, 1e-7);
  EXPECT_EQ((*out)[2].tensor().data<uint8_t>()[0], 0);
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<uint8_t>({50, 100, 150, 255}, {4})));
  t.inputs = {Value(Tensor::FromVector<float>({-1.0f, 1.0f}, {2}))};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // zero point = round(1 / scale) in float32, as in the ONNX reference: 127.49999 -> 127.
  EXPECT_EQ((*out)[2].tensor().data<uint8_t>()[0], static_cast<uint8_t>(std::nearbyint(1.0f / (2.0f / 255.0f))));
  EXPECT_EQ((*out)[0].tensor().data<uint8_t>()[0], 0);
}

TEST(MatMulInteger, PerRowAndPerColumnZeroPoints) {
  OpTest t = MakeOp("MatMulInteger", 10);
  t.inputs = {Value(Tensor::FromVector<uint8_t>({11, 12, 23, 24}, {2, 2})),
              Value(Tensor::FromVector<int8_t>({1, -2, 3, 4}, {2, 2})), Value(Tensor::FromVector<uint8_t>({10, 20}, {2})),
              Value(Tensor::FromVector<int8_t>({0, -1}, {2}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // A - zp = {{1,2},{3,4}}, B - zp = {{1,-1},{3,5}}.
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int32_t>({7, 9, 15, 17}, {2, 2})));
}

TEST(QLinearMatMul, RequantizesWithRounding) {
  // The ONNX reference example.
  OpTest t = MakeOp("QLinearMatMul", 10);
  t.inputs = {Value(Tensor::FromVector<uint8_t>({208, 236, 0, 238, 3, 214, 255, 29}, {2, 4})),
              Value(Tensor::FromVector<float>({0.0066f}, {1})), Value(Tensor::FromVector<uint8_t>({113}, {1})),
              Value(Tensor::FromVector<uint8_t>({152, 51, 244, 60, 26, 255, 0, 127, 246, 127, 254, 247}, {4, 3})),
              Value(Tensor::FromVector<float>({0.00705f}, {1})), Value(Tensor::FromVector<uint8_t>({114}, {1})),
              Value(Tensor::FromVector<float>({0.0107f}, {1})), Value(Tensor::FromVector<uint8_t>({118}, {1}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<uint8_t>({168, 115, 255, 1, 66, 151}, {2, 3})));
}

TEST(ConvInteger, PaddingUsesTheZeroPoint) {
  // 1x1x2x2 input with zero point 2: padding contributes nothing.
  OpTest t = MakeOp("ConvInteger", 10);
  t.inputs = {Value(Tensor::FromVector<uint8_t>({3, 4, 5, 6}, {1, 1, 2, 2})),
              Value(Tensor::FromVector<uint8_t>({1, 1, 1, 1}, {1, 1, 2, 2})), Value(Tensor::Scalar<uint8_t>(2))};
  t.attributes = {{"pads", Ints({1, 1, 0, 0})}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // Shifted input {1,2,3,4}; windows at (-1,-1),(-1,0),(0,-1),(0,0).
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int32_t>({1, 3, 4, 10}, {1, 1, 2, 2})));
}

TEST(QLinearConv, PerChannelWeightScalesAndBias) {
  OpTest t = MakeOp("QLinearConv", 10);
  t.inputs = {Value(Tensor::FromVector<uint8_t>({10, 20, 30, 40}, {1, 1, 2, 2})), Value(Tensor::Scalar<float>(0.5f)),
              Value(Tensor::Scalar<uint8_t>(10)),
              Value(Tensor::FromVector<int8_t>({1, 2}, {2, 1, 1, 1})), Value(Tensor::FromVector<float>({1.0f, 0.25f}, {2})),
              Value(Tensor::FromVector<int8_t>({0, 0}, {2})), Value(Tensor::Scalar<float>(1.0f)),
              Value(Tensor::Scalar<uint8_t>(5)), Value(Tensor::FromVector<int32_t>({2, -4}, {2}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // acc0 = x' + 2 = {2,12,22,32} * 0.5 + 5; acc1 = 2x' - 4 = {-4,16,36,56} * 0.125 = {-0.5,2,4.5,7},
  // rounded half to even, + 5.
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(),
                          Tensor::FromVector<uint8_t>({6, 11, 16, 21, 5, 7, 9, 12}, {1, 2, 2, 2})));
}

}  // namespace
}  // namespace braid::backends::cpu::testing
