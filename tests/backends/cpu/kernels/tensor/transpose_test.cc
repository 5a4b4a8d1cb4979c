// Transpose, DepthToSpace and SpaceToDepth against a naive index-arithmetic
// reference, over shapes that exercise the row, tiled and view paths.
#include <numeric>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/tensor/tensor_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

using graph::Attribute;

int64_t Count(const Shape& s) { return std::accumulate(s.begin(), s.end(), int64_t{1}, std::multiplies<>()); }

// out[j] = in[perm-mapped index], computed one element at a time.
template <typename T>
std::vector<T> NaiveTranspose(const std::vector<T>& in, const Shape& shape, const std::vector<int64_t>& perm) {
  const size_t r = shape.size();
  std::vector<int64_t> in_strides(r, 1);
  for (size_t k = r; k-- > 1;) in_strides[k - 1] = in_strides[k] * shape[k];
  Shape out_shape(r);
  for (size_t k = 0; k < r; ++k) out_shape[k] = shape[perm[k]];
  std::vector<T> out(in.size());
  for (int64_t j = 0; j < static_cast<int64_t>(in.size()); ++j) {
    int64_t rem = j, src = 0;
    for (size_t k = r; k-- > 0;) {
      src += (rem % out_shape[k]) * in_strides[perm[k]];
      rem /= out_shape[k];
    }
    out[j] = in[src];
  }
  return out;
}

template <typename T>
void CheckTranspose(const Shape& shape, const std::vector<int64_t>& perm) {
  std::vector<T> data = Iota<T>(Count(shape));
  OpTest t = Op("Transpose");
  t.inputs = {Value(Tensor::FromVector<T>(data, shape))};
  t.attributes.emplace("perm", Attribute(perm));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  Shape out_shape;
  for (int64_t p : perm) out_shape.push_back(shape[p]);
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<T>(NaiveTranspose(data, shape, perm), out_shape)))
      << ShapeToString(shape) << " perm " << ShapeToString(perm);
}

TEST(Transpose, MatchesReferenceForAttentionPermutations) {
  CheckTranspose<float>({2, 5, 4, 16}, {0, 2, 1, 3});   // contiguous rows
  CheckTranspose<float>({2, 4, 37, 16}, {0, 1, 3, 2});  // key transpose: tiled
  CheckTranspose<float>({2, 37, 4, 16}, {0, 2, 3, 1});
  CheckTranspose<float>({3, 8, 9, 10}, {0, 3, 1, 2});   // NHWC <-> NCHW
  CheckTranspose<float>({3, 8, 9, 10}, {0, 2, 3, 1});
  CheckTranspose<float>({67, 45}, {1, 0});              // partial tiles on both sides
  CheckTranspose<float>({300, 200}, {1, 0});            // several parallel strips
}

TEST(Transpose, AllPermutationsOfRank4) {
  std::vector<int64_t> perm = {0, 1, 2, 3};
  do {
    CheckTranspose<int32_t>({3, 5, 6, 7}, perm);
  } while (std::next_permutation(perm.begin(), perm.end()));
}

TEST(Transpose, EveryElementSize) {
  CheckTranspose<uint8_t>({70, 90}, {1, 0});
  CheckTranspose<int16_t>({5, 19, 33}, {2, 0, 1});
  CheckTranspose<double>({5, 19, 33}, {1, 2, 0});
  CheckTranspose<bool>({4, 6, 8}, {2, 1, 0});
  CheckTranspose<std::string>({5, 17, 18}, {0, 2, 1});
}

TEST(Transpose, DefaultPermReversesDims) {
  OpTest t = Op("Transpose");
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 4, 2, 5, 3, 6}, {3, 2})));
}

TEST(Transpose, MovingOnlyUnitDimsIsAView) {
  Tensor in = Tensor::FromVector<float>(Iota<float>(12), {1, 3, 1, 4});
  OpTest t = Op("Transpose");
  t.inputs = {Value(in)};
  t.attributes.emplace("perm", Attribute(std::vector<int64_t>{2, 1, 0, 3}));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{1, 3, 1, 4}));
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(Iota<float>(12), {1, 3, 1, 4})));
}

TEST(Transpose, EmptyTensor) {
  OpTest t = Op("Transpose");
  t.inputs = {Value(*Tensor::Create(DataType::kFloat32, {0, 3, 5}))};
  t.attributes.emplace("perm", Attribute(std::vector<int64_t>{2, 0, 1}));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].tensor().shape(), (Shape{5, 0, 3}));
}

TEST(Transpose, RejectsBadPerm) {
  OpTest t = Op("Transpose");
  t.inputs = {Value(*Tensor::Create(DataType::kFloat32, {2, 3}))};
  t.attributes.emplace("perm", Attribute(std::vector<int64_t>{0, 0}));
  EXPECT_FALSE(t.Run().ok());
  OpTest u = Op("Transpose");
  u.inputs = {Value(*Tensor::Create(DataType::kFloat32, {2, 3}))};
  u.attributes.emplace("perm", Attribute(std::vector<int64_t>{0, 1, 2}));
  auto out = u.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("rank"), std::string::npos) << out.status();
}

TEST(DepthToSpace, DcrAndCrdOrderChannelsDifferently) {
  // 1x8x1x1 with blocksize 2 -> 1x2x2x2.
  std::vector<float> data = {0, 1, 2, 3, 4, 5, 6, 7};
  OpTest dcr = Op("DepthToSpace", 13);
  dcr.inputs = {Value(Tensor::FromVector<float>(data, {1, 8, 1, 1}))};
  dcr.attributes.emplace("blocksize", Attribute(int64_t{2}));
  auto out = dcr.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({0, 2, 4, 6, 1, 3, 5, 7}, {1, 2, 2, 2})));
  OpTest crd = dcr;
  crd.attributes.emplace("mode", Attribute(std::string("CRD")));
  out = crd.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(data, {1, 2, 2, 2})));
}

TEST(SpaceToDepth, InvertsDepthToSpaceDcr) {
  std::vector<float> data = Iota<float>(2 * 3 * 4 * 6);
  OpTest s2d = Op("SpaceToDepth");
  s2d.inputs = {Value(Tensor::FromVector<float>(data, {2, 3, 4, 6}))};
  s2d.attributes.emplace("blocksize", Attribute(int64_t{2}));
  auto deep = s2d.Run();
  ASSERT_TRUE(deep.ok()) << deep.status();
  EXPECT_EQ((*deep)[0].tensor().shape(), (Shape{2, 12, 2, 3}));
  OpTest d2s = Op("DepthToSpace");
  d2s.inputs = {(*deep)[0]};
  d2s.attributes.emplace("blocksize", Attribute(int64_t{2}));
  auto back = d2s.Run();
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(TensorsNear((*back)[0].tensor(), Tensor::FromVector<float>(data, {2, 3, 4, 6})));
}

TEST(SpaceToDepth, RejectsIndivisibleSpatialDims) {
  OpTest t = Op("SpaceToDepth");
  t.inputs = {Value(*Tensor::Create(DataType::kFloat32, {1, 1, 3, 4}))};
  t.attributes.emplace("blocksize", Attribute(int64_t{2}));
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("divisible"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace braid::backends::cpu::testing
