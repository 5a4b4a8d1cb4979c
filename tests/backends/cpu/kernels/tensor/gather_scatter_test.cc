// Gather*, Scatter*: negative indices, axes, batch dims, reductions, strings
// and out-of-range indices reported as errors.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/tensor/tensor_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

void ExpectErrorMentions(const absl::StatusOr<std::vector<Value>>& out, const std::string& text) {
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find(text), std::string::npos) << out.status();
}

TEST(Gather, Axis1WithNegativeAndMatrixIndices) {
  OpTest t = Op("Gather", 13);
  t.inputs = {F32(Iota<float>(6), {2, 3}), I64({-1, 0, 1, 1}, {2, 2})};
  t.attributes.emplace("axis", Int(1));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({2, 0, 1, 1, 5, 3, 4, 4}, {2, 2, 2})));
}

TEST(Gather, RowsOfStringsWithInt32ScalarIndex) {
  OpTest t = Op("Gather");
  t.inputs = {Value(Tensor::FromVector<std::string>({"a", "b", "c", "d"}, {2, 2})),
              Value(Tensor::Scalar<int32_t>(-1))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<std::string>({"c", "d"}, {2})));
}

TEST(Gather, EmbeddingLookupWithEmptyIndices) {
  OpTest t = Op("Gather");
  t.inputs = {F32(Iota<float>(12), {4, 3}), I64({}, {0, 2})};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{0, 2, 3}));
}

TEST(Gather, OutOfRangeIndexIsAnErrorNamingIt) {
  OpTest t = Op("Gather");
  t.inputs = {F32(Iota<float>(6), {3, 2}), I64({0, 3})};
  ExpectErrorMentions(t.Run(), "index 3 at position 1");
  t.inputs = {F32(Iota<float>(6), {3, 2}), I64({-4})};
  ExpectErrorMentions(t.Run(), "index -4");
}

TEST(GatherElements, AlongEachAxis) {
  OpTest t = Op("GatherElements", 13);
  t.inputs = {F32({1, 2, 3, 4, 5, 6, 7, 8, 9}, {3, 3}), I64({1, 2, 0, 2, 0, 0}, {2, 3})};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({4, 8, 3, 7, 2, 3}, {2, 3})));
  t.attributes.emplace("axis", Int(-1));
  t.inputs = {F32({1, 2, 3, 4}, {2, 2}), I64({0, 0, -1, 0}, {2, 2})};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 1, 4, 3}, {2, 2})));
  t.inputs = {F32({1, 2, 3, 4}, {2, 2}), I64({0, 2, 0, 0}, {2, 2})};
  ExpectErrorMentions(t.Run(), "index 2");
}

TEST(GatherND, BatchDimsAndSliceGather) {
  OpTest t = Op("GatherND", 13);
  t.inputs = {F32(Iota<float>(8), {2, 2, 2}), I64({1, 0, 0, 1}, {2, 2})};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({4, 5, 2, 3}, {2, 2})));
  t.attributes.emplace("batch_dims", Int(1));
  t.inputs = {F32(Iota<float>(8), {2, 2, 2}), I64({1, -1}, {2, 1})};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({2, 3, 6, 7}, {2, 2})));
  t.inputs = {F32(Iota<float>(8), {2, 2, 2}), I64({1, 2}, {2, 1})};
  ExpectErrorMentions(t.Run(), "index 2");
}

TEST(ScatterElements, ReductionsAndDuplicates) {
  OpTest t = Op("ScatterElements", 16);
  t.attributes.emplace("axis", Int(1));
  t.attributes.emplace("reduction", Str("add"));
  t.inputs = {F32({1, 2, 3, 4, 5}, {1, 5}), I64({1, 1}, {1, 2}), F32({1.1f, 2.1f}, {1, 2})};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 5.2f, 3, 4, 5}, {1, 5})));
  t.attributes["reduction"] = Str("mul");
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 2 * 1.1f * 2.1f, 3, 4, 5}, {1, 5})));
}

TEST(ScatterElements, NegativeIndicesStringsAndErrors) {
  OpTest t = Op("ScatterElements", 13);
  t.inputs = {Value(Tensor::FromVector<std::string>({"a", "b", "c"}, {3})), I64({-1}),
              Value(Tensor::FromVector<std::string>({"z"}, {1}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<std::string>({"a", "b", "z"}, {3})));
  t.inputs[1] = I64({3});
  ExpectErrorMentions(t.Run(), "index 3");
  OpTest r = Op("ScatterElements", 16);
  r.attributes.emplace("reduction", Str("max"));
  r.inputs = {F32({1}, {1}), I64({0}), F32({2}, {1})};
  ExpectErrorMentions(r.Run(), "reduction");  // max needs opset 18
}

TEST(Scatter, DeprecatedOpMatchesScatterElements) {
  OpTest t = Op("Scatter", 10);
  t.attributes.emplace("axis", Int(1));
  t.inputs = {F32({1, 2, 3, 4, 5}, {1, 5}), I64({1, 3}, {1, 2}), F32({1.1f, 2.1f}, {1, 2})};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 1.1f, 3, 2.1f, 5}, {1, 5})));
}

TEST(ScatterND, SlicesWithReductionAndErrors) {
  OpTest t = Op("ScatterND", 16);
  t.inputs = {F32(Iota<float>(8), {4, 2}), I64({1, -1}, {2, 1}), F32({10, 20, 30, 40}, {2, 2})};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({0, 1, 10, 20, 4, 5, 30, 40}, {4, 2})));
  t.attributes.emplace("reduction", Str("add"));
  t.inputs[1] = I64({1, 1}, {2, 1});
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({0, 1, 42, 63, 4, 5, 6, 7}, {4, 2})));
  t.inputs[1] = I64({1, 4}, {2, 1});
  ExpectErrorMentions(t.Run(), "index 4");
  t.inputs[1] = I64({1, 1}, {2, 1});
  t.inputs[2] = F32({1, 2}, {2, 1});
  ExpectErrorMentions(t.Run(), "updates shape");
}

}  // namespace
}  // namespace braid::backends::cpu::testing
