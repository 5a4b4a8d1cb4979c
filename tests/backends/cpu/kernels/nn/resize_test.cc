#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/nn/nn_test_util.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

// Resize-13 on a 1-D signal (as 1x1xN) by `scale`, with attributes.
absl::StatusOr<std::vector<Value>> Resize1d(const std::vector<float>& x, float scale,
                                             std::map<std::string, graph::Attribute> attrs) {
  OpTest t = MakeOp("Resize", 13);
  t.inputs = {Value(Tensor::FromVector<float>(x, {1, 1, static_cast<int64_t>(x.size())})), std::nullopt,
              Value(Tensor::FromVector<float>({1, 1, scale}, {3}))};
  t.attributes = std::move(attrs);
  return t.Run();
}

TEST(Resize, NearestModes) {
  const std::vector<float> x = {0, 1, 2, 3};
  struct Case {
    float scale;
    const char* mode;
    std::vector<float> want;
  };
  // asymmetric: x_orig = i / scale. Scale 2 hits exact halves; scale 2.5
  // gives 0, 0.4, 0.8, 1.2, ... (floor, ceil and rounding all differ).
  const std::vector<Case> cases = {
      {2.0f, "round_prefer_floor", {0, 0, 1, 1, 2, 2, 3, 3}},
      {2.0f, "round_prefer_ceil", {0, 1, 1, 2, 2, 3, 3, 3}},
      {2.5f, "floor", {0, 0, 0, 1, 1, 2, 2, 2, 3, 3}},
      {2.5f, "ceil", {0, 1, 1, 2, 2, 2, 3, 3, 3, 3}},
      {2.5f, "round_prefer_floor", {0, 0, 1, 1, 2, 2, 2, 3, 3, 3}},
  };
  for (const Case& c : cases) {
    auto out = Resize1d(x, c.scale, {{"coordinate_transformation_mode", Str("asymmetric")}, {"nearest_mode", Str(c.mode)}});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_TRUE(TensorsNear((*out)[0].tensor(),
                            Tensor::FromVector<float>(c.want, {1, 1, static_cast<int64_t>(c.want.size())})))
        << c.mode << " x" << c.scale;
  }
}

TEST(Resize, LinearHalfPixelAndAlignCorners) {
  const std::vector<float> x = {0, 10};
  auto out = Resize1d(x, 2.0f, {{"mode", Str("linear")}});
  ASSERT_TRUE(out.ok()) << out.status();
  // half_pixel: x_orig = -0.25, 0.25, 0.75, 1.25 -> clamped edges.
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({0, 2.5f, 7.5f, 10}, {1, 1, 4})));
  out = Resize1d(x, 2.0f, {{"mode", Str("linear")}, {"coordinate_transformation_mode", Str("align_corners")}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(),
                          Tensor::FromVector<float>({0, 10.0f / 3, 20.0f / 3, 10}, {1, 1, 4}), 1e-5, 1e-5));
}

TEST(Resize, CubicExcludeOutsideRenormalizes) {
  const std::vector<float> x = {1, 2, 4, 8};
  auto plain = Resize1d(x, 2.0f, {{"mode", Str("cubic")}, {"cubic_coeff_a", Float(-0.5f)}});
  auto excl = Resize1d(x, 2.0f, {{"mode", Str("cubic")}, {"cubic_coeff_a", Float(-0.5f)}, {"exclude_outside", Int(1)}});
  ASSERT_TRUE(plain.ok() && excl.ok());
  const float* p = (*plain)[0].tensor().data<float>();
  const float* e = (*excl)[0].tensor().data<float>();
  // First output: x_orig = -0.25, taps -2..1 with coefficients for ratio 0.75.
  const double a = -0.5, r = 0.75;
  auto c0 = ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a;
  auto c1 = ((a + 2) * r - (a + 3)) * r * r + 1;
  auto c2 = ((a + 2) * (1 - r) - (a + 3)) * (1 - r) * (1 - r) + 1;
  auto c3 = ((a * (2 - r) - 5 * a) * (2 - r) + 8 * a) * (2 - r) - 4 * a;
  EXPECT_NEAR(p[0], c0 * 1 + c1 * 1 + c2 * 1 + c3 * 2, 1e-5);             // edge-clamped taps
  EXPECT_NEAR(e[0], (c2 * 1 + c3 * 2) / (c2 + c3), 1e-5);                  // outside taps dropped
  EXPECT_NEAR(p[4], e[4], 1e-5);                                           // interior unaffected
}

TEST(Resize, TfCropAndResizeExtrapolates) {
  OpTest t = MakeOp("Resize", 13);
  t.inputs = {Value(Tensor::FromVector<float>({0, 1, 2, 3}, {1, 1, 4})),
              Value(Tensor::FromVector<float>({0, 0, 0.5f, 1, 1, 1.5f}, {6})), std::nullopt,
              Value(Tensor::FromVector<int64_t>({1, 1, 3}, {3}))};
  t.attributes = {{"mode", Str("linear")}, {"coordinate_transformation_mode", Str("tf_crop_and_resize")},
                  {"extrapolation_value", Float(-7.0f)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // x_orig = 0.5*3 + i * 1.0*3/2 = 1.5, 3.0, 4.5 (outside).
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1.5f, 3, -7}, {1, 1, 3})));
}

TEST(Resize, SizesAndTwoDimensionalLinear) {
  OpTest t = MakeOp("Resize", 11);
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4}, {1, 1, 2, 2})), Value(Tensor::FromVector<float>({}, {0})),
              Value(Tensor::FromVector<float>({}, {0})), Value(Tensor::FromVector<int64_t>({1, 1, 3, 3}, {4}))};
  t.attributes = {{"mode", Str("linear")}, {"coordinate_transformation_mode", Str("align_corners")}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(),
                          Tensor::FromVector<float>({1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4}, {1, 1, 3, 3})));
}

TEST(Resize, ScalesAndSizesTogetherIsAnError) {
  OpTest t = MakeOp("Resize", 13);
  t.inputs = {Value(RandomTensor({1, 1, 2}, 1)), std::nullopt, Value(Tensor::FromVector<float>({1, 1, 2}, {3})),
              Value(Tensor::FromVector<int64_t>({1, 1, 4}, {3}))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("scales and sizes"), std::string::npos) << out.status();
}

TEST(Resize, NonFiniteScaleIsAnError) {
  OpTest t = MakeOp("Resize", 13);
  t.inputs = {Value(RandomTensor({1, 1, 2}, 1)), std::nullopt,
              Value(Tensor::FromVector<float>({1, 1, std::numeric_limits<float>::infinity()}, {3}))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("positive and finite"), std::string::npos) << out.status();
}

TEST(Upsample, Opset7NearestRepeats) {
  OpTest t = MakeOp("Upsample", 7);
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4}, {1, 1, 2, 2}))};
  t.attributes = {{"scales", Floats({1, 1, 2, 3})}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(),
                          Tensor::FromVector<float>({1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4},
                                                    {1, 1, 4, 6})));
}

TEST(Upsample, Opset9LinearIsAsymmetric) {
  OpTest t = MakeOp("Upsample", 9);
  t.inputs = {Value(Tensor::FromVector<float>({0, 4}, {1, 2})), Value(Tensor::FromVector<float>({1, 2}, {2}))};
  t.attributes = {{"mode", Str("linear")}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({0, 2, 4, 4}, {1, 4})));
}

}  // namespace
}  // namespace braid::backends::cpu::testing
