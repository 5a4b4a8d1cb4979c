// Pad (all modes, attribute and input forms, cropping), Expand and Tile.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/tensor/tensor_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

Tensor RunPad(const std::string& mode, std::vector<int64_t> pads, const Tensor& in, int opset = 13) {
  OpTest t = Op("Pad", opset);
  t.attributes.emplace("mode", Str(mode));
  if (opset < 11) {
    t.attributes.emplace("pads", Ints(pads));
    t.inputs = {Value(in)};
  } else {
    t.inputs = {Value(in), I64(pads)};
  }
  auto out = t.Run();
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? (*out)[0].tensor() : Tensor();
}

TEST(Pad, ReflectEdgeAndConstantMatchNumpy) {
  Tensor in = Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  // np.pad(x, ((1, 0), (2, 1)), mode=...)
  EXPECT_TRUE(TensorsNear(RunPad("reflect", {1, 2, 0, 1}, in),
                          Tensor::FromVector<float>({6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5}, {3, 6})));
  EXPECT_TRUE(TensorsNear(RunPad("edge", {1, 2, 0, 1}, in),
                          Tensor::FromVector<float>({1, 1, 1, 2, 3, 3, 1, 1, 1, 2, 3, 3, 4, 4, 4, 5, 6, 6}, {3, 6})));
  EXPECT_TRUE(TensorsNear(RunPad("constant", {1, 2, 0, 1}, in),
                          Tensor::FromVector<float>({0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 4, 5, 6, 0}, {3, 6})));
}

TEST(Pad, ReflectBeyondOneReflectionAndNegativeCrop) {
  Tensor in = Tensor::FromVector<float>({1, 2, 3}, {3});
  // np.pad([1, 2, 3], (5, 0), mode='reflect') -> [2, 1, 2, 3, 2, 1, 2, 3]
  EXPECT_TRUE(TensorsNear(RunPad("reflect", {5, 0}, in), Tensor::FromVector<float>({2, 1, 2, 3, 2, 1, 2, 3}, {8})));
  EXPECT_TRUE(TensorsNear(RunPad("constant", {-1, 2}, in), Tensor::FromVector<float>({2, 3, 0, 0}, {4})));
}

TEST(Pad, ConstantValueInputAndAttributeForm) {
  OpTest t = Op("Pad", 13);
  t.inputs = {Value(Tensor::FromVector<int32_t>({7}, {1, 1})), I64({0, 1, 1, 0}), Value(Tensor::Scalar<int32_t>(-3))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int32_t>({-3, 7, -3, -3}, {2, 2})));
  OpTest old = Op("Pad", 2);
  old.inputs = {F32({1, 2}, {2})};
  old.attributes.emplace("pads", Ints({1, 1}));
  old.attributes.emplace("value", graph::Attribute(2.5f));
  out = old.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({2.5f, 1, 2, 2.5f}, {4})));
}

TEST(Pad, StringsAndErrors) {
  Tensor s = Tensor::FromVector<std::string>({"x", "y"}, {2});
  EXPECT_TRUE(TensorsNear(RunPad("edge", {1, 1}, s), Tensor::FromVector<std::string>({"x", "x", "y", "y"}, {4})));
  OpTest t = Op("Pad", 13);
  t.inputs = {F32({1, 2}, {2}), I64({1, 1, 1, 1})};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("pads has 4 entries"), std::string::npos) << out.status();
  t.inputs = {F32({1, 2}, {2}), I64({-2, -1})};
  EXPECT_FALSE(t.Run().ok());
}

TEST(Expand, BidirectionalBroadcastAndInnerFill) {
  OpTest t = Op("Expand", 13);
  t.inputs = {F32({1, 2, 3}, {3, 1}), I64({2, 1, 4})};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  std::vector<float> row = {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3};
  std::vector<float> expected = row;
  expected.insert(expected.end(), row.begin(), row.end());
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(expected, {2, 3, 4})));
  t.inputs = {F32({1, 2, 3}, {3}), I64({2, 1})};  // shape dim 1 keeps the input's 3
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 2, 3, 1, 2, 3}, {2, 3})));
  t.inputs = {F32({1, 2, 3}, {3}), I64({2})};
  EXPECT_FALSE(t.Run().ok());
}

TEST(Tile, RepeatsPerAxisIncludingZero) {
  OpTest t = Op("Tile", 13);
  t.inputs = {F32({1, 2, 3, 4}, {2, 2}), I64({2, 3})};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  std::vector<float> a = {1, 2, 1, 2, 1, 2}, b = {3, 4, 3, 4, 3, 4};
  std::vector<float> expected;
  for (int i = 0; i < 2; ++i) {
    expected.insert(expected.end(), a.begin(), a.end());
    expected.insert(expected.end(), b.begin(), b.end());
  }
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(expected, {4, 6})));
  t.inputs = {Value(Tensor::FromVector<std::string>({"a", "b"}, {2})), I64({0})};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{0}));
  t.inputs = {F32({1, 2}, {2}), I64({1, 1})};
  EXPECT_FALSE(t.Run().ok());
}

}  // namespace
}  // namespace braid::backends::cpu::testing
