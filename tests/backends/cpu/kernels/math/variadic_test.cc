#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/math/math_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

TEST(Variadic, MaxOfThreeBroadcastsAndPropagatesNaN) {
  auto out = RunOutput(MakeTest("Max", {F({1, 5}, {2, 1}), F({3}, {1}), F({0, 4, kNaN}, {1, 1, 3})}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, F({3, 4, kNaN, 5, 5, kNaN}, {1, 2, 3})));
}

TEST(Variadic, MinOnIntegers) {
  auto out = RunOutput(MakeTest("Min", {Of<uint16_t>({1, 9}, {2}), Of<uint16_t>({4, 2}, {2})}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, Of<uint16_t>({1, 2}, {2})));
}

TEST(Variadic, SumAndMean) {
  auto one = RunOutput(MakeTest("Sum", {F({1, 2}, {2})}));
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(Near(*one, F({1, 2}, {2})));
  auto sum = RunOutput(MakeTest("Sum", {F({1, 2}, {2}), F({10}, {}), F({100, 200}, {2})}));
  ASSERT_TRUE(sum.ok());
  EXPECT_TRUE(Near(*sum, F({111, 212}, {2})));
  auto mean = RunOutput(MakeTest("Mean", {F({1, 2}, {2}), F({4, 6}, {2})}));
  ASSERT_TRUE(mean.ok());
  EXPECT_TRUE(Near(*mean, F({2.5f, 4}, {2})));
  auto mean1 = RunOutput(MakeTest("Mean", {F({3}, {1})}));
  ASSERT_TRUE(mean1.ok());
  EXPECT_TRUE(Near(*mean1, F({3}, {1})));
}

TEST(Variadic, MismatchedShapesOrTypesAreErrors) {
  EXPECT_FALSE(RunOutput(MakeTest("Max", {F({1, 2}, {2}), F({1, 2, 3}, {3})})).ok());
  EXPECT_FALSE(RunOutput(MakeTest("Sum", {F({1}, {1}), Of<double>({1}, {1})})).ok());
}

TEST(Where, BroadcastsAllThreeOperands) {
  auto out = RunOutput(MakeTest("Where", {Of<bool>({true, false}, {2, 1}), F({1, 2, 3}, {3}), F({-1}, {})}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, F({1, 2, 3, -1, -1, -1}, {2, 3})));
}

TEST(Where, StringsAndLargeInputs) {
  auto s = RunOutput(MakeTest("Where", {Of<bool>({true, false}, {2}), Of<std::string>({"a", "b"}, {2}),
                                        Of<std::string>({"c", "d"}, {2})}));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(Near(*s, Of<std::string>({"a", "d"}, {2})));
  const int64_t n = 300, m = 257;
  std::vector<bool> c;
  std::vector<int64_t> x(n * m), expect(n * m);
  std::vector<int64_t> y(m);
  for (int64_t j = 0; j < m; ++j) y[j] = -j;
  for (int64_t i = 0; i < n; ++i) c.push_back(i % 3 == 0);
  for (int64_t i = 0; i < n * m; ++i) {
    x[i] = i;
    expect[i] = c[i / m] ? i : -(i % m);
  }
  auto out = RunOutput(MakeTest("Where", {Of<bool>(c, {n, 1}), I64(x, {n, m}), I64(y, {m})}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, I64(expect, {n, m})));
}

TEST(Where, RequiresBoolCondition) {
  EXPECT_FALSE(RunOutput(MakeTest("Where", {F({1}, {1}), F({1}, {1}), F({2}, {1})})).ok());
}

}  // namespace
}  // namespace braid::backends::cpu::testing
