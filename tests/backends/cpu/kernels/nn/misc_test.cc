#include <cmath>
#include <random>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/nn/nn_test_util.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

TEST(Dropout, InferenceIsAViewWithAllOnesMask) {
  OpTest t = MakeOp("Dropout", 13, "", 2);
  Tensor x = RandomTensor({3, 4}, 1);
  t.inputs = {Value(x), Value(Tensor::Scalar<float>(0.5f))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), x));
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<bool>(std::vector<bool>(12, true), {3, 4})));
}

TEST(Dropout, TrainingWithSeedFollowsNumpyLegacyGenerator) {
  OpTest t = MakeOp("Dropout", 13, "", 2);
  const int64_t n = 1000;
  Tensor x = Tensor::FromVector<float>(std::vector<float>(n, 2.0f), {n});
  t.inputs = {Value(x), Value(Tensor::Scalar<float>(0.75f)), Value(Tensor::Scalar<bool>(true))};
  t.attributes = {{"seed", Int(0)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // numpy: np.random.seed(0); np.random.uniform(0, 1) == 0.5488135039273248.
  std::mt19937 rng(0);
  const uint32_t a = rng() >> 5, b = rng() >> 6;
  EXPECT_NEAR((a * 67108864.0 + b) / 9007199254740992.0, 0.5488135039273248, 1e-15);
  const Tensor& y = (*out)[0].tensor();
  const Tensor& mask = (*out)[1].tensor();
  EXPECT_FALSE(mask.data<bool>()[0]);  // 0.5488 < 0.75 is dropped
  int kept = 0;
  for (int64_t i = 0; i < n; ++i) {
    EXPECT_EQ(y.data<float>()[i], mask.data<bool>()[i] ? 8.0f : 0.0f);
    kept += mask.data<bool>()[i];
  }
  EXPECT_GT(kept, 200);
  EXPECT_LT(kept, 300);
  // Same seed, same mask.
  auto again = t.Run();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(TensorsNear((*again)[1].tensor(), mask));
}

TEST(Dropout, TrainingRatioOutOfRangeIsAnError) {
  OpTest t = MakeOp("Dropout", 13);
  t.inputs = {Value(RandomTensor({4}, 1)), Value(Tensor::Scalar<float>(1.0f)), Value(Tensor::Scalar<bool>(true))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("ratio"), std::string::npos) << out.status();
}

TEST(GridSample, BilinearNearestAndPadding) {
  // 1x1x2x2 image {1,2,3,4}; grid points: centre, top-left corner, outside.
  Tensor x = Tensor::FromVector<float>({1, 2, 3, 4}, {1, 1, 2, 2});
  Tensor grid = Tensor::FromVector<float>({0, 0, -1, -1, 2, 0}, {1, 1, 3, 2});
  OpTest t = MakeOp("GridSample", 16);
  t.inputs = {Value(x), Value(grid)};
  t.attributes = {{"align_corners", Int(1)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // align_corners: (0,0) -> pixel (0.5,0.5) = 2.5; (-1,-1) -> 1; x=2 -> 1.5 px right of the end: zeros padding
  // gives 0.5 * (0 + 0) ... = x=1.5: weights 0.5 on column 1 (value 2,4 at y=0.5 -> 3) -> 1.5.
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({2.5f, 1, 1.5f}, {1, 1, 1, 3})));
  t.attributes["padding_mode"] = Str("border");
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({2.5f, 1, 3}, {1, 1, 1, 3})));
  t.attributes["mode"] = Str("nearest");
  t.inputs[1] = Value(Tensor::FromVector<float>({0.4f, -0.4f}, {1, 1, 1, 2}));
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // x = 0.7 -> 1, y = 0.3 -> 0.
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({2}, {1, 1, 1, 1})));
}

TEST(GridSample, BicubicUsesKeysKernelWithAMinus075) {
  // Image varying along x only: the y taps sum to one, the x taps follow
  // the cubic convolution weights with A = -0.75.
  std::vector<float> v(36);
  for (int i = 0; i < 6; ++i) {
    for (int j = 0; j < 6; ++j) v[i * 6 + j] = static_cast<float>(j * j);
  }
  OpTest t = MakeOp("GridSample", 16);
  t.inputs = {Value(Tensor::FromVector<float>(v, {1, 1, 6, 6})),
              Value(Tensor::FromVector<float>({0.1f, -0.15f}, {1, 1, 1, 2}))};
  t.attributes = {{"mode", Str("bicubic")}, {"align_corners", Int(1)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  const double px = (0.1f + 1) / 2 * 5, fx = std::floor(px), tx = px - fx, a = -0.75;
  auto c1 = [&](double x) { return ((a + 2) * x - (a + 3)) * x * x + 1; };
  auto c2 = [&](double x) { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a; };
  const double w[4] = {c2(tx + 1), c1(tx), c1(1 - tx), c2(2 - tx)};
  double expect = 0;
  for (int k = 0; k < 4; ++k) expect += w[k] * (fx - 1 + k) * (fx - 1 + k);
  EXPECT_NEAR((*out)[0].tensor().data<float>()[0], expect, 1e-4);
}

TEST(RoiAlign, AverageOfBilinearSamples) {
  // 1x1x4x4 ramp x + 4y; the mean of a linear function over symmetric
  // samples is its value at the bin centre.
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i) v[i] = static_cast<float>(i);
  OpTest t = MakeOp("RoiAlign", 16);
  t.inputs = {Value(Tensor::FromVector<float>(v, {1, 1, 4, 4})), Value(Tensor::FromVector<float>({1, 1, 3, 3}, {1, 4})),
              Value(Tensor::FromVector<int64_t>({0}, {1}))};
  t.attributes = {{"output_height", Int(2)}, {"output_width", Int(2)}, {"sampling_ratio", Int(2)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // half_pixel: roi [0.5, 2.5] in both dims, bins of 1: centres 1.0 and 2.0.
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({5, 6, 9, 10}, {1, 1, 2, 2}), 1e-5, 1e-5));
  t.inputs[2] = Value(Tensor::FromVector<int64_t>({3}, {1}));
  out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("batch index"), std::string::npos) << out.status();
}

TEST(NonMaxSuppression, SuppressesOverlapsPerClass) {
  // Boxes: 0 and 1 overlap heavily, 2 is apart. Scores per class.
  Tensor boxes = Tensor::FromVector<float>({0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, 10, 1, 11}, {1, 3, 4});
  Tensor scores = Tensor::FromVector<float>({0.9f, 0.8f, 0.7f, 0.1f, 0.95f, 0.2f}, {1, 2, 3});
  OpTest t = MakeOp("NonMaxSuppression", 11);
  t.inputs = {Value(boxes), Value(scores), Value(Tensor::FromVector<int64_t>({3}, {1})),
              Value(Tensor::FromVector<float>({0.5f}, {1})), Value(Tensor::FromVector<float>({0.15f}, {1}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // class 0: 0 (0.9), 1 suppressed, 2 (0.7); class 1: 1 (0.95), 0 below threshold, 2 (0.2).
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int64_t>({0, 0, 0, 0, 0, 2, 0, 1, 1, 0, 1, 2}, {4, 3})));
  t.inputs[2] = Value(Tensor::FromVector<int64_t>({1}, {1}));
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{2, 3}));
}

TEST(NonMaxSuppression, CenterPointBoxes) {
  // Same two boxes in center format: centres 0.5 apart, size 1 -> IoU 1/3.
  Tensor boxes = Tensor::FromVector<float>({0.5f, 0.5f, 1, 1, 0.5f, 1.0f, 1, 1}, {1, 2, 4});
  Tensor scores = Tensor::FromVector<float>({0.9f, 0.8f}, {1, 1, 2});
  OpTest t = MakeOp("NonMaxSuppression", 11);
  t.inputs = {Value(boxes), Value(scores), Value(Tensor::FromVector<int64_t>({5}, {1})),
              Value(Tensor::FromVector<float>({0.3f}, {1}))};
  t.attributes = {{"center_point_box", Int(1)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{1, 3}));
  t.inputs[3] = Value(Tensor::FromVector<float>({0.4f}, {1}));
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{2, 3}));
}

}  // namespace
}  // namespace braid::backends::cpu::testing
