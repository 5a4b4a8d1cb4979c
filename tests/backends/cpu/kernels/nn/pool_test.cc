#include <cmath>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/nn/nn_test_util.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

// 1x1x4x4 input 0..15.
Tensor Ramp16() {
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i) v[i] = static_cast<float>(i);
  return Tensor::FromVector<float>(v, {1, 1, 4, 4});
}

TEST(MaxPool, CeilModeAddsPartialWindow) {
  OpTest t = MakeOp("MaxPool", 12);
  t.inputs = {Value(Ramp16())};
  t.attributes = {{"kernel_shape", Ints({3, 3})}, {"strides", Ints({2, 2})}, {"ceil_mode", Int(1)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({10, 11, 14, 15}, {1, 1, 2, 2})));
  t.attributes["ceil_mode"] = Int(0);
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({10}, {1, 1, 1, 1})));
}

TEST(MaxPool, CeilModeDropsWindowStartingInPadding) {
  // in 5, k 2, s 2, pad_end 2: floor gives 3 windows, ceil 4, but the 4th
  // would start at 6 >= in + pad_begin (all padding) and is dropped.
  OpTest t = MakeOp("MaxPool", 12);
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4, 5}, {1, 1, 5}))};
  t.attributes = {{"kernel_shape", Ints({2})}, {"strides", Ints({2})}, {"pads", Ints({0, 2})}, {"ceil_mode", Int(1)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({2, 4, 5}, {1, 1, 3})));
}

TEST(MaxPool, DilationsAndIndicesInBothStorageOrders) {
  OpTest t = MakeOp("MaxPool", 12, "", 2);
  t.inputs = {Value(Ramp16())};
  t.attributes = {{"kernel_shape", Ints({2, 2})}, {"dilations", Ints({2, 2})}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // Windows {0,2,8,10},{1,3,9,11},{4,6,12,14},{5,7,13,15}.
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({10, 11, 14, 15}, {1, 1, 2, 2})));
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<int64_t>({10, 11, 14, 15}, {1, 1, 2, 2})));
  t.attributes["storage_order"] = Int(1);
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // Column-major offsets h + w * H: (2,2)->10, (2,3)->14, (3,2)->11, (3,3)->15.
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<int64_t>({10, 14, 11, 15}, {1, 1, 2, 2})));
}

TEST(MaxPool, IndicesIncludeBatchAndChannelOffsets) {
  std::vector<float> v(2 * 3 * 4);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 5);
  OpTest t = MakeOp("MaxPool", 12, "", 2);
  t.inputs = {Value(Tensor::FromVector<float>(v, {2, 3, 4}))};
  t.attributes = {{"kernel_shape", Ints({4})}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  const Tensor& idx = (*out)[1].tensor();
  for (int64_t p = 0; p < 6; ++p) {
    const int64_t i = idx.data<int64_t>()[p];
    EXPECT_GE(i, p * 4);
    EXPECT_LT(i, p * 4 + 4);
    EXPECT_EQ(v[i], (*out)[0].tensor().data<float>()[p]);
  }
}

TEST(MaxPool, Int8AndSameUpper) {
  OpTest t = MakeOp("MaxPool", 12);
  t.inputs = {Value(Tensor::FromVector<int8_t>({-5, 3, -128, 7, 0, -1}, {1, 1, 6}))};
  t.attributes = {{"kernel_shape", Ints({2})}, {"strides", Ints({2})}, {"auto_pad", Str("SAME_UPPER")}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int8_t>({3, 7, 0}, {1, 1, 3})));
}

TEST(MaxPool, MissingKernelShapeIsAnError) {
  OpTest t = MakeOp("MaxPool");
  t.inputs = {Value(Ramp16())};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("kernel_shape"), std::string::npos) << out.status();
}

TEST(AveragePool, CountIncludePadChangesBorderDivisor) {
  OpTest t = MakeOp("AveragePool", 11);
  t.inputs = {Value(Ramp16())};
  t.attributes = {{"kernel_shape", Ints({3, 3})}, {"pads", Ints({1, 1, 1, 1})}, {"strides", Ints({3, 3})}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // Windows at (0,0): {0,1,4,5} and (0,3): {2,3,6,7}; (3,0): {8,9,12,13}; (3,3): {10,11,14,15}.
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({2.5f, 4.5f, 10.5f, 12.5f}, {1, 1, 2, 2})));
  t.attributes["count_include_pad"] = Int(1);
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({10.0f / 9, 18.0f / 9, 42.0f / 9, 50.0f / 9},
                                                                        {1, 1, 2, 2}),
                          1e-5, 1e-5));
}

TEST(AveragePool, ThreeDimensionalMatchesDirectMean) {
  const Shape s = {1, 2, 4, 5, 6};
  Tensor x = RandomTensor(s, 3);
  OpTest t = MakeOp("AveragePool", 11);
  t.inputs = {Value(x)};
  t.attributes = {{"kernel_shape", Ints({2, 3, 2})}, {"strides", Ints({2, 1, 2})}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  const Tensor& y = (*out)[0].tensor();
  ASSERT_EQ(y.shape(), (Shape{1, 2, 2, 3, 3}));
  const float* xp = x.data<float>();
  for (int64_t c = 0; c < 2; ++c) {
    for (int64_t d = 0; d < 2; ++d) {
      for (int64_t h = 0; h < 3; ++h) {
        for (int64_t w = 0; w < 3; ++w) {
          double acc = 0;
          for (int64_t a = 0; a < 2; ++a) {
            for (int64_t b = 0; b < 3; ++b) {
              for (int64_t e = 0; e < 2; ++e) acc += xp[(((c * 4) + d * 2 + a) * 5 + h + b) * 6 + w * 2 + e];
            }
          }
          EXPECT_NEAR(y.data<float>()[((c * 2 + d) * 3 + h) * 3 + w], acc / 12, 1e-5);
        }
      }
    }
  }
}

TEST(LpPool, PEqualsTwoAndOne) {
  OpTest t = MakeOp("LpPool", 11);
  t.inputs = {Value(Tensor::FromVector<float>({3, -4, 1, 2}, {1, 1, 4}))};
  t.attributes = {{"kernel_shape", Ints({2})}, {"strides", Ints({2})}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({5, std::sqrt(5.0f)}, {1, 1, 2})));
  t.attributes["p"] = Int(1);
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({7, 3}, {1, 1, 2})));
}

TEST(GlobalPool, AverageMaxAndLp) {
  Tensor x = Tensor::FromVector<float>({1, 2, 3, 4, -1, -8, 2, 0}, {1, 2, 2, 2});
  OpTest t = MakeOp("GlobalAveragePool");
  t.inputs = {Value(x)};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({2.5f, -1.75f}, {1, 2, 1, 1})));
  t.op_type = "GlobalMaxPool";
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({4, 2}, {1, 2, 1, 1})));
  t.op_type = "GlobalLpPool";
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({std::sqrt(30.0f), std::sqrt(69.0f)},
                                                                        {1, 2, 1, 1})));
}

TEST(MaxUnpool, InvertsMaxPoolIndices) {
  OpTest pool = MakeOp("MaxPool", 12, "", 2);
  pool.inputs = {Value(RandomTensor({1, 2, 4, 4}, 9))};
  pool.attributes = {{"kernel_shape", Ints({2, 2})}, {"strides", Ints({2, 2})}};
  auto pooled = pool.Run();
  ASSERT_TRUE(pooled.ok()) << pooled.status();
  OpTest t = MakeOp("MaxUnpool", 11);
  t.inputs = {(*pooled)[0], (*pooled)[1]};
  t.attributes = pool.attributes;
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  const Tensor& y = (*out)[0].tensor();
  ASSERT_EQ(y.shape(), (Shape{1, 2, 4, 4}));
  const Tensor& x = pool.inputs[0]->tensor();
  int nonzero = 0;
  for (int64_t i = 0; i < 32; ++i) {
    if (y.data<float>()[i] != 0.0f) {
      ++nonzero;
      EXPECT_EQ(y.data<float>()[i], x.data<float>()[i]);
    }
  }
  EXPECT_EQ(nonzero, 8);
}

TEST(MaxUnpool, OutOfRangeIndexIsAnError) {
  OpTest t = MakeOp("MaxUnpool", 11);
  t.inputs = {Value(Tensor::FromVector<float>({1}, {1, 1, 1, 1})), Value(Tensor::FromVector<int64_t>({99}, {1, 1, 1, 1}))};
  t.attributes = {{"kernel_shape", Ints({2, 2})}, {"strides", Ints({2, 2})}};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("out of range"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace braid::backends::cpu::testing
