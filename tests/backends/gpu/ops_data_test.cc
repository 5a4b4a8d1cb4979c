// Op suite, data movement and image ops: views, Transpose, Concat, Split,
// Slice, Expand, Tile, Pad, Gather, Resize, MaxPool/AveragePool, on both
// emulated warp sizes.
#include <string>
#include <vector>

#include "tests/backends/gpu/op_harness.h"

namespace braid::backends::gpu::testing {
namespace {

constexpr DataType F32 = DataType::kFloat32;
constexpr DataType I64 = DataType::kInt64;

class DataTest : public ::testing::TestWithParam<int> {};

Tensor Ints64(std::vector<int64_t> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return Tensor::FromVector<int64_t>(v, {n});
}

TEST_P(DataTest, ViewsReshapeFlattenSqueezeUnsqueeze) {
  Random rng(1);
  Tensor x = rng.Uniform(F32, {2, 1, 3, 4});
  OpHarness h(GetParam(), 13);
  h.Input("x", F32, {2, 1, 3, 4});
  h.Constant("shape", Ints64({0, -1, 2}));
  h.Constant("sq", Ints64({1}));
  h.Constant("usq", Ints64({0, 4}));
  h.Node("Reshape", {"x", "shape"}, {"r"}, {F32});
  h.Node("Flatten", {"x"}, {"f"}, {F32}, {{"axis", A(2)}});
  h.Node("Squeeze", {"x", "sq"}, {"s"}, {F32});
  h.Node("Unsqueeze", {"x", "usq"}, {"u"}, {F32});
  h.Node("Identity", {"x"}, {"i"}, {F32});
  for (const char* o : {"r", "f", "s", "u", "i"}) h.Output(o);
  auto out = h.Run({x});
  ASSERT_TRUE(out.ok()) << out.status();
  Ref rx = ToRef(x);
  const std::vector<Shape> shapes = {{2, 6, 2}, {2, 12}, {2, 3, 4}, {1, 2, 1, 3, 1, 4}, {2, 1, 3, 4}};
  for (size_t i = 0; i < shapes.size(); ++i) {
    Ref want = rx;
    want.shape = shapes[i];
    ExpectClose((*out)[i], want, 0, 0, "view " + std::to_string(i));
  }
}

TEST_P(DataTest, TransposePermutations) {
  Random rng(2);
  const std::vector<std::pair<Shape, std::vector<int64_t>>> cases = {
      {{33, 65}, {1, 0}},          {{3, 40, 70}, {0, 2, 1}},    {{2, 3, 4, 5}, {3, 1, 0, 2}},
      {{5, 1, 7}, {2, 1, 0}},      {{2, 3, 4}, {}},              {{1, 100, 1}, {2, 0, 1}},
  };
  for (const auto& [shape, perm] : cases) {
    OpHarness h(GetParam());
    h.Input("x", F32, shape);
    Attrs attrs;
    if (!perm.empty()) attrs["perm"] = A(perm);
    h.Node("Transpose", {"x"}, {"y"}, {F32}, attrs);
    h.Output("y");
    Tensor x = rng.Uniform(F32, shape);
    auto out = h.Run({x});
    ASSERT_TRUE(out.ok()) << out.status();
    std::vector<int64_t> p = perm;
    if (p.empty()) {
      for (size_t i = 0; i < shape.size(); ++i) p.push_back(static_cast<int64_t>(shape.size() - 1 - i));
    }
    ExpectClose((*out)[0], TransposeRef(ToRef(x), p), 0, 0, "Transpose" + ShapeToString(shape));
  }
  // Non-float element types move too.
  OpHarness h(GetParam());
  h.Input("x", I64, {7, 9});
  h.Node("Transpose", {"x"}, {"y"}, {I64});
  h.Output("y");
  Tensor x = rng.Ints(I64, {7, 9}, -1000000000000LL, 1000000000000LL);
  auto out = h.Run({x});
  ASSERT_TRUE(out.ok()) << out.status();
  ExpectClose((*out)[0], TransposeRef(ToRef(x), {1, 0}), 0, 0, "Transpose int64");
}

TEST_P(DataTest, ConcatAndSplit) {
  Random rng(3);
  for (int64_t axis : {int64_t{0}, int64_t{1}, int64_t{-1}}) {
    Shape s0{2, 3, 4}, s1{2, 3, 4}, s2{2, 3, 4};
    const int64_t a = axis < 0 ? axis + 3 : axis;
    s0[a] = 4;
    s1[a] = 1;
    s2[a] = 5;
    OpHarness h(GetParam(), 13);
    h.Input("a", F32, s0);
    h.Input("b", F32, s1);
    h.Input("c", F32, s2);
    h.Node("Concat", {"a", "b", "c"}, {"y"}, {F32}, {{"axis", A(axis)}});
    h.Constant("split", Ints64({4, 1, 5}));
    h.Node("Split", {"y", "split"}, {"p", "q", "r"}, {F32, F32, F32}, {{"axis", A(axis)}});
    for (const char* o : {"y", "p", "q", "r"}) h.Output(o);
    Tensor ta = rng.Uniform(F32, s0), tb = rng.Uniform(F32, s1), tc = rng.Uniform(F32, s2);
    auto out = h.Run({ta, tb, tc});
    ASSERT_TRUE(out.ok()) << out.status();
    Ref cat = ConcatRef({ToRef(ta), ToRef(tb), ToRef(tc)}, axis);
    ExpectClose((*out)[0], cat, 0, 0, "Concat axis " + std::to_string(axis));
    int64_t start = 0;
    for (int i = 0; i < 3; ++i) {
      const int64_t len = std::vector<int64_t>{4, 1, 5}[i];
      ExpectClose((*out)[1 + i], SliceRef(cat, {start}, {start + len}, {axis}, {}), 0, 0, "Split part");
      start += len;
    }
  }
  // Equal split without sizes.
  OpHarness h(GetParam(), 13);
  h.Input("x", F32, {6, 5});
  h.Node("Split", {"x"}, {"p", "q", "r"}, {F32, F32, F32});
  for (const char* o : {"p", "q", "r"}) h.Output(o);
  Tensor x = rng.Uniform(F32, {6, 5});
  auto out = h.Run({x});
  ASSERT_TRUE(out.ok()) << out.status();
  for (int i = 0; i < 3; ++i) ExpectClose((*out)[i], SliceRef(ToRef(x), {2 * i}, {2 * i + 2}, {0}, {}), 0, 0, "even split");
}

TEST_P(DataTest, SliceWithStepsAndNegatives) {
  Random rng(4);
  struct Case {
    std::vector<int64_t> starts, ends, axes, steps;
  };
  const Shape shape{5, 9, 7};
  for (const Case& c : {Case{{1, 2}, {4, 100}, {0, 1}, {1, 3}}, Case{{-1}, {-10}, {1}, {-2}},
                        Case{{0, -3, 6}, {5, -1, 0}, {0, 2, 1}, {2, 1, -1}}, Case{{2}, {2}, {0}, {1}}}) {
    OpHarness h(GetParam(), 13);
    h.Input("x", F32, shape);
    h.Constant("st", Ints64(c.starts));
    h.Constant("en", Ints64(c.ends));
    h.Constant("ax", Ints64(c.axes));
    h.Constant("sp", Ints64(c.steps));
    h.Node("Slice", {"x", "st", "en", "ax", "sp"}, {"y"}, {F32});
    h.Output("y");
    Tensor x = rng.Uniform(F32, shape);
    auto out = h.Run({x});
    ASSERT_TRUE(out.ok()) << out.status();
    ExpectClose((*out)[0], SliceRef(ToRef(x), c.starts, c.ends, c.axes, c.steps), 0, 0, "Slice");
  }
}

TEST_P(DataTest, ExpandAndTile) {
  Random rng(5);
  Tensor x = rng.Uniform(F32, {3, 1, 5});
  OpHarness h(GetParam(), 13);
  h.Input("x", F32, {3, 1, 5});
  h.Constant("shape", Ints64({2, 1, 4, 1}));
  h.Constant("reps", Ints64({2, 3, 1}));
  h.Node("Expand", {"x", "shape"}, {"e"}, {F32});
  h.Node("Tile", {"x", "reps"}, {"t"}, {F32});
  h.Output("e");
  h.Output("t");
  auto out = h.Run({x});
  ASSERT_TRUE(out.ok()) << out.status();
  ExpectClose((*out)[0], ExpandRef(ToRef(x), {2, 3, 4, 5}), 0, 0, "Expand");
  ExpectClose((*out)[1], TileRef(ToRef(x), {2, 3, 1}), 0, 0, "Tile");
}

TEST_P(DataTest, PadModes) {
  Random rng(6);
  const Shape shape{2, 3, 5};
  const std::vector<int64_t> pads = {0, 2, 3, 1, 2, 4};
  for (const char* mode : {"constant", "reflect", "edge", "wrap"}) {
    OpHarness h(GetParam(), 19);
    h.Input("x", F32, shape);
    h.Constant("pads", Ints64(pads));
    h.Constant("value", Tensor::Scalar<float>(1.5f));
    h.Node("Pad", {"x", "pads", "value"}, {"y"}, {F32}, {{"mode", A(mode)}});
    h.Output("y");
    Tensor x = rng.Uniform(F32, shape);
    auto out = h.Run({x});
    ASSERT_TRUE(out.ok()) << mode << ": " << out.status();
    ExpectClose((*out)[0], PadRef(ToRef(x), pads, mode, 1.5), 0, 0, std::string("Pad ") + mode);
  }
}

TEST_P(DataTest, GatherIndicesAndErrors) {
  Random rng(7);
  for (DataType it : {DataType::kInt64, DataType::kInt32}) {
    for (int64_t axis : {int64_t{0}, int64_t{1}, int64_t{-1}}) {
      const Shape shape{4, 6, 3};
      const int64_t dim = shape[axis < 0 ? axis + 3 : axis];
      OpHarness h(GetParam(), 13);
      h.Input("x", F32, shape);
      h.Input("i", it, {2, 5});
      h.Node("Gather", {"x", "i"}, {"y"}, {F32}, {{"axis", A(axis)}});
      h.Output("y");
      Tensor x = rng.Uniform(F32, shape), idx = rng.Ints(it, {2, 5}, -dim, dim - 1);
      auto out = h.Run({x, idx});
      ASSERT_TRUE(out.ok()) << out.status();
      ExpectClose((*out)[0], GatherRef(ToRef(x), ToRef(idx), axis), 0, 0, "Gather");
    }
  }
  OpHarness h(GetParam(), 13);
  h.Input("x", F32, {4, 2});
  h.Input("i", I64, {3});
  h.Node("Gather", {"x", "i"}, {"y"}, {F32});
  h.Output("y");
  auto out = h.Run({rng.Uniform(F32, {4, 2}), Ints64({0, 4, 1})});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("Gather index"), std::string::npos) << out.status();
}

struct ResizeCase {
  Shape in, out;
  const char* mode;
  const char* coord;
  const char* nearest = "round_prefer_floor";
  bool exclude_outside = false;
};

TEST_P(DataTest, ResizeModes) {
  const std::vector<ResizeCase> cases = {
      {{1, 2, 4, 5}, {1, 2, 8, 10}, "nearest", "asymmetric", "floor"},
      {{1, 1, 6, 4}, {1, 1, 3, 6}, "nearest", "half_pixel", "round_prefer_ceil"},
      {{2, 3, 4}, {2, 6, 2}, "nearest", "align_corners", "round_prefer_floor"},
      {{1, 2, 4, 5}, {1, 2, 6, 10}, "linear", "half_pixel"},
      {{1, 2, 4, 4}, {1, 2, 7, 3}, "linear", "align_corners"},
      {{1, 1, 5, 3}, {1, 1, 10, 6}, "linear", "pytorch_half_pixel"},
      {{2, 4, 6}, {2, 8, 3}, "linear", "asymmetric"},
      {{1, 1, 4, 4}, {1, 1, 8, 6}, "cubic", "half_pixel"},
      {{1, 1, 4, 4}, {1, 1, 8, 6}, "cubic", "half_pixel", "round_prefer_floor", true},
      {{1, 1, 6, 4}, {1, 1, 3, 8}, "cubic", "align_corners"},
      {{1, 1, 4, 6}, {1, 1, 6, 9}, "linear", "half_pixel_symmetric"},
  };
  Random rng(8);
  for (const ResizeCase& c : cases) {
    OpHarness h(GetParam(), 19);
    h.Input("x", F32, c.in);
    h.Constant("sizes", Ints64(c.out));
    h.Node("Resize", {"x", "", "", "sizes"}, {"y"}, {F32},
           {{"mode", A(c.mode)}, {"coordinate_transformation_mode", A(c.coord)}, {"nearest_mode", A(c.nearest)},
            {"exclude_outside", A(c.exclude_outside ? 1 : 0)}});
    h.Output("y");
    Tensor x = rng.Uniform(F32, c.in);
    auto out = h.Run({x});
    ASSERT_TRUE(out.ok()) << out.status();
    std::vector<double> scales;
    for (size_t d = 0; d < c.in.size(); ++d) {
      scales.push_back(static_cast<float>(c.out[d]) / static_cast<float>(c.in[d]));
    }
    ExpectClose((*out)[0], ResizeRef(ToRef(x), c.out, scales, c.mode, c.coord, c.nearest, -0.75, c.exclude_outside),
                1e-4, 1e-5, std::string("Resize ") + c.mode + " " + c.coord + ShapeToString(c.in));
  }
  // Scales instead of sizes.
  OpHarness h(GetParam(), 13);
  h.Input("x", F32, {1, 1, 3, 4});
  h.Constant("scales", Tensor::FromVector<float>({1.0f, 1.0f, 2.0f, 1.5f}, {4}));
  h.Node("Resize", {"x", "", "scales"}, {"y"}, {F32}, {{"mode", A("linear")}});
  h.Output("y");
  Tensor x = rng.Uniform(F32, {1, 1, 3, 4});
  auto out = h.Run({x});
  ASSERT_TRUE(out.ok()) << out.status();
  ExpectClose((*out)[0], ResizeRef(ToRef(x), {1, 1, 6, 6}, {1, 1, 2, 1.5}, "linear", "half_pixel", "", -0.75, false),
              1e-4, 1e-5, "Resize scales");
}

struct PoolCase {
  Shape in;
  std::vector<int64_t> kernel, strides, pads, dilations;
  bool ceil_mode, include_pad;
};

TEST_P(DataTest, MaxAndAveragePool) {
  const std::vector<PoolCase> cases = {
      {{1, 2, 7, 7}, {3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1}, false, false},
      {{2, 3, 8, 9}, {2, 3}, {2, 2}, {0, 1, 1, 0}, {1, 1}, true, true},
      {{1, 1, 10}, {4}, {3}, {2, 2}, {1}, true, false},
      {{1, 2, 9, 9}, {3, 3}, {1, 1}, {0, 0, 0, 0}, {2, 2}, false, false},
      {{1, 1, 4, 5, 6}, {2, 2, 3}, {2, 1, 2}, {0, 1, 0, 1, 0, 1}, {1, 1, 1}, false, true},
  };
  Random rng(9);
  for (const PoolCase& c : cases) {
    for (bool is_max : {true, false}) {
      OpHarness h(GetParam(), 19);
      h.Input("x", F32, c.in);
      Attrs attrs = {{"kernel_shape", A(c.kernel)}, {"strides", A(c.strides)}, {"pads", A(c.pads)},
                     {"ceil_mode", A(c.ceil_mode ? 1 : 0)}, {"dilations", A(c.dilations)}};
      if (!is_max) attrs["count_include_pad"] = A(c.include_pad ? 1 : 0);
      h.Node(is_max ? "MaxPool" : "AveragePool", {"x"}, {"y"}, {F32}, attrs);
      h.Output("y");
      Tensor x = rng.Uniform(F32, c.in);
      auto out = h.Run({x});
      ASSERT_TRUE(out.ok()) << out.status();
      ExpectClose((*out)[0],
                  PoolRef(ToRef(x), c.kernel, c.strides, c.pads, c.dilations, is_max, c.include_pad, c.ceil_mode),
                  1e-4, 1e-5, std::string(is_max ? "MaxPool" : "AveragePool") + ShapeToString(c.in));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(WarpSizes, DataTest, ::testing::Values(0, 1), WarpName);

}  // namespace
}  // namespace braid::backends::gpu::testing
