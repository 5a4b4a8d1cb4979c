#include "gtest/gtest.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

TEST(BinaryKernels, AddBroadcastsRowAgainstMatrix) {
  OpTest t{.op_type = "Add"};
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3})),
              Value(Tensor::FromVector<float>({10, 20, 30}, {3}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({11, 22, 33, 14, 25, 36}, {2, 3})));
}

TEST(BinaryKernels, MulBroadcastsColumnAgainstRow) {
  OpTest t{.op_type = "Mul"};
  t.inputs = {Value(Tensor::FromVector<int32_t>({1, 2}, {2, 1})),
              Value(Tensor::FromVector<int32_t>({3, 4, 5}, {1, 3}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int32_t>({3, 4, 5, 6, 8, 10}, {2, 3})));
}

TEST(BinaryKernels, LargeBroadcastMatchesScalarLoop) {
  // Big enough to be split across threads.
  const int64_t n = 64, m = 1000;
  std::vector<float> a(n * m), b(m), expect(n * m);
  for (int64_t i = 0; i < n * m; ++i) a[i] = static_cast<float>(i % 97) * 0.5f;
  for (int64_t j = 0; j < m; ++j) b[j] = static_cast<float>(j % 13) - 6.0f;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < m; ++j) expect[i * m + j] = a[i * m + j] - b[j];
  }
  OpTest t{.op_type = "Sub"};
  t.inputs = {Value(Tensor::FromVector<float>(a, {n, 1, m})), Value(Tensor::FromVector<float>(b, {m}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(expect, {n, 1, m})));
}

TEST(BinaryKernels, ComparisonYieldsBool) {
  OpTest t{.op_type = "Less"};
  t.inputs = {Value(Tensor::FromVector<int64_t>({1, 5, 3}, {3})), Value(Tensor::Scalar<int64_t>(3))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<bool>({true, false, false}, {3})));
}

TEST(BinaryKernels, IncompatibleShapesAreAnError) {
  OpTest t{.op_type = "Add"};
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3}, {3})), Value(Tensor::FromVector<float>({1, 2}, {2}))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("cannot be broadcast"), std::string::npos) << out.status();
}

TEST(BinaryKernels, MismatchedTypesAreAnError) {
  OpTest t{.op_type = "Add"};
  t.inputs = {Value(Tensor::FromVector<float>({1}, {1})), Value(Tensor::FromVector<int32_t>({1}, {1}))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("operand types differ"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace braid::backends::cpu::testing
