#include <cmath>
#include <limits>
#include <random>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/math/math_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// x = 0..23 as [2, 3, 4].
Tensor Iota234() {
  std::vector<float> v(24);
  for (int i = 0; i < 24; ++i) v[i] = static_cast<float>(i);
  return F(v, {2, 3, 4});
}

OpTest ReduceAttr(const char* op, Tensor x, std::vector<int64_t> axes, int64_t keepdims, int opset = 11) {
  OpTest t = MakeTest(op, {std::move(x)}, opset);
  if (!axes.empty()) t.attributes["axes"] = AttrInts(std::move(axes));
  t.attributes["keepdims"] = AttrInt(keepdims);
  return t;
}

TEST(Reduce, SumOverMiddleAxisKeepdims) {
  auto out = RunOutput(ReduceAttr("ReduceSum", Iota234(), {1}, 1));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, F({12, 15, 18, 21, 48, 51, 54, 57}, {2, 1, 4})));
}

TEST(Reduce, NonAdjacentAxesUseTheGatherPath) {
  auto out = RunOutput(ReduceAttr("ReduceSum", Iota234(), {0, 2}, 0));
  ASSERT_TRUE(out.ok()) << out.status();
  // Row sums over axis 2 then across axis 0: (0..3)+(12..15), ...
  EXPECT_TRUE(Near(*out, F({6 + 54, 22 + 70, 38 + 86}, {3})));
  auto mx = RunOutput(ReduceAttr("ReduceMax", Iota234(), {-1, -3}, 1));
  ASSERT_TRUE(mx.ok()) << mx.status();
  EXPECT_TRUE(Near(*mx, F({15, 19, 23}, {1, 3, 1})));
}

TEST(Reduce, DefaultAxesReduceEverything) {
  auto out = RunOutput(ReduceAttr("ReduceMean", Iota234(), {}, 0));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, F({11.5f}, {})));
  auto keep = RunOutput(ReduceAttr("ReduceProd", F({1, 2, 3, 4}, {2, 2}), {}, 1));
  ASSERT_TRUE(keep.ok());
  EXPECT_TRUE(Near(*keep, F({24}, {1, 1})));
}

TEST(Reduce, AxesInputFromOpset13ForSum) {
  OpTest t = MakeTest("ReduceSum", {Iota234(), I64({-1}, {1})}, 13);
  t.attributes["keepdims"] = AttrInt(0);
  auto out = RunOutput(t);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, F({6, 22, 38, 54, 70, 86}, {2, 3})));
}

TEST(Reduce, EmptyAxesWithNoopIsIdentity) {
  OpTest t = MakeTest("ReduceSum", {Iota234(), I64({}, {0})}, 13);
  t.attributes["noop_with_empty_axes"] = AttrInt(1);
  auto out = RunOutput(t);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, Iota234()));
  // Without the flag an empty axes list reduces everything.
  auto all = RunOutput(MakeTest("ReduceSum", {Iota234(), I64({}, {0})}, 13));
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_TRUE(Near(*all, F({276}, {1, 1, 1})));
}

TEST(Reduce, AxesInputForOthersFromOpset18) {
  OpTest t = MakeTest("ReduceMax", {Iota234(), I64({0}, {1})}, 18);
  auto out = RunOutput(t);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), (Shape{1, 3, 4}));
  EXPECT_EQ(out->data<float>()[0], 12.0f);
}

TEST(Reduce, NormsAndLogs) {
  const Tensor x = F({3, -4, 1, -1}, {2, 2});
  auto l1 = RunOutput(ReduceAttr("ReduceL1", x, {1}, 0));
  auto l2 = RunOutput(ReduceAttr("ReduceL2", x, {1}, 0));
  auto ss = RunOutput(ReduceAttr("ReduceSumSquare", x, {1}, 0));
  auto ls = RunOutput(ReduceAttr("ReduceLogSum", F({1, 2, 3, 4}, {2, 2}), {0}, 0));
  ASSERT_TRUE(l1.ok() && l2.ok() && ss.ok() && ls.ok());
  EXPECT_TRUE(Near(*l1, F({7, 2}, {2})));
  EXPECT_TRUE(Near(*l2, F({5, std::sqrt(2.0f)}, {2})));
  EXPECT_TRUE(Near(*ss, F({25, 2}, {2})));
  EXPECT_TRUE(Near(*ls, F({std::log(4.0f), std::log(6.0f)}, {2})));
}

TEST(Reduce, LogSumExpIsStableForLargeValuesInRowsAndColumns) {
  const Tensor x = F({1000, 1000, -1000, 0}, {2, 2});
  auto rows = RunOutput(ReduceAttr("ReduceLogSumExp", x, {1}, 0));
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(Near(*rows, F({1000 + std::log(2.0f), 0.0f}, {2})));
  auto cols = RunOutput(ReduceAttr("ReduceLogSumExp", x, {0}, 0));
  ASSERT_TRUE(cols.ok());
  EXPECT_TRUE(Near(*cols, F({1000, 1000}, {2})));
  auto neg = RunOutput(ReduceAttr("ReduceLogSumExp", F({-kInf, -kInf}, {2}), {0}, 0));
  ASSERT_TRUE(neg.ok());
  EXPECT_TRUE(Near(*neg, F({-kInf}, {})));
}

TEST(Reduce, MaxAndMinPropagateNaN) {
  auto mx = RunOutput(ReduceAttr("ReduceMax", F({1, kNaN, 3, 4}, {2, 2}), {1}, 0));
  ASSERT_TRUE(mx.ok());
  EXPECT_TRUE(Near(*mx, F({kNaN, 4}, {2})));
  auto mn = RunOutput(ReduceAttr("ReduceMin", F({1, kNaN, 3, 4}, {2, 2}), {0}, 0));
  ASSERT_TRUE(mn.ok());
  EXPECT_TRUE(Near(*mn, F({1, kNaN}, {2})));
}

TEST(Reduce, EmptySetGivesIdentities) {
  const Tensor x = F({}, {2, 0});
  struct Case {
    const char* op;
    float expect;
  };
  const Case cases[] = {{"ReduceSum", 0},         {"ReduceProd", 1},      {"ReduceMax", -kInf},
                        {"ReduceMin", kInf},      {"ReduceL1", 0},        {"ReduceL2", 0},
                        {"ReduceSumSquare", 0},   {"ReduceLogSum", -kInf}, {"ReduceLogSumExp", -kInf},
                        {"ReduceMean", kNaN}};
  for (const Case& c : cases) {
    auto out = RunOutput(ReduceAttr(c.op, x, {1}, 1));
    ASSERT_TRUE(out.ok()) << c.op << ": " << out.status();
    EXPECT_TRUE(Near(*out, F({c.expect, c.expect}, {2, 1}))) << c.op;
  }
  // Kept dims of size zero give an empty output.
  auto empty = RunOutput(ReduceAttr("ReduceSum", x, {0}, 0));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->shape(), (Shape{0}));
}

TEST(Reduce, IntegerTypes) {
  auto sum = RunOutput(ReduceAttr("ReduceSum", Of<int32_t>({1, 2, 3, 4, 5, 6}, {2, 3}), {1}, 0));
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_TRUE(Near(*sum, Of<int32_t>({6, 15}, {2})));
  auto mx = RunOutput(ReduceAttr("ReduceMax", Of<uint8_t>({1, 200, 3, 4}, {2, 2}), {0}, 0));
  ASSERT_TRUE(mx.ok()) << mx.status();
  EXPECT_TRUE(Near(*mx, Of<uint8_t>({3, 200}, {2})));
  auto mean = RunOutput(ReduceAttr("ReduceMean", I64({1, 2, 4, 7}, {4}), {0}, 0));
  ASSERT_TRUE(mean.ok()) << mean.status();
  EXPECT_TRUE(Near(*mean, I64({3}, {})));
}

TEST(Reduce, InvalidAxisIsAnError) {
  auto out = RunOutput(ReduceAttr("ReduceSum", Iota234(), {3}, 1));
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("axis 3"), std::string::npos) << out.status();
}

// Large random reductions on every path against a double-precision loop.
TEST(Reduce, LargeReductionsMatchReference) {
  const int64_t a = 37, b = 129, c = 300;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> x(a * b * c);
  for (float& v : x) v = dist(rng);
  auto at = [&](int64_t i, int64_t j, int64_t k) { return static_cast<double>(x[(i * b + j) * c + k]); };
  for (std::vector<int64_t> axes : {std::vector<int64_t>{2}, {1}, {0}, {0, 2}, {1, 2}}) {
    auto out = RunOutput(ReduceAttr("ReduceSum", F(x, {a, b, c}), axes, 1));
    ASSERT_TRUE(out.ok()) << out.status();
    const Shape& s = out->shape();
    std::vector<double> expect(static_cast<size_t>(out->num_elements()), 0.0);
    for (int64_t i = 0; i < a; ++i) {
      for (int64_t j = 0; j < b; ++j) {
        for (int64_t k = 0; k < c; ++k) {
          int64_t oi = s[0] == 1 ? 0 : i, oj = s[1] == 1 ? 0 : j, ok = s[2] == 1 ? 0 : k;
          expect[(oi * s[1] + oj) * s[2] + ok] += at(i, j, k);
        }
      }
    }
    std::vector<float> ef(expect.begin(), expect.end());
    EXPECT_TRUE(Near(*out, F(ef, s), 1e-4, 1e-4)) << "axes size " << axes.size() << " first " << axes[0];
  }
}

}  // namespace
}  // namespace braid::backends::cpu::testing
