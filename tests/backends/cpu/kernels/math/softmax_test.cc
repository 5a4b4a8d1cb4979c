#include <cmath>
#include <limits>
#include <random>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/math/math_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

// Reference softmax over [outer, n, inner] in double.
std::vector<float> RefSoftmax(const std::vector<float>& x, int64_t outer, int64_t n, int64_t inner, bool log) {
  std::vector<float> y(x.size());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      double m = -INFINITY, s = 0;
      for (int64_t r = 0; r < n; ++r) m = std::max(m, static_cast<double>(x[(o * n + r) * inner + i]));
      for (int64_t r = 0; r < n; ++r) s += std::exp(x[(o * n + r) * inner + i] - m);
      for (int64_t r = 0; r < n; ++r) {
        double v = x[(o * n + r) * inner + i] - m;
        y[(o * n + r) * inner + i] = static_cast<float>(log ? v - std::log(s) : std::exp(v) / s);
      }
    }
  }
  return y;
}

std::vector<float> Random(int64_t n, float scale) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(-scale, scale);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

OpTest WithAxis(const char* op, Tensor x, int64_t axis, int opset) {
  OpTest t = MakeTest(op, {std::move(x)}, opset);
  t.attributes["axis"] = AttrInt(axis);
  return t;
}

TEST(Softmax, Opset13UsesOneAxisOpset11FlattensFromAxis) {
  const auto x = Random(2 * 3 * 4, 3.0f);
  auto a13 = RunOutput(WithAxis("Softmax", F(x, {2, 3, 4}), 1, 13));
  ASSERT_TRUE(a13.ok()) << a13.status();
  EXPECT_TRUE(Near(*a13, F(RefSoftmax(x, 2, 3, 4, false), {2, 3, 4})));
  auto a11 = RunOutput(WithAxis("Softmax", F(x, {2, 3, 4}), 1, 11));
  ASSERT_TRUE(a11.ok()) << a11.status();
  EXPECT_TRUE(Near(*a11, F(RefSoftmax(x, 2, 12, 1, false), {2, 3, 4})));
  // Defaults: axis -1 from 13, axis 1 before.
  auto d13 = RunOutput(MakeTest("Softmax", {F(x, {2, 3, 4})}, 13));
  ASSERT_TRUE(d13.ok());
  EXPECT_TRUE(Near(*d13, F(RefSoftmax(x, 6, 4, 1, false), {2, 3, 4})));
  auto d11 = RunOutput(MakeTest("Softmax", {F(x, {2, 3, 4})}, 11));
  ASSERT_TRUE(d11.ok());
  EXPECT_TRUE(Near(*d11, F(RefSoftmax(x, 2, 12, 1, false), {2, 3, 4})));
}

TEST(Softmax, LargeNumbersDoNotOverflow) {
  const std::vector<float> x = {1000, 1001, 1002, -1000, 0, 1000};
  auto out = RunOutput(MakeTest("Softmax", {F(x, {2, 3})}, 13));
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(Near(*out, F(RefSoftmax(x, 2, 3, 1, false), {2, 3})));
  auto log = RunOutput(MakeTest("LogSoftmax", {F(x, {2, 3})}, 13));
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE(Near(*log, F(RefSoftmax(x, 2, 3, 1, true), {2, 3}), 1e-5, 1e-5));
}

TEST(Softmax, LongRowsAndColumnsAcrossThreads) {
  for (int64_t axis : {0, 1, 2}) {
    const int64_t d[3] = {7, 333, 129};
    const auto x = Random(7 * 333 * 129, 10.0f);
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < axis; ++i) outer *= d[i];
    for (int64_t i = axis + 1; i < 3; ++i) inner *= d[i];
    for (bool log : {false, true}) {
      auto out = RunOutput(WithAxis(log ? "LogSoftmax" : "Softmax", F(x, {7, 333, 129}), axis, 13));
      ASSERT_TRUE(out.ok()) << out.status();
      EXPECT_TRUE(Near(*out, F(RefSoftmax(x, outer, d[axis], inner, log), {7, 333, 129}), 1e-5, 1e-6))
          << "axis " << axis << " log " << log;
    }
  }
}

TEST(Softmax, DoubleAndHalf) {
  auto d = RunOutput(MakeTest("Softmax", {Of<double>({0, 1, 2}, {3})}, 13));
  ASSERT_TRUE(d.ok());
  const double s = 1 + std::exp(1.0) + std::exp(2.0);
  EXPECT_TRUE(Near(*d, Of<double>({1 / s, std::exp(1.0) / s, std::exp(2.0) / s}, {3})));
  auto h = RunOutput(MakeTest("Softmax", {Of<Float16>({Float16(0.0f), Float16(0.0f)}, {2})}, 13));
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_TRUE(Near(*h, Of<Float16>({Float16(0.5f), Float16(0.5f)}, {2})));
}

TEST(Hardmax, FirstMaximumWinsInRowsAndColumns) {
  auto rows = RunOutput(MakeTest("Hardmax", {F({3, 1, 3, 0, 5, 5}, {2, 3})}, 13));
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_TRUE(Near(*rows, F({1, 0, 0, 0, 1, 0}, {2, 3})));
  auto cols = RunOutput(WithAxis("Hardmax", F({3, 1, 3, 0, 5, 5}, {2, 3}), 0, 13));
  ASSERT_TRUE(cols.ok()) << cols.status();
  EXPECT_TRUE(Near(*cols, F({1, 0, 0, 0, 1, 1}, {2, 3})));
  auto flat = RunOutput(WithAxis("Hardmax", F({3, 1, 3, 0, 5, 5}, {2, 3}), 0, 11));
  ASSERT_TRUE(flat.ok()) << flat.status();
  EXPECT_TRUE(Near(*flat, F({0, 0, 0, 0, 1, 0}, {2, 3})));
}

TEST(Softmax, InvalidAxisAndEmptyInput) {
  EXPECT_FALSE(RunOutput(WithAxis("Softmax", F({1, 2}, {2}), 1, 13)).ok());
  auto empty = RunOutput(MakeTest("Softmax", {F({}, {0, 4})}, 13));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->shape(), (Shape{0, 4}));
}

}  // namespace
}  // namespace braid::backends::cpu::testing
