// ArgMax/ArgMin, TopK, CumSum, Trilu.
#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/math/math_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

OpTest Arg(const char* op, Tensor x, int64_t axis, int64_t keepdims, int64_t last) {
  OpTest t = MakeTest(op, {std::move(x)}, 13);
  t.attributes["axis"] = AttrInt(axis);
  t.attributes["keepdims"] = AttrInt(keepdims);
  t.attributes["select_last_index"] = AttrInt(last);
  return t;
}

TEST(ArgMinMax, TiesAndSelectLastIndex) {
  const Tensor x = F({2, 5, 5, 1, 1, 0}, {2, 3});
  auto first = RunOutput(Arg("ArgMax", x, 1, 1, 0));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(Near(*first, I64({1, 0}, {2, 1})));
  auto last = RunOutput(Arg("ArgMax", x, 1, 0, 1));
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(Near(*last, I64({2, 1}, {2})));
  auto mn = RunOutput(Arg("ArgMin", x, -2, 0, 0));
  ASSERT_TRUE(mn.ok());
  EXPECT_TRUE(Near(*mn, I64({1, 1, 1}, {3})));
  auto nan = RunOutput(Arg("ArgMin", F({3, kNaN, 1, kNaN}, {4}), 0, 0, 0));
  ASSERT_TRUE(nan.ok());
  EXPECT_TRUE(Near(*nan, I64({1}, {})));
}

TEST(ArgMinMax, ErrorsOnBadAxisAndEmptyAxis) {
  EXPECT_FALSE(RunOutput(Arg("ArgMax", F({1, 2}, {2}), 1, 1, 0)).ok());
  EXPECT_FALSE(RunOutput(Arg("ArgMax", F({}, {2, 0}), 1, 1, 0)).ok());
}

TEST(TopK, LargestAndSmallestWithStableTies) {
  OpTest t = MakeTest("TopK", {F({1, 3, 3, 2, 9, 0, 0, 4}, {2, 4}), I64({2}, {1})}, 11);
  auto v = RunOutput(t, 0);
  auto i = RunOutput(t, 1);
  t.num_outputs = 2;
  v = RunOutput(t, 0);
  i = RunOutput(t, 1);
  ASSERT_TRUE(v.ok() && i.ok()) << v.status();
  EXPECT_TRUE(Near(*v, F({3, 3, 9, 4}, {2, 2})));
  EXPECT_TRUE(Near(*i, I64({1, 2, 0, 3}, {2, 2})));
  t.attributes["largest"] = AttrInt(0);
  v = RunOutput(t, 0);
  i = RunOutput(t, 1);
  ASSERT_TRUE(v.ok() && i.ok());
  EXPECT_TRUE(Near(*v, F({1, 2, 0, 0}, {2, 2})));
  EXPECT_TRUE(Near(*i, I64({0, 3, 1, 2}, {2, 2})));
}

TEST(TopK, AlongAnOuterAxisWithNaN) {
  OpTest t = MakeTest("TopK", {F({1, 5, kNaN, 2, 3, 4}, {3, 2}), I64({2}, {1})}, 11);
  t.num_outputs = 2;
  t.attributes["axis"] = AttrInt(0);
  auto v = RunOutput(t, 0);
  auto i = RunOutput(t, 1);
  ASSERT_TRUE(v.ok() && i.ok()) << v.status();
  EXPECT_TRUE(Near(*v, F({kNaN, 5, 3, 4}, {2, 2})));
  EXPECT_TRUE(Near(*i, I64({1, 0, 2, 2}, {2, 2})));
}

TEST(TopK, KOutOfRangeAndOpset1Attribute) {
  OpTest bad = MakeTest("TopK", {F({1, 2}, {2}), I64({3}, {1})}, 11);
  bad.num_outputs = 2;
  EXPECT_FALSE(RunOutput(bad).ok());
  OpTest old = MakeTest("TopK", {F({1, 7, 2}, {3})}, 1);
  old.num_outputs = 2;
  old.attributes["k"] = AttrInt(1);
  auto v = RunOutput(old);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(Near(*v, F({7}, {1})));
}

TEST(CumSum, ExclusiveReverseAndAxes) {
  const Tensor x = F({1, 2, 3, 4, 5, 6}, {2, 3});
  auto plain = RunOutput(MakeTest("CumSum", {x, I64({1}, {})}, 14));
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_TRUE(Near(*plain, F({1, 3, 6, 4, 9, 15}, {2, 3})));
  OpTest er = MakeTest("CumSum", {x, Of<int32_t>({-1}, {1})}, 14);
  er.attributes["exclusive"] = AttrInt(1);
  er.attributes["reverse"] = AttrInt(1);
  auto o = RunOutput(er);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_TRUE(Near(*o, F({5, 3, 0, 11, 6, 0}, {2, 3})));
  auto col = RunOutput(MakeTest("CumSum", {Of<int32_t>({1, 2, 3, 4, 5, 6}, {2, 3}), I64({0}, {})}, 14));
  ASSERT_TRUE(col.ok()) << col.status();
  EXPECT_TRUE(Near(*col, Of<int32_t>({1, 2, 3, 5, 7, 9}, {2, 3})));
  EXPECT_FALSE(RunOutput(MakeTest("CumSum", {x, I64({2}, {})}, 14)).ok());
}

TEST(Trilu, UpperLowerWithK) {
  std::vector<float> v(12);
  for (int i = 0; i < 12; ++i) v[i] = static_cast<float>(i + 1);
  const Tensor x = F(v, {3, 4});
  auto up = RunOutput(MakeTest("Trilu", {x}, 14));
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_TRUE(Near(*up, F({1, 2, 3, 4, 0, 6, 7, 8, 0, 0, 11, 12}, {3, 4})));
  OpTest low = MakeTest("Trilu", {x, I64({-1}, {})}, 14);
  low.attributes["upper"] = AttrInt(0);
  auto lo = RunOutput(low);
  ASSERT_TRUE(lo.ok()) << lo.status();
  EXPECT_TRUE(Near(*lo, F({0, 0, 0, 0, 5, 0, 0, 0, 9, 10, 0, 0}, {3, 4})));
  auto batched = RunOutput(MakeTest("Trilu", {Of<int64_t>({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2}), I64({1}, {})}, 14));
  ASSERT_TRUE(batched.ok());
  EXPECT_TRUE(Near(*batched, Of<int64_t>({0, 2, 0, 0, 0, 6, 0, 0}, {2, 2, 2})));
  EXPECT_FALSE(RunOutput(MakeTest("Trilu", {F({1}, {1})}, 14)).ok());
}

}  // namespace
}  // namespace braid::backends::cpu::testing
