#include <cmath>
#include <random>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/math/math_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

std::vector<double> Random(int64_t n) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  std::vector<double> v(n);
  for (double& x : v) x = dist(rng);
  return v;
}

OpTest Einsum(const char* eq, std::vector<Tensor> in) {
  OpTest t = MakeTest("Einsum", std::move(in), 12);
  t.attributes["equation"] = AttrString(eq);
  return t;
}

TEST(Einsum, BatchMatMul) {
  const auto a = Random(5 * 2 * 3), b = Random(5 * 3 * 4);
  std::vector<double> c(5 * 2 * 4, 0.0);
  for (int n = 0; n < 5; ++n)
    for (int i = 0; i < 2; ++i)
      for (int k = 0; k < 4; ++k)
        for (int j = 0; j < 3; ++j) c[(n * 2 + i) * 4 + k] += a[(n * 2 + i) * 3 + j] * b[(n * 3 + j) * 4 + k];
  auto out = RunOutput(Einsum("bij, bjk -> bik", {Of<double>(a, {5, 2, 3}), Of<double>(b, {5, 3, 4})}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, Of<double>(c, {5, 2, 4})));
}

TEST(Einsum, TransposeSumInnerProductAndImplicitOutput) {
  const Tensor x = F({1, 2, 3, 4, 5, 6}, {2, 3});
  auto tr = RunOutput(Einsum("ij->ji", {x}));
  ASSERT_TRUE(tr.ok()) << tr.status();
  EXPECT_TRUE(Near(*tr, F({1, 4, 2, 5, 3, 6}, {3, 2})));
  auto sum = RunOutput(Einsum("ij->i", {x}));
  ASSERT_TRUE(sum.ok());
  EXPECT_TRUE(Near(*sum, F({6, 15}, {2})));
  auto dot = RunOutput(Einsum("i,i", {F({1, 2, 3}, {3}), F({4, 5, 6}, {3})}));
  ASSERT_TRUE(dot.ok()) << dot.status();
  EXPECT_TRUE(Near(*dot, F({32}, {})));
  // Implicit output: labels seen once, alphabetically -> "ji" order is "ij" sorted: j then... "ba" -> "ab".
  auto implicit = RunOutput(Einsum("ba", {x}));
  ASSERT_TRUE(implicit.ok()) << implicit.status();
  EXPECT_TRUE(Near(*implicit, F({1, 4, 2, 5, 3, 6}, {3, 2})));
  auto outer = RunOutput(Einsum("i,j->ij", {F({1, 2}, {2}), F({3, 4, 5}, {3})}));
  ASSERT_TRUE(outer.ok());
  EXPECT_TRUE(Near(*outer, F({3, 4, 5, 6, 8, 10}, {2, 3})));
}

TEST(Einsum, EllipsisDiagonalAndTrace) {
  const auto x = Random(3 * 4 * 4);
  std::vector<double> diag(3 * 4), trace(3, 0.0);
  for (int b = 0; b < 3; ++b)
    for (int i = 0; i < 4; ++i) {
      diag[b * 4 + i] = x[(b * 4 + i) * 4 + i];
      trace[b] += diag[b * 4 + i];
    }
  auto d = RunOutput(Einsum("...ii ->...i", {Of<double>(x, {3, 4, 4})}));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(Near(*d, Of<double>(diag, {3, 4})));
  auto t = RunOutput(Einsum("bii->b", {Of<double>(x, {3, 4, 4})}));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(Near(*t, Of<double>(trace, {3})));
}

TEST(Einsum, BroadcastEllipsisAndThreeOperands) {
  // "...ij,...jk->...ik" with batch dims [2,1] and [3] broadcasting to [2,3].
  const Tensor a = F({1, 0, 0, 1, 2, 0, 0, 2}, {2, 1, 2, 2});
  const Tensor b = F({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {3, 2, 2});
  auto out = RunOutput(Einsum("...ij,...jk->...ik", {a, b}));
  ASSERT_TRUE(out.ok()) << out.status();
  std::vector<float> expect;
  for (float s : {1.0f, 2.0f})
    for (int k = 0; k < 12; ++k) expect.push_back(s * static_cast<float>(k + 1));
  EXPECT_TRUE(Near(*out, F(expect, {2, 3, 2, 2})));
  auto three = RunOutput(Einsum("i,i,i->", {F({1, 2}, {2}), F({3, 4}, {2}), F({5, 6}, {2})}));
  ASSERT_TRUE(three.ok()) << three.status();
  EXPECT_TRUE(Near(*three, F({1 * 3 * 5 + 2 * 4 * 6}, {})));
}

TEST(Einsum, LabelsSummedInOneOperandOnlyAndPermutedOutput) {
  // "ij,jk->i": k appears only in the second operand and is summed too.
  auto out = RunOutput(Einsum("ij,jk->i", {F({1, 2, 3, 4}, {2, 2}), F({1, 2, 3, 4}, {2, 2})}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, F({1 * 3 + 2 * 7, 3 * 3 + 4 * 7}, {2})));
  // "bij,bjk->kbi": output order differs from [batch, rows, cols].
  const auto a = Random(2 * 3 * 4), b = Random(2 * 4 * 5);
  std::vector<double> c(5 * 2 * 3, 0.0);
  for (int n = 0; n < 2; ++n)
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 5; ++k)
        for (int j = 0; j < 4; ++j) c[(k * 2 + n) * 3 + i] += a[(n * 3 + i) * 4 + j] * b[(n * 4 + j) * 5 + k];
  auto perm = RunOutput(Einsum("bij,bjk->kbi", {Of<double>(a, {2, 3, 4}), Of<double>(b, {2, 4, 5})}));
  ASSERT_TRUE(perm.ok()) << perm.status();
  EXPECT_TRUE(Near(*perm, Of<double>(c, {5, 2, 3})));
}

TEST(Einsum, MalformedEquationsAreErrors) {
  EXPECT_FALSE(RunOutput(Einsum("ij,jk->ik", {F({1}, {1, 1})})).ok());          // operand count
  EXPECT_FALSE(RunOutput(Einsum("ij->ik", {F({1, 2}, {1, 2})})).ok());          // unknown output label
  EXPECT_FALSE(RunOutput(Einsum("ijk->i", {F({1, 2}, {1, 2})})).ok());          // rank mismatch
  EXPECT_FALSE(RunOutput(Einsum("ij,jk", {F({1, 2}, {1, 2}), F({1, 2, 3}, {3, 1})})).ok());  // size mismatch
  EXPECT_FALSE(RunOutput(Einsum("i1->i", {F({1}, {1, 1})})).ok());              // bad character
}

TEST(Det, TwoByTwoAndBatchedWithPivoting) {
  auto out = RunOutput(MakeTest("Det", {F({1, 2, 3, 4, 1, 2, 2, 1, 0, 1, 1, 0}, {3, 2, 2})}, 11));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, F({-2, -3, -1}, {3})));
  auto three = RunOutput(MakeTest("Det", {Of<double>({2, -3, 1, 2, 0, -1, 1, 4, 5}, {3, 3})}, 11));
  ASSERT_TRUE(three.ok());
  EXPECT_TRUE(Near(*three, Of<double>({49}, {})));
  auto singular = RunOutput(MakeTest("Det", {F({1, 2, 2, 4}, {2, 2})}, 11));
  ASSERT_TRUE(singular.ok());
  EXPECT_TRUE(Near(*singular, F({0}, {})));
  EXPECT_FALSE(RunOutput(MakeTest("Det", {F({1, 2, 3, 4, 5, 6}, {2, 3})}, 11)).ok());
}

}  // namespace
}  // namespace braid::backends::cpu::testing
