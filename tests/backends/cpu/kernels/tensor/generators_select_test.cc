// ConstantOfShape, Range, EyeLike, OneHot, NonZero, Compress,
// ReverseSequence and Unique.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/tensor/tensor_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

TEST(ConstantOfShape, DefaultFloatZeroTypedValueAndEmptyShape) {
  OpTest t = Op("ConstantOfShape", 9);
  t.inputs = {I64({2, 3})};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(std::vector<float>(6, 0.0f), {2, 3})));
  t.attributes.emplace("value", graph::Attribute(Tensor::FromVector<int32_t>({7}, {1})));
  t.inputs = {I64({3})};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int32_t>({7, 7, 7}, {3})));
  t.inputs = {I64({}, {0})};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::Scalar<int32_t>(7)));
  t.inputs = {I64({2, -1})};
  EXPECT_FALSE(t.Run().ok());
}

TEST(Range, IntegerAndFloatCounts) {
  OpTest t = Op("Range", 11);
  t.inputs = {Value(Tensor::Scalar<int32_t>(10)), Value(Tensor::Scalar<int32_t>(4)),
              Value(Tensor::Scalar<int32_t>(-3))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int32_t>({10, 7}, {2})));
  t.inputs = {Value(Tensor::Scalar<float>(1)), Value(Tensor::Scalar<float>(2)), Value(Tensor::Scalar<float>(0.3f))};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 1.3f, 1.6f, 1.9f}, {4})));
  t.inputs = {Value(Tensor::Scalar<int64_t>(5)), Value(Tensor::Scalar<int64_t>(1)), Value(Tensor::Scalar<int64_t>(1))};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{0}));
  t.inputs[2] = Value(Tensor::Scalar<int64_t>(0));
  EXPECT_FALSE(t.Run().ok());
}

TEST(EyeLike, OffDiagonalAndDtype) {
  OpTest t = Op("EyeLike", 9);
  t.inputs = {Value(*Tensor::Create(DataType::kInt32, {3, 4}))};
  t.attributes.emplace("k", Int(-1));
  t.attributes.emplace("dtype", Int(static_cast<int64_t>(DataType::kFloat64)));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(),
                          Tensor::FromVector<double>({0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0}, {3, 4})));
}

TEST(OneHot, AxisNegativeIndicesAndOutOfRangeRowsStayOff) {
  OpTest t = Op("OneHot", 11);
  t.inputs = {I64({0, -1, 5}), Value(Tensor::Scalar<float>(3)), F32({0, 9}, {2})};
  t.attributes.emplace("axis", Int(0));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({9, 0, 0, 0, 0, 0, 0, 9, 0}, {3, 3})));
  t.inputs[1] = Value(Tensor::Scalar<float>(0));
  EXPECT_FALSE(t.Run().ok());
}

TEST(NonZero, CoordinatesInRowMajorOrder) {
  OpTest t = Op("NonZero", 13);
  t.inputs = {Value(Tensor::FromVector<bool>({true, false, false, true}, {2, 2}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int64_t>({0, 1, 0, 1}, {2, 2})));
  t.inputs = {Value(Tensor::FromVector<std::string>({"", "a", "b"}, {3}))};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int64_t>({1, 2}, {1, 2})));
}

TEST(Compress, AxisAndFlattenedWithShortCondition) {
  OpTest t = Op("Compress", 11);
  t.inputs = {F32(Iota<float>(6), {3, 2}), Value(Tensor::FromVector<bool>({false, true}, {2}))};
  t.attributes.emplace("axis", Int(-2));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({2, 3}, {1, 2})));
  t.attributes.clear();
  t.inputs[1] = Value(Tensor::FromVector<bool>({false, true, true}, {3}));
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 2}, {2})));
}

TEST(ReverseSequence, BatchMajorAndBadLength) {
  OpTest t = Op("ReverseSequence", 10);
  t.attributes.emplace("batch_axis", Int(0));
  t.attributes.emplace("time_axis", Int(1));
  t.inputs = {F32(Iota<float>(8), {2, 4}), I64({3, 0})};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({2, 1, 0, 3, 4, 5, 6, 7}, {2, 4})));
  t.inputs[1] = I64({5, 1});
  out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("sequence_lens[0] = 5"), std::string::npos) << out.status();
}

TEST(Unique, SortedAndFirstOccurrenceOrders) {
  OpTest t = Op("Unique", 11);
  t.inputs = {F32({2, 1, 1, 3, 4, 3}, {6})};
  t.num_outputs = 4;
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 2, 3, 4}, {4})));
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<int64_t>({1, 0, 3, 4}, {4})));
  EXPECT_TRUE(TensorsNear((*out)[2].tensor(), Tensor::FromVector<int64_t>({1, 0, 0, 2, 3, 2}, {6})));
  EXPECT_TRUE(TensorsNear((*out)[3].tensor(), Tensor::FromVector<int64_t>({2, 1, 2, 1}, {4})));
  t.attributes.emplace("sorted", Int(0));
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({2, 1, 3, 4}, {4})));
  EXPECT_TRUE(TensorsNear((*out)[2].tensor(), Tensor::FromVector<int64_t>({0, 1, 1, 2, 3, 2}, {6})));
}

TEST(Unique, SlicesAlongNegativeAxisAndStrings) {
  OpTest t = Op("Unique", 11);
  t.inputs = {F32({1, 0, 1, 2, 1, 2}, {2, 3})};
  t.attributes.emplace("axis", Int(-1));
  t.num_outputs = 4;
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // Columns (1,2), (0,1), (1,2): unique sorted (0,1), (1,2).
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({0, 1, 1, 2}, {2, 2})));
  EXPECT_TRUE(TensorsNear((*out)[2].tensor(), Tensor::FromVector<int64_t>({1, 0, 1}, {3})));
  EXPECT_TRUE(TensorsNear((*out)[3].tensor(), Tensor::FromVector<int64_t>({1, 2}, {2})));
  OpTest s = Op("Unique", 11);
  s.inputs = {Value(Tensor::FromVector<std::string>({"b", "a", "b"}, {3}))};
  out = s.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<std::string>({"a", "b"}, {2})));
}

}  // namespace
}  // namespace braid::backends::cpu::testing
