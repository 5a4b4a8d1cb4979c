#include "scheduler/batch_stacking.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace braid::scheduler {
namespace {

Tensor Rows(int64_t rows, float base) {
  std::vector<float> v(rows * 3);
  for (size_t i = 0; i < v.size(); ++i) v[i] = base + static_cast<float>(i);
  return Tensor::FromVector(v, {rows, 3});
}

IoInfo Input(std::string name, std::vector<int64_t> dims) {
  IoInfo io;
  io.name = std::move(name);
  io.dtype = DataType::kFloat32;
  io.dims = std::move(dims);
  io.rank_known = true;
  return io;
}

TEST(BatchStackingTest, StacksAlongTheFirstDimensionAndSplitsBack) {
  std::vector<NamedValues> requests = {{{"x", Value(Rows(1, 0))}}, {{"x", Value(Rows(2, 100))}},
                                       {{"x", Value(Rows(1, 200))}}};
  std::optional<StackedBatch> batch = StackAlongBatch(requests, {Input("x", {-1, 3})});
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->item_sizes, (std::vector<int64_t>{1, 2, 1}));
  ASSERT_EQ(batch->inputs.size(), 1u);
  const Tensor& x = batch->inputs[0].second.tensor();
  ASSERT_EQ(x.shape(), (Shape{4, 3}));
  EXPECT_EQ(x.values<float>()[0], 0.0f);
  EXPECT_EQ(x.values<float>()[3], 100.0f);
  EXPECT_EQ(x.values<float>()[9], 200.0f);

  absl::StatusOr<std::vector<NamedValues>> items = SplitAlongBatch(batch->inputs, batch->item_sizes);
  ASSERT_TRUE(items.ok()) << items.status();
  ASSERT_EQ(items->size(), 3u);
  for (size_t k = 0; k < requests.size(); ++k) {
    const Tensor& want = requests[k][0].second.tensor();
    const Tensor& got = (*items)[k][0].second.tensor();
    EXPECT_EQ((*items)[k][0].first, "x");
    ASSERT_EQ(got.shape(), want.shape());
    const auto got_values = got.values<float>(), want_values = want.values<float>();
    EXPECT_EQ(std::vector<float>(got_values.begin(), got_values.end()),
              std::vector<float>(want_values.begin(), want_values.end()))
        << "request " << k;
  }
}

TEST(BatchStackingTest, RefusesWhatCannotBeStacked) {
  const std::vector<IoInfo> dynamic = {Input("x", {-1, 3})};
  const NamedValues one = {{"x", Value(Rows(1, 0))}};
  // A single request, a fixed leading dimension, an unknown rank.
  EXPECT_FALSE(StackAlongBatch({one}, dynamic).has_value());
  EXPECT_FALSE(StackAlongBatch({one, one}, {Input("x", {1, 3})}).has_value());
  IoInfo unknown_rank;
  unknown_rank.name = "x";
  EXPECT_FALSE(StackAlongBatch({one, one}, {unknown_rank}).has_value());
  // Different names, trailing dimensions, types; strings; scalars.
  EXPECT_FALSE(StackAlongBatch({one, {{"y", Value(Rows(1, 0))}}}, dynamic).has_value());
  EXPECT_FALSE(StackAlongBatch({one, {{"x", Value(Tensor::FromVector<float>({1, 2}, {1, 2}))}}}, dynamic));
  EXPECT_FALSE(StackAlongBatch({one, {{"x", Value(Tensor::FromVector<double>({1, 2, 3}, {1, 3}))}}}, dynamic));
  const NamedValues strings = {{"x", Value(Tensor::FromVector<std::string>({"a", "b", "c"}, {1, 3}))}};
  EXPECT_FALSE(StackAlongBatch({strings, strings}, dynamic).has_value());
  const NamedValues scalar = {{"x", Value(Tensor::Scalar<float>(1))}};
  EXPECT_FALSE(StackAlongBatch({scalar, scalar}, dynamic).has_value());
  // Two inputs of one request that disagree on their leading dimension.
  const NamedValues ragged = {{"x", Value(Rows(1, 0))}, {"y", Value(Rows(2, 0))}};
  EXPECT_FALSE(StackAlongBatch({ragged, ragged}, {Input("x", {-1, 3}), Input("y", {-1, 3})}).has_value());
}

TEST(BatchStackingTest, SplitRefusesOutputsWithoutTheBatchDimension) {
  const NamedValues outputs = {{"y", Value(Rows(3, 0))}};
  EXPECT_FALSE(SplitAlongBatch(outputs, {1, 1}).ok());
  EXPECT_TRUE(SplitAlongBatch(outputs, {1, 2}).ok());
  const NamedValues scalar = {{"y", Value(Tensor::Scalar<float>(1))}};
  EXPECT_FALSE(SplitAlongBatch(scalar, {1, 1}).ok());
}

}  // namespace
}  // namespace braid::scheduler
