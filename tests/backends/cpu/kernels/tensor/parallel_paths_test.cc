// Inputs large enough that the kernels split their loops across threads:
// every chunk must restart its index odometer at the right place. Values
// are flat input indices, so each output element names its source.
#include <numeric>
#include <string>
#include <vector>

#include "braid/status_macros.h"
#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/tensor/tensor_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

Tensor FlatIndex(const Shape& shape) {
  int64_t n = std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
  std::vector<float> v(n);
  std::iota(v.begin(), v.end(), 0.0f);
  return Tensor::FromVector<float>(v, shape);
}

absl::StatusOr<Tensor> RunOne(OpTest t) {
  t.threads = 4;
  BRAID_ASSIGN_OR_RETURN(std::vector<Value> out, t.Run());
  return out[0].tensor();
}

TEST(ParallelPaths, StridedSliceRows) {
  const Shape shape = {64, 50, 40};
  OpTest t = Op("Slice");
  t.inputs = {Value(FlatIndex(shape)), I64({1, 39}), I64({64, 0}), I64({0, 2}), I64({2, -3})};
  auto out = RunOne(t);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->shape(), (Shape{32, 50, 13}));
  const float* o = out->data<float>();
  for (int64_t i = 0; i < 32; ++i) {
    for (int64_t j = 0; j < 50; ++j) {
      for (int64_t k = 0; k < 13; ++k) {
        const float expected = static_cast<float>(((1 + 2 * i) * 50 + j) * 40 + (39 - 3 * k));
        ASSERT_EQ(o[(i * 50 + j) * 13 + k], expected) << i << "," << j << "," << k;
      }
    }
  }
}

TEST(ParallelPaths, TiledTransposeWithBatchDims) {
  const Shape shape = {3, 70, 5, 90};
  OpTest t = Op("Transpose");
  t.inputs = {Value(FlatIndex(shape))};
  t.attributes.emplace("perm", Ints({3, 0, 2, 1}));
  auto out = RunOne(t);
  ASSERT_TRUE(out.ok()) << out.status();
  const float* o = out->data<float>();
  int64_t p = 0;
  for (int64_t d = 0; d < 90; ++d)
    for (int64_t a = 0; a < 3; ++a)
      for (int64_t c = 0; c < 5; ++c)
        for (int64_t b = 0; b < 70; ++b, ++p) {
          ASSERT_EQ(o[p], static_cast<float>(((a * 70 + b) * 5 + c) * 90 + d)) << p;
        }
}

TEST(ParallelPaths, ReflectPadAndGather) {
  const Shape shape = {40, 30, 50};
  OpTest pad = Op("Pad");
  pad.attributes.emplace("mode", Str("reflect"));
  pad.inputs = {Value(FlatIndex(shape)), I64({0, 2, 3, 0, 1, 4})};
  auto out = RunOne(pad);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->shape(), (Shape{40, 33, 57}));
  auto reflect = [](int64_t i, int64_t n) { return i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i); };
  const float* o = out->data<float>();
  for (int64_t a = 0; a < 40; ++a)
    for (int64_t b = 0; b < 33; ++b)
      for (int64_t c = 0; c < 57; ++c) {
        const int64_t sb = reflect(b - 2, 30), sc = reflect(c - 3, 50);
        ASSERT_EQ(o[(a * 33 + b) * 57 + c], static_cast<float>((a * 30 + sb) * 50 + sc)) << a << "," << b << "," << c;
      }

  std::vector<int64_t> ids;
  for (int64_t i = 0; i < 3000; ++i) ids.push_back((i * 7) % 30 - (i % 2 ? 30 : 0));
  OpTest gather = Op("Gather");
  gather.attributes.emplace("axis", Int(1));
  gather.inputs = {Value(FlatIndex(shape)), I64(ids)};
  out = RunOne(gather);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->shape(), (Shape{40, 3000, 50}));
  o = out->data<float>();
  for (int64_t a = 0; a < 40; ++a)
    for (int64_t j = 0; j < 3000; ++j) {
      const int64_t row = ids[j] < 0 ? ids[j] + 30 : ids[j];
      ASSERT_EQ(o[(a * 3000 + j) * 50 + 7], static_cast<float>((a * 30 + row) * 50 + 7)) << a << "," << j;
    }
}

TEST(ParallelPaths, ExpandAndTileOfStrings) {
  std::vector<std::string> words = {"x", "yy", "zzz"};
  OpTest expand = Op("Expand");
  expand.inputs = {Value(Tensor::FromVector<std::string>(words, {3, 1})), I64({2000, 3, 20})};
  auto out = RunOne(expand);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->shape(), (Shape{2000, 3, 20}));
  for (int64_t i = 0; i < out->num_elements(); i += 7) ASSERT_EQ(out->data<std::string>()[i], words[(i / 20) % 3]);
  OpTest tile = Op("Tile");
  tile.inputs = {Value(Tensor::FromVector<std::string>(words, {1, 3})), I64({500, 40})};
  out = RunOne(tile);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->shape(), (Shape{500, 120}));
  for (int64_t i = 0; i < out->num_elements(); i += 11) ASSERT_EQ(out->data<std::string>()[i], words[i % 3]);
}

TEST(ParallelPaths, ConcatAndSplitManyRows) {
  const Shape a_shape = {500, 3, 20}, b_shape = {500, 5, 20};
  OpTest concat = Op("Concat");
  concat.attributes.emplace("axis", Int(1));
  concat.inputs = {Value(FlatIndex(a_shape)), Value(FlatIndex(b_shape))};
  auto joined = RunOne(concat);
  ASSERT_TRUE(joined.ok()) << joined.status();
  OpTest split = Op("Split");
  split.attributes.emplace("axis", Int(-2));
  split.inputs = {Value(*joined), I64({3, 5})};
  split.num_outputs = 2;
  split.threads = 4;
  auto parts = split.Run();
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_TRUE(TensorsNear((*parts)[0].tensor(), FlatIndex(a_shape), 0, 0));
  EXPECT_TRUE(TensorsNear((*parts)[1].tensor(), FlatIndex(b_shape), 0, 0));
}

}  // namespace
}  // namespace braid::backends::cpu::testing
