#include <string>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/control/graph_builder.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

using graph::Attribute;

Tensor F(std::vector<float> v, Shape s) { return Tensor::FromVector<float>(v, std::move(s)); }
Value Seq(std::vector<Tensor> items) { return Value::Sequence(std::move(items), DataType::kFloat32); }
Value Pos(int64_t p) { return Value(Tensor::Scalar<int64_t>(p)); }

// Values of the first element of each sequence item (items are [1] tensors here).
std::vector<float> Firsts(const Value& seq) {
  std::vector<float> out;
  for (const Tensor& t : seq.sequence()) out.push_back(t.data<float>()[0]);
  return out;
}

Value ThreeItems() { return Seq({F({1}, {1}), F({2}, {1}), F({3}, {1})}); }

TEST(SequenceKernels, InsertHonoursNegativePositionsAndAppendsByDefault) {
  OpTest t = MakeOp("SequenceInsert", 11);
  t.inputs = {ThreeItems(), Value(F({9}, {1})), Pos(-1)};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Firsts((*out)[0]), (std::vector<float>{1, 2, 9, 3}));
  t.inputs = {ThreeItems(), Value(F({9}, {1}))};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Firsts((*out)[0]), (std::vector<float>{1, 2, 3, 9}));
  t.inputs = {ThreeItems(), Value(F({9}, {1})), Pos(3)};  // n is a valid insert position
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Firsts((*out)[0]), (std::vector<float>{1, 2, 3, 9}));
}

TEST(SequenceKernels, InsertOutOfRangeAndWrongTypeAreErrors) {
  OpTest t = MakeOp("SequenceInsert", 11);
  t.inputs = {ThreeItems(), Value(F({9}, {1})), Pos(-4)};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("position -4 is out of range [-3, 3]"), std::string::npos) << out.status();
  t.inputs = {ThreeItems(), Value(Tensor::FromVector<int64_t>({1}, {1}))};
  out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("cannot insert a int64 tensor into a sequence of float32"), std::string::npos)
      << out.status();
}

TEST(SequenceKernels, AtReadsFromTheBackAndRejectsOutOfRange) {
  OpTest t = MakeOp("SequenceAt", 11);
  t.inputs = {ThreeItems(), Value(Tensor::Scalar<int32_t>(-3))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), F({1}, {1})));
  t.inputs = {ThreeItems(), Pos(3)};
  out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("position 3 is out of range [-3, 2]"), std::string::npos) << out.status();
}

TEST(SequenceKernels, EraseDefaultsToTheLastItem) {
  OpTest t = MakeOp("SequenceErase", 11);
  t.inputs = {ThreeItems()};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Firsts((*out)[0]), (std::vector<float>{1, 2}));
  t.inputs = {ThreeItems(), Pos(-3)};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Firsts((*out)[0]), (std::vector<float>{2, 3}));
  t.inputs = {Seq({})};
  out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("empty sequence"), std::string::npos) << out.status();
}

TEST(SequenceKernels, LengthConstructAndEmpty) {
  OpTest len = MakeOp("SequenceLength", 11);
  len.inputs = {ThreeItems()};
  auto out = len.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::Scalar<int64_t>(3)));

  OpTest mixed = MakeOp("SequenceConstruct", 11);
  mixed.inputs = {Value(F({1}, {1})), Value(Tensor::FromVector<int32_t>({1}, {1}))};
  out = mixed.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("share one type"), std::string::npos) << out.status();

  OpTest empty = MakeOp("SequenceEmpty", 11);
  empty.attributes.emplace("dtype", Attribute(int64_t{7}));
  out = empty.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE((*out)[0].is_sequence());
  EXPECT_TRUE((*out)[0].sequence().empty());
  EXPECT_EQ((*out)[0].sequence_element_type(), DataType::kInt64);
}

TEST(SequenceKernels, SplitToSequenceWithoutSplitSqueezesWhenAsked) {
  OpTest t = MakeOp("SplitToSequence", 11);
  t.inputs = {Value(F({1, 2, 3, 4, 5, 6}, {3, 2}))};
  t.attributes.emplace("keepdims", Attribute(int64_t{0}));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  const auto& items = (*out)[0].sequence();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_TRUE(TensorsNear(items[2], F({5, 6}, {2})));
}

TEST(SequenceKernels, SplitToSequenceScalarSplitLeavesASmallerLastChunk) {
  OpTest t = MakeOp("SplitToSequence", 11);
  t.inputs = {Value(F({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {2, 5})), Value(Tensor::Scalar<int64_t>(2))};
  t.attributes.emplace("axis", Attribute(int64_t{-1}));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  const auto& items = (*out)[0].sequence();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_TRUE(TensorsNear(items[0], F({1, 2, 6, 7}, {2, 2})));
  EXPECT_TRUE(TensorsNear(items[2], F({5, 10}, {2, 1})));
}

TEST(SequenceKernels, SplitToSequenceSizesMustCoverTheAxis) {
  OpTest t = MakeOp("SplitToSequence", 11);
  t.inputs = {Value(F({1, 2, 3, 4, 5, 6}, {6})), Value(Tensor::FromVector<int64_t>({1, 5}, {2}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].sequence()[1], F({2, 3, 4, 5, 6}, {5})));
  t.inputs = {Value(F({1, 2, 3, 4, 5, 6}, {6})), Value(Tensor::FromVector<int64_t>({1, 4}, {2}))};
  out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("sum to 5"), std::string::npos) << out.status();
}

TEST(SequenceKernels, ConcatFromSequenceJoinsOrStacks) {
  Value seq = Seq({F({1, 2, 3, 4}, {2, 2}), F({5, 6}, {2, 1})});
  OpTest cat = MakeOp("ConcatFromSequence", 11);
  cat.inputs = {seq};
  cat.attributes.emplace("axis", Attribute(int64_t{1}));
  auto out = cat.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), F({1, 2, 5, 3, 4, 6}, {2, 3})));

  OpTest stack = MakeOp("ConcatFromSequence", 11);
  stack.inputs = {Seq({F({1, 2}, {2}), F({3, 4}, {2})})};
  stack.attributes.emplace("axis", Attribute(int64_t{-1}));
  stack.attributes.emplace("new_axis", Attribute(int64_t{1}));
  out = stack.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), F({1, 3, 2, 4}, {2, 2})));

  cat.inputs = {seq};
  cat.attributes["axis"] = Attribute(int64_t{0});
  out = cat.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("does not match element 0"), std::string::npos) << out.status();
}

TEST(OptionalKernels, OptionalWrapsOrBuildsAnEmptyValue) {
  OpTest wrap = MakeOp("Optional", 15);
  wrap.inputs = {Value(F({1}, {1}))};
  auto out = wrap.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE((*out)[0].is_tensor());

  OpTest empty = MakeOp("Optional", 15);
  empty.attributes.emplace("type", Attribute(graph::ValueType::Tensor(DataType::kFloat32)));
  out = empty.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE((*out)[0].is_none());

  OpTest untyped = MakeOp("Optional", 15);
  out = untyped.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("needs the 'type' attribute"), std::string::npos) << out.status();
}

TEST(OptionalKernels, HasElementTreatsOmittedAndEmptyInputsAlike) {
  OpTest has = MakeOp("OptionalHasElement", 18);
  has.inputs = {std::nullopt};
  auto out = has.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_FALSE((*out)[0].tensor().data<bool>()[0]);
  has.inputs = {Value()};
  out = has.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_FALSE((*out)[0].tensor().data<bool>()[0]);
  has.inputs = {ThreeItems()};
  out = has.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE((*out)[0].tensor().data<bool>()[0]);
}

TEST(OptionalKernels, GetElementOfAnEmptyOptionalIsAnError) {
  OpTest get = MakeOp("OptionalGetElement", 15);
  get.inputs = {ThreeItems()};
  auto out = get.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].sequence().size(), 3u);
  get.inputs = {Value()};
  out = get.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("no element"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace braid::backends::cpu::testing
