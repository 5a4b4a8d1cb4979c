// Concat, Split and Slice: axes, opset differences, empty parts, strings
// and error cases.
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/tensor/tensor_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(Concat, NegativeAxisAndEmptyInput) {
  OpTest t = Op("Concat", 13);
  t.inputs = {F32({1, 2, 3, 4}, {2, 2}), Value(*Tensor::Create(DataType::kFloat32, {2, 0})), F32({5, 6}, {2, 1})};
  t.attributes.emplace("axis", Int(-1));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 2, 5, 3, 4, 6}, {2, 3})));
}

TEST(Concat, OuterAxisAndStrings) {
  OpTest t = Op("Concat");
  t.inputs = {Value(Tensor::FromVector<std::string>({"a", "b"}, {1, 2})),
              Value(Tensor::FromVector<std::string>({"c", "d", "e", "f"}, {2, 2}))};
  t.attributes.emplace("axis", Int(0));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(
      TensorsNear((*out)[0].tensor(), Tensor::FromVector<std::string>({"a", "b", "c", "d", "e", "f"}, {3, 2})));
}

TEST(Concat, MiddleAxisOfRank3) {
  std::vector<float> a = Iota<float>(2 * 2 * 3), b = Iota<float>(2 * 1 * 3);
  OpTest t = Op("Concat");
  t.inputs = {F32(a, {2, 2, 3}), F32(b, {2, 1, 3})};
  t.attributes.emplace("axis", Int(1));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  std::vector<float> expected = {0, 1, 2, 3, 4, 5, 0, 1, 2, 6, 7, 8, 9, 10, 11, 3, 4, 5};
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(expected, {2, 3, 3})));
}

TEST(Concat, RejectsMismatchedShapesAndTypes) {
  OpTest t = Op("Concat");
  t.inputs = {F32({1, 2}, {1, 2}), F32({1, 2, 3}, {1, 3})};
  t.attributes.emplace("axis", Int(0));
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("input 1"), std::string::npos) << out.status();
  t.inputs = {F32({1, 2}, {1, 2}), I64({1, 2}, {1, 2})};
  EXPECT_FALSE(t.Run().ok());
  t.inputs = {F32({1, 2}, {1, 2})};
  t.attributes["axis"] = Int(2);
  out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("axis 2"), std::string::npos) << out.status();
}

TEST(Split, SplitAttributeBeforeOpset13) {
  OpTest t = Op("Split", 11);
  t.inputs = {F32({1, 2, 3, 4, 5, 6}, {6})};
  t.attributes.emplace("split", Ints({2, 4}));
  t.num_outputs = 2;
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 2}, {2})));
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<float>({3, 4, 5, 6}, {4})));
}

TEST(Split, SplitInputFromOpset13WithZeroSizedPart) {
  OpTest t = Op("Split", 13);
  t.inputs = {F32({1, 2, 3, 4, 5, 6}, {2, 3}), I64({1, 0, 2})};
  t.attributes.emplace("axis", Int(-1));
  t.num_outputs = 3;
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 4}, {2, 1})));
  EXPECT_EQ((*out)[1].tensor().shape(), (Shape{2, 0}));
  EXPECT_TRUE(TensorsNear((*out)[2].tensor(), Tensor::FromVector<float>({2, 3, 5, 6}, {2, 2})));
}

TEST(Split, EqualPartsByDefaultAndErrors) {
  OpTest t = Op("Split", 13);
  t.inputs = {Value(Tensor::FromVector<std::string>({"a", "b", "c", "d"}, {4}))};
  t.num_outputs = 2;
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<std::string>({"c", "d"}, {2})));
  t.num_outputs = 3;
  out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("evenly"), std::string::npos) << out.status();
  t.num_outputs = 2;
  t.inputs.push_back(I64({1, 2}));
  out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("sum to 3"), std::string::npos) << out.status();
}

Tensor SliceOf(const Tensor& in, std::vector<int64_t> starts, std::vector<int64_t> ends,
               std::vector<int64_t> axes = {}, std::vector<int64_t> steps = {}) {
  OpTest t = Op("Slice", 13);
  t.inputs = {Value(in), I64(starts), I64(ends)};
  if (!axes.empty()) t.inputs.push_back(I64(axes));
  if (!steps.empty()) {
    if (axes.empty()) t.inputs.push_back(std::nullopt);
    t.inputs.push_back(I64(steps));
  }
  auto out = t.Run();
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? (*out)[0].tensor() : Tensor();
}

TEST(Slice, NegativeStepsClampAndReverse) {
  Tensor in = Tensor::FromVector<float>(Iota<float>(20), {4, 5});
  EXPECT_TRUE(TensorsNear(SliceOf(in, {kMax}, {kMin}, {1}, {-1}),
                          Tensor::FromVector<float>({4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 14, 13, 12, 11, 10, 19, 18, 17,
                                                     16, 15},
                                                    {4, 5})));
  EXPECT_TRUE(TensorsNear(SliceOf(in, {-1, 4}, {0, 0}, {0, 1}, {-2, -3}),
                          Tensor::FromVector<float>({19, 16, 9, 6}, {2, 2})));
}

TEST(Slice, OutOfBoundsStartsAndEndsClamp) {
  Tensor in = Tensor::FromVector<float>(Iota<float>(10), {10});
  EXPECT_TRUE(TensorsNear(SliceOf(in, {-100}, {3}), Tensor::FromVector<float>({0, 1, 2}, {3})));
  EXPECT_TRUE(TensorsNear(SliceOf(in, {8}, {1000}), Tensor::FromVector<float>({8, 9}, {2})));
  EXPECT_EQ(SliceOf(in, {20}, {1000}).shape(), (Shape{0}));
  EXPECT_EQ(SliceOf(in, {5}, {2}).shape(), (Shape{0}));
}

TEST(Slice, ContiguousResultIsAViewWithTheRightValues) {
  Tensor in = Tensor::FromVector<float>(Iota<float>(24), {1, 4, 6});
  Tensor out = SliceOf(in, {1}, {3}, {-2});
  EXPECT_TRUE(TensorsNear(out, Tensor::FromVector<float>({6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}, {1, 2, 6})));
  Tensor strided = SliceOf(in, {1, 0}, {3, 6}, {1, 2}, {1, 2});
  EXPECT_TRUE(TensorsNear(strided, Tensor::FromVector<float>({6, 8, 10, 12, 14, 16}, {1, 2, 3})));
}

TEST(Slice, AttributesBeforeOpset10AndStrings) {
  OpTest t = Op("Slice", 9);
  t.inputs = {Value(Tensor::FromVector<std::string>({"a", "b", "c", "d", "e", "f"}, {2, 3}))};
  t.attributes.emplace("starts", Ints({1}));
  t.attributes.emplace("ends", Ints({kMax}));
  t.attributes.emplace("axes", Ints({1}));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<std::string>({"b", "c", "e", "f"}, {2, 2})));
}

TEST(Slice, Int32IndicesAndErrors) {
  OpTest t = Op("Slice", 13);
  t.inputs = {F32({1, 2, 3, 4}, {4}), Value(Tensor::FromVector<int32_t>({1}, {1})),
              Value(Tensor::FromVector<int32_t>({3}, {1}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({2, 3}, {2})));
  t.inputs = {F32({1, 2, 3, 4}, {4}), I64({0}), I64({2}), I64({0}), I64({0})};
  out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("step"), std::string::npos) << out.status();
  t.inputs = {F32({1, 2, 3, 4}, {4}), I64({0}), I64({2}), I64({1})};
  out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("axis 1"), std::string::npos) << out.status();
  t.inputs = {F32({1, 2, 3, 4}, {2, 2}), I64({0, 0}), I64({1, 1}), I64({0, -2})};
  EXPECT_FALSE(t.Run().ok());
}

}  // namespace
}  // namespace braid::backends::cpu::testing
