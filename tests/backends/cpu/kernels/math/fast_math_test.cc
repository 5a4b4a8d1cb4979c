#include "backends/cpu/kernels/math/fast_math.h"

#include <cmath>
#include <limits>
#include <vector>

#include "gtest/gtest.h"

namespace braid::backends::cpu::fastmath {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// Dense sweep of [lo, hi] plus values spread over many binades near zero.
std::vector<float> Sweep(float lo, float hi, int n) {
  std::vector<float> v;
  for (int i = 0; i <= n; ++i) v.push_back(lo + (hi - lo) * static_cast<float>(i) / static_cast<float>(n));
  for (float m = 1e-30f; m < 1.0f; m *= 1.37f) {
    v.push_back(m);
    v.push_back(-m);
  }
  return v;
}

// Largest |approx - exact| / |exact| over the sweep (exact in double);
// results smaller than `floor` in magnitude are compared absolutely.
template <typename Fast, typename Exact>
double MaxRelError(const std::vector<float>& x, Fast fast, Exact exact, double floor = 1e-30) {
  std::vector<float> y(x.size());
  fast(x.data(), y.data(), static_cast<int64_t>(x.size()));
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double e = exact(static_cast<double>(x[i]));
    const double err = std::fabs(static_cast<double>(y[i]) - e) / std::max(std::fabs(e), floor);
    worst = std::max(worst, err);
  }
  return worst;
}

TEST(FastMath, ExpIsWithinAFewUlp) {
  auto x = Sweep(-87.0f, 88.7f, 2000000);
  EXPECT_LT(MaxRelError(x, Exp, [](double v) { return std::exp(v); }), 1e-6);
}

TEST(FastMath, TanhIsWithinAFewUlp) {
  auto x = Sweep(-12.0f, 12.0f, 2000000);
  EXPECT_LT(MaxRelError(x, Tanh, [](double v) { return std::tanh(v); }), 1e-6);
}

TEST(FastMath, ErfIsWithinAFewUlp) {
  auto x = Sweep(-6.0f, 6.0f, 2000000);
  EXPECT_LT(MaxRelError(x, Erf, [](double v) { return std::erf(v); }), 1e-6);
}

TEST(FastMath, SigmoidIsWithinAFewUlp) {
  auto x = Sweep(-80.0f, 40.0f, 2000000);
  EXPECT_LT(MaxRelError(x, Sigmoid, [](double v) { return 1.0 / (1.0 + std::exp(-v)); }), 1e-6);
}

TEST(FastMath, SpecialValues) {
  const std::vector<float> x = {kInf, -kInf, kNaN, 0.0f, -0.0f, 100.0f, -200.0f};
  std::vector<float> y(x.size());
  Exp(x.data(), y.data(), 7);
  EXPECT_EQ(y[0], kInf);
  EXPECT_EQ(y[1], 0.0f);
  EXPECT_TRUE(std::isnan(y[2]));
  EXPECT_EQ(y[3], 1.0f);
  EXPECT_EQ(y[5], kInf);
  EXPECT_EQ(y[6], 0.0f);
  Tanh(x.data(), y.data(), 7);
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_EQ(y[1], -1.0f);
  EXPECT_TRUE(std::isnan(y[2]));
  EXPECT_EQ(y[3], 0.0f);
  EXPECT_TRUE(std::signbit(y[4]));
  Erf(x.data(), y.data(), 7);
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_EQ(y[1], -1.0f);
  EXPECT_TRUE(std::isnan(y[2]));
  EXPECT_EQ(y[5], 1.0f);
  Sigmoid(x.data(), y.data(), 7);
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_EQ(y[1], 0.0f);
  EXPECT_TRUE(std::isnan(y[2]));
  EXPECT_EQ(y[3], 0.5f);
}

TEST(FastMath, RowHelpers) {
  std::vector<float> x(1000);
  double sum = 0;
  for (int i = 0; i < 1000; ++i) {
    x[i] = static_cast<float>((i * 37) % 101) * 0.25f - 3.0f;
    sum += x[i];
  }
  EXPECT_NEAR(Sum(x.data(), 1000), sum, 1e-2);
  EXPECT_EQ(Max(x.data(), 1000), 22.0f);
  EXPECT_EQ(Max(x.data(), 0), -kInf);
  EXPECT_EQ(Sum(x.data(), 0), 0.0f);
  EXPECT_EQ(Min(x.data(), 1000), -3.0f);
  EXPECT_EQ(Min(x.data(), 0), kInf);
  double squares = 0, abs = 0;
  for (float v : x) {
    squares += static_cast<double>(v) * v;
    abs += std::fabs(v);
  }
  EXPECT_NEAR(SumSquares(x.data(), 1000), squares, 1e-5 * squares);
  EXPECT_NEAR(SumAbs(x.data(), 1000), abs, 1e-5 * abs);
  x[500] = kNaN;
  EXPECT_TRUE(std::isnan(Max(x.data(), 1000)));
  EXPECT_TRUE(std::isnan(Min(x.data(), 1000)));
  EXPECT_TRUE(std::isnan(Max(x.data() + 495, 7)));  // NaN in the scalar tail
  std::vector<float> y(7);
  const float in[7] = {1, 2, 3, 4, 5, 6, 7};
  float s = ExpShiftSum(in, y.data(), 7, 7.0f);
  double expect = 0;
  for (float v : in) expect += std::exp(v - 7.0);
  EXPECT_NEAR(s, expect, 1e-6);
  EXPECT_NEAR(ExpShiftSumOnly(in, 7, 7.0f), expect, 1e-6);
  EXPECT_NEAR(y[6], 1.0f, 1e-7);
}

}  // namespace
}  // namespace braid::backends::cpu::fastmath
