#include "gtest/gtest.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

TEST(BinaryKernels, AddBroadcastsRowAgainstMatrix) {
  OpTest t;
  t.op_type = "Add";
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3})),
              Value(Tensor::FromVector<float>({10, 20, 30}, {3}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({11, 22, 33, 14, 25, 36}, {2, 3})));
}

TEST(BinaryKernels, MulBroadcastsColumnAgainstRow) {
  OpTest t;
  t.op_type = "Mul";
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
  OpTest t;
  t.op_type = "Sub";
  t.inputs = {Value(Tensor::FromVector<float>(a, {n, 1, m})), Value(Tensor::FromVector<float>(b, {m}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(expect, {n, 1, m})));
}

TEST(BinaryKernels, ComparisonYieldsBool) {
  OpTest t;
  t.op_type = "Less";
  t.inputs = {Value(Tensor::FromVector<int64_t>({1, 5, 3}, {3})), Value(Tensor::Scalar<int64_t>(3))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<bool>({true, false, false}, {3})));
}

TEST(BinaryKernels, IncompatibleShapesAreAnError) {
  OpTest t;
  t.op_type = "Add";
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3}, {3})), Value(Tensor::FromVector<float>({1, 2}, {2}))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("cannot be broadcast"), std::string::npos) << out.status();
}

TEST(BinaryKernels, MismatchedTypesAreAnError) {
  OpTest t;
  t.op_type = "Add";
  t.inputs = {Value(Tensor::FromVector<float>({1}, {1})), Value(Tensor::FromVector<int32_t>({1}, {1}))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("operand types differ"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace braid::backends::cpu::testing

namespace braid::backends::cpu::testing {
namespace {

TEST(BinaryKernels, LegacyBroadcastAlignsSecondOperandAtAxis) {
  OpTest t;
  t.op_type = "Add";
  t.opset = 6;
  t.inputs = {Value(Tensor::FromVector<float>({0, 0, 0, 0, 0, 0}, {2, 3, 1})),
              Value(Tensor::FromVector<float>({1, 2, 3}, {3}))};
  t.attributes["broadcast"] = graph::Attribute(int64_t{1});
  t.attributes["axis"] = graph::Attribute(int64_t{1});
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 2, 3, 1, 2, 3}, {2, 3, 1})));
}

TEST(BinaryKernels, IntegerDivisionEdgeCases) {
  OpTest t;
  t.op_type = "Div";
  t.inputs = {Value(Tensor::FromVector<int32_t>({7, -7, INT32_MIN, 5}, {4})),
              Value(Tensor::FromVector<int32_t>({2, 2, -1, 0}, {4}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int32_t>({3, -3, INT32_MIN, 0}, {4})));
}

TEST(BinaryKernels, BitShiftBothDirections) {
  OpTest t;
  t.op_type = "BitShift";
  t.inputs = {Value(Tensor::FromVector<uint8_t>({16, 4, 1}, {3})), Value(Tensor::FromVector<uint8_t>({1, 2, 9}, {3}))};
  t.attributes["direction"] = graph::Attribute(std::string("RIGHT"));
  auto right = t.Run();
  ASSERT_TRUE(right.ok()) << right.status();
  EXPECT_TRUE(TensorsNear((*right)[0].tensor(), Tensor::FromVector<uint8_t>({8, 1, 0}, {3})));
  t.attributes["direction"] = graph::Attribute(std::string("LEFT"));
  auto left = t.Run();
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_TRUE(TensorsNear((*left)[0].tensor(), Tensor::FromVector<uint8_t>({32, 16, 0}, {3})));
  t.attributes["direction"] = graph::Attribute(std::string("UP"));
  EXPECT_FALSE(t.Run().ok());
}

TEST(BinaryKernels, EqualOnStrings) {
  OpTest t;
  t.op_type = "Equal";
  t.inputs = {Value(Tensor::FromVector<std::string>({"a", "bc", ""}, {3})),
              Value(Tensor::FromVector<std::string>({"bc"}, {1}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<bool>({false, true, false}, {3})));
}

TEST(BinaryKernels, PowMixedTypes) {
  OpTest t;
  t.op_type = "Pow";
  t.inputs = {Value(Tensor::FromVector<int32_t>({2, 3, -2}, {3})), Value(Tensor::FromVector<float>({2.5f, 2, 3}, {3}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int32_t>({5, 9, -8}, {3})));  // truncated

  t.inputs = {Value(Tensor::FromVector<float>({2, 4, 9}, {3})), Value(Tensor::FromVector<int64_t>({3, -1, 0}, {3}))};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({8, 0.25f, 1}, {3})));

  t.inputs = {Value(Tensor::FromVector<int64_t>({3, -2, 5, 1}, {4})),
              Value(Tensor::FromVector<int64_t>({39, 3, -1, -7}, {4}))};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int64_t>({4052555153018976267, -8, 0, 1}, {4})));
}

TEST(BinaryKernels, PowScalarExponentFastPaths) {
  OpTest t;
  t.op_type = "Pow";
  for (float p : {2.0f, 0.5f, 1.0f, 3.0f, 1.5f}) {
    t.inputs = {Value(Tensor::FromVector<float>({4, 9, 0.25f}, {3})), Value(Tensor::Scalar<float>(p))};
    auto out = t.Run();
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_TRUE(TensorsNear((*out)[0].tensor(),
                            Tensor::FromVector<float>({std::pow(4.0f, p), std::pow(9.0f, p), std::pow(0.25f, p)}, {3})))
        << p;
  }
}

TEST(BinaryKernels, ModFollowsDivisorSignUnlessFmod) {
  OpTest t;
  t.op_type = "Mod";
  t.inputs = {Value(Tensor::FromVector<int32_t>({-4, 7, 5, -5, 3}, {5})),
              Value(Tensor::FromVector<int32_t>({3, -3, 0, -2, 3}, {5}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int32_t>({2, -2, 0, -1, 0}, {5})));
  t.attributes["fmod"] = graph::Attribute(int64_t{1});
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int32_t>({-1, 1, 0, -1, 0}, {5})));
  t.inputs = {Value(Tensor::FromVector<float>({-4.5f, 7.5f}, {2})), Value(Tensor::FromVector<float>({2, -2}, {2}))};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({-0.5f, 1.5f}, {2})));
}

}  // namespace
}  // namespace braid::backends::cpu::testing
