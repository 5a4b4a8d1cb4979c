// Op suite, reductions: Reduce*, ArgMax/ArgMin, Softmax/LogSoftmax,
// LayerNormalization and global pools, on both emulated warp sizes, with
// row lengths below, at and above the block and warp sizes.
#include <cmath>
#include <string>
#include <vector>

#include "tests/backends/gpu/op_harness.h"

namespace braid::backends::gpu::testing {
namespace {

constexpr DataType F32 = DataType::kFloat32;
constexpr DataType I64 = DataType::kInt64;

class ReduceTest : public ::testing::TestWithParam<int> {};

TEST_P(ReduceTest, ReduceOpsOverAxes) {
  const std::vector<std::pair<const char*, const char*>> ops = {
      {"ReduceSum", "sum"},   {"ReduceMean", "mean"}, {"ReduceMax", "max"},           {"ReduceMin", "min"},
      {"ReduceProd", "prod"}, {"ReduceL1", "l1"},     {"ReduceL2", "l2"},             {"ReduceSumSquare", "sumsquare"},
      {"ReduceLogSum", "logsum"}, {"ReduceLogSumExp", "logsumexp"},
  };
  struct Case {
    Shape shape;
    std::vector<int64_t> axes;
    bool keepdims;
  };
  const std::vector<Case> cases = {
      {{3, 1000}, {1}, true},      // long rows: several warps per block
      {{5, 33}, {-1}, false},      // rows just over a wave32 warp
      {{4, 7, 6}, {1}, true},      // middle axis: strided columns
      {{4, 7, 6}, {0, 2}, false},  // non-adjacent axes: staged transpose
      {{2, 3, 4}, {}, true},       // all axes
      {{65}, {0}, false},
  };
  Random rng(1);
  for (const auto& [op, ref_op] : ops) {
    const bool positive = std::string(ref_op) == "logsum" || std::string(ref_op) == "prod";
    for (const Case& c : cases) {
      OpHarness h(GetParam(), 18);
      h.Input("x", F32, c.shape);
      std::vector<std::string> ins = {"x"};
      if (!c.axes.empty()) {
        h.Constant("axes", Tensor::FromVector<int64_t>(c.axes, {static_cast<int64_t>(c.axes.size())}));
        ins.push_back("axes");
      }
      h.Node(op, ins, {"y"}, {F32}, {{"keepdims", A(c.keepdims ? 1 : 0)}});
      h.Output("y");
      // Prod over 1000 values needs factors near 1 to stay finite.
      Tensor x = positive ? rng.Uniform(F32, c.shape, 0.9f, 1.1f) : rng.Uniform(F32, c.shape, -2.0f, 2.0f);
      auto out = h.Run({x});
      ASSERT_TRUE(out.ok()) << op << ": " << out.status();
      ExpectClose((*out)[0], ReduceRef(ToRef(x), c.axes, c.keepdims, ref_op), 1e-4, 1e-5,
                  std::string(op) + ShapeToString(c.shape));
    }
  }
}

TEST_P(ReduceTest, LegacyAxesAttributeAndNoop) {
  Random rng(2);
  Tensor x = rng.Uniform(F32, {3, 4, 5});
  {
    OpHarness h(GetParam(), 11);
    h.Input("x", F32, {3, 4, 5});
    h.Node("ReduceMean", {"x"}, {"y"}, {F32}, {{"axes", A(std::vector<int64_t>{0, 2})}});
    h.Output("y");
    auto out = h.Run({x});
    ASSERT_TRUE(out.ok()) << out.status();
    ExpectClose((*out)[0], ReduceRef(ToRef(x), {0, 2}, true, "mean"), 1e-4, 1e-5, "ReduceMean opset 11");
  }
  {
    OpHarness h(GetParam(), 18);
    h.Input("x", F32, {3, 4, 5});
    h.Node("ReduceMax", {"x"}, {"y"}, {F32}, {{"noop_with_empty_axes", A(1)}});
    h.Output("y");
    auto out = h.Run({x});
    ASSERT_TRUE(out.ok()) << out.status();
    ExpectClose((*out)[0], ToRef(x), 0, 0, "noop_with_empty_axes");
  }
}

TEST_P(ReduceTest, ArgMaxArgMinWithTies) {
  Random rng(3);
  for (const Shape& shape : {Shape{4, 300}, Shape{3, 5, 7}, Shape{70}}) {
    for (int64_t axis : {int64_t{0}, int64_t{-1}}) {
      for (bool last : {false, true}) {
        for (bool is_max : {true, false}) {
          OpHarness h(GetParam(), 13);
          h.Input("x", F32, shape);
          h.Node(is_max ? "ArgMax" : "ArgMin", {"x"}, {"y"}, {I64},
                 {{"axis", A(axis)}, {"keepdims", A(axis == 0 ? 1 : 0)}, {"select_last_index", A(last ? 1 : 0)}});
          h.Output("y");
          Tensor x = rng.Ints(F32, shape, -3, 3);  // many ties
          auto out = h.Run({x});
          ASSERT_TRUE(out.ok()) << out.status();
          ExpectClose((*out)[0], ArgRef(ToRef(x), axis, axis == 0, is_max, last), 0, 0,
                      std::string(is_max ? "ArgMax" : "ArgMin") + ShapeToString(shape) + " axis " +
                          std::to_string(axis) + (last ? " last" : " first"));
        }
      }
    }
  }
}

TEST_P(ReduceTest, SoftmaxAndLogSoftmax) {
  Random rng(4);
  struct Case {
    Shape shape;
    int64_t axis;
  };
  for (const Case& c : {Case{{3, 1}, -1}, Case{{4, 33}, -1}, Case{{2, 1000}, 1}, Case{{3, 17, 5}, 1},
                        Case{{2, 3, 4}, 0}, Case{{130}, 0}}) {
    for (const char* op : {"Softmax", "LogSoftmax"}) {
      OpHarness h(GetParam(), 13);
      h.Input("x", F32, c.shape);
      h.Node(op, {"x"}, {"y"}, {F32}, {{"axis", A(c.axis)}});
      h.Output("y");
      Tensor x = rng.Uniform(F32, c.shape, -5.0f, 5.0f);
      auto out = h.Run({x});
      ASSERT_TRUE(out.ok()) << out.status();
      ExpectClose((*out)[0], SoftmaxRef(ToRef(x), c.axis, std::string(op) == "LogSoftmax"), 1e-4, 1e-5,
                  std::string(op) + ShapeToString(c.shape) + " axis " + std::to_string(c.axis));
    }
  }
}

TEST_P(ReduceTest, LegacySoftmaxFlattensFromAxis) {
  Random rng(5);
  OpHarness h(GetParam(), 11);
  h.Input("x", F32, {2, 3, 4});
  h.Node("Softmax", {"x"}, {"y"}, {F32}, {{"axis", A(1)}});
  h.Output("y");
  Tensor x = rng.Uniform(F32, {2, 3, 4});
  auto out = h.Run({x});
  ASSERT_TRUE(out.ok()) << out.status();
  Ref flat = ToRef(x);
  flat.shape = {2, 12};
  Ref want = SoftmaxRef(flat, 1, false);
  want.shape = {2, 3, 4};
  ExpectClose((*out)[0], want, 1e-4, 1e-5, "Softmax opset 11");
}

TEST_P(ReduceTest, LayerNormalizationWithStatistics) {
  Random rng(6);
  struct Case {
    Shape shape;
    int64_t axis;
    bool bias;
  };
  for (const Case& c : {Case{{4, 768}, -1, true}, Case{{2, 3, 5}, -2, false}, Case{{3, 31}, 1, true}}) {
    const int64_t a = c.axis < 0 ? c.axis + static_cast<int64_t>(c.shape.size()) : c.axis;
    const Shape norm(c.shape.begin() + a, c.shape.end());
    OpHarness h(GetParam(), 17);
    h.Input("x", F32, c.shape);
    h.Input("s", F32, norm);
    std::vector<std::string> ins = {"x", "s"};
    if (c.bias) {
      h.Input("b", F32, norm);
      ins.push_back("b");
    }
    h.Node("LayerNormalization", ins, {"y", "mean", "inv"}, {F32, F32, F32},
           {{"axis", A(c.axis)}, {"epsilon", A(1e-3f)}});
    h.Output("y");
    h.Output("mean");
    h.Output("inv");
    Tensor x = rng.Uniform(F32, c.shape, -3.0f, 3.0f), s = rng.Uniform(F32, norm), b = rng.Uniform(F32, norm);
    std::vector<Tensor> feeds = {x, s};
    if (c.bias) feeds.push_back(b);
    auto out = h.Run(feeds);
    ASSERT_TRUE(out.ok()) << out.status();
    Ref mean, inv;
    const Ref rb = ToRef(b);
    Ref want = LayerNormRef(ToRef(x), ToRef(s), c.bias ? &rb : nullptr, c.axis, 1e-3f, &mean, &inv);
    ExpectClose((*out)[0], want, 1e-4, 1e-5, "LayerNormalization Y" + ShapeToString(c.shape));
    ExpectClose((*out)[1], mean, 1e-4, 1e-5, "LayerNormalization Mean");
    ExpectClose((*out)[2], inv, 1e-4, 1e-5, "LayerNormalization InvStdDev");
  }
}

TEST_P(ReduceTest, GlobalPools) {
  Random rng(7);
  for (const Shape& shape : {Shape{2, 3, 7, 9}, Shape{1, 5, 300}, Shape{1, 2, 2, 3, 4}}) {
    for (const char* op : {"GlobalAveragePool", "GlobalMaxPool"}) {
      OpHarness h(GetParam());
      h.Input("x", F32, shape);
      h.Node(op, {"x"}, {"y"}, {F32});
      h.Output("y");
      Tensor x = rng.Uniform(F32, shape);
      auto out = h.Run({x});
      ASSERT_TRUE(out.ok()) << out.status();
      std::vector<int64_t> axes;
      for (size_t d = 2; d < shape.size(); ++d) axes.push_back(static_cast<int64_t>(d));
      ExpectClose((*out)[0], ReduceRef(ToRef(x), axes, true, std::string(op) == "GlobalMaxPool" ? "max" : "mean"),
                  1e-4, 1e-5, std::string(op) + ShapeToString(shape));
    }
  }
}

TEST_P(ReduceTest, HalfPrecisionSoftmaxLayerNormReduce) {
  Random rng(8);
  for (DataType t : {DataType::kFloat16, DataType::kBFloat16}) {
    OpHarness h(GetParam(), 18);
    h.Input("x", t, {6, 200});
    h.Input("s", t, {200});
    h.Node("Softmax", {"x"}, {"p"}, {t}, {{"axis", A(-1)}});
    h.Node("LayerNormalization", {"x", "s"}, {"n"}, {t});
    h.Node("ReduceSum", {"x"}, {"r"}, {t}, {{"keepdims", A(0)}});
    h.Output("p");
    h.Output("n");
    h.Output("r");
    Tensor x = rng.Uniform(t, {6, 200}, -3.0f, 3.0f), s = rng.Uniform(t, {200});
    auto out = h.Run({x, s});
    ASSERT_TRUE(out.ok()) << out.status();
    const std::string name = DataTypeName(t);
    ExpectClose((*out)[0], SoftmaxRef(ToRef(x), -1, false), DefaultRtol(t), DefaultAtol(t), "Softmax " + name);
    ExpectClose((*out)[1], LayerNormRef(ToRef(x), ToRef(s), nullptr, -1, 1e-5, nullptr, nullptr), DefaultRtol(t),
                4 * DefaultAtol(t), "LayerNormalization " + name);
    ExpectClose((*out)[2], ReduceRef(ToRef(x), {}, false, "sum"), DefaultRtol(t), 20 * DefaultAtol(t),
                "ReduceSum " + name);
  }
}

INSTANTIATE_TEST_SUITE_P(WarpSizes, ReduceTest, ::testing::Values(0, 1), WarpName);

}  // namespace
}  // namespace braid::backends::gpu::testing
