#include "gtest/gtest.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

TEST(TensorShapeKernels, ReshapeInfersMinusOneAndCopiesZero) {
  OpTest t{.op_type = "Reshape"};
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3})),
              Value(Tensor::FromVector<int64_t>({0, -1, 1}, {3}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{2, 3, 1}));
}

TEST(TensorShapeKernels, ReshapeRejectsWrongElementCount) {
  OpTest t{.op_type = "Reshape"};
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3})),
              Value(Tensor::FromVector<int64_t>({4, 2}, {2}))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("cannot reshape"), std::string::npos) << out.status();
}

TEST(TensorShapeKernels, ShapeHonoursStartAndEnd) {
  OpTest t{.op_type = "Shape", .opset = 15};
  t.inputs = {Value(*Tensor::Create(DataType::kFloat32, {2, 3, 4, 5}))};
  t.attributes.emplace("start", graph::Attribute(int64_t{1}));
  t.attributes.emplace("end", graph::Attribute(int64_t{-1}));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int64_t>({3, 4}, {2})));
}

}  // namespace
}  // namespace braid::backends::cpu::testing
