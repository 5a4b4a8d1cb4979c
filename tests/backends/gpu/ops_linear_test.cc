// Op suite, GEMM family: MatMul, Gemm, Conv (grouped, depthwise, 1-3-D),
// fused epilogues and fused attention, on both emulated warp sizes.
#include <cmath>
#include <string>
#include <vector>

#include "tests/backends/gpu/op_harness.h"

namespace braid::backends::gpu::testing {
namespace {

constexpr DataType F32 = DataType::kFloat32;

class LinearTest : public ::testing::TestWithParam<int> {};

std::string Name(const Shape& a, const Shape& b) { return ShapeToString(a) + "x" + ShapeToString(b); }

TEST_P(LinearTest, MatMulShapes) {
  // Sizes off the 64x64x16 tile and the warp size, batch broadcasting, 1-D operands.
  const std::vector<std::pair<Shape, Shape>> cases = {
      {{1, 1}, {1, 1}},          {{17, 33}, {33, 65}},     {{64, 64}, {64, 64}}, {{100, 3}, {3, 70}},
      {{2, 1, 5, 7}, {3, 7, 4}}, {{4, 9, 130}, {130, 2}},  {{7}, {7, 5}},        {{3, 6, 8}, {8}},
      {{5}, {5}},                {{2, 3, 4, 5}, {5, 67}},
  };
  Random rng(1);
  for (const auto& [sa, sb] : cases) {
    OpHarness h(GetParam());
    h.Input("a", F32, sa);
    h.Input("b", F32, sb);
    h.Node("MatMul", {"a", "b"}, {"y"}, {F32});
    h.Output("y");
    Tensor a = rng.Uniform(F32, sa), b = rng.Uniform(F32, sb);
    auto out = h.Run({a, b});
    ASSERT_TRUE(out.ok()) << Name(sa, sb) << ": " << out.status();
    ExpectClose((*out)[0], MatMulRef(ToRef(a), ToRef(b)), 1e-4, 1e-5, "MatMul " + Name(sa, sb));
  }
}

TEST_P(LinearTest, MatMulBiasReluEpilogueIsFused) {
  Random rng(2);
  OpHarness h(GetParam());
  h.Input("a", F32, {3, 37, 29});
  h.Constant("w", rng.Uniform(F32, {29, 45}));
  h.Constant("bias", rng.Uniform(F32, {45}));
  h.Node("MatMul", {"a", "w"}, {"m"}, {F32});
  h.Node("Add", {"m", "bias"}, {"z"}, {F32});
  h.Node("Relu", {"z"}, {"y"}, {F32});
  h.Output("y");
  Tensor a = rng.Uniform(F32, {3, 37, 29});
  auto out = h.Run({a});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(h.last_num_steps(), 1u);
  const Ref w = ToRef(*h.graph().FindValue("w")->initializer()), bias = ToRef(*h.graph().FindValue("bias")->initializer());
  Ref m = MatMulRef(ToRef(a), w);
  Ref want = Broadcast({&m, &bias}, [](const std::vector<double>& v) { return std::max(0.0, v[0] + v[1]); });
  ExpectClose((*out)[0], want, 1e-4, 1e-5, "MatMul+Add+Relu");
}

TEST_P(LinearTest, EpilogueStaysSeparateWhenTheProductIsAlsoAnOutput) {
  Random rng(12);
  OpHarness h(GetParam());
  h.Input("a", F32, {9, 10});
  h.Input("b", F32, {10, 11});
  h.Node("MatMul", {"a", "b"}, {"m"}, {F32});
  h.Node("Relu", {"m"}, {"y"}, {F32});
  h.Output("y");
  h.Output("m");
  Tensor a = rng.Uniform(F32, {9, 10}), b = rng.Uniform(F32, {10, 11});
  auto out = h.Run({a, b});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(h.last_num_steps(), 2u);
  Ref m = MatMulRef(ToRef(a), ToRef(b));
  ExpectClose((*out)[0], Map(m, [](double v) { return std::max(0.0, v); }), 1e-4, 1e-5, "Relu(MatMul)");
  ExpectClose((*out)[1], m, 1e-4, 1e-5, "MatMul");
}

TEST_P(LinearTest, GemmTransposesAlphaBetaAndBias) {
  Random rng(3);
  struct Case {
    bool ta, tb;
    Shape c;
  };
  for (const Case& c : {Case{false, false, {}}, Case{true, false, {19}}, Case{false, true, {23, 1}},
                        Case{true, true, {23, 19}}, Case{false, false, {1, 19}}}) {
    const int64_t m = 23, k = 31, n = 19;
    const Shape sa = c.ta ? Shape{k, m} : Shape{m, k}, sb = c.tb ? Shape{n, k} : Shape{k, n};
    OpHarness h(GetParam(), 13);
    h.Input("a", F32, sa);
    h.Input("b", F32, sb);
    h.Input("c", F32, c.c);
    h.Node("Gemm", {"a", "b", "c"}, {"g"}, {F32},
           {{"transA", A(c.ta ? 1 : 0)}, {"transB", A(c.tb ? 1 : 0)}, {"alpha", A(0.5f)}, {"beta", A(2.0f)}});
    h.Node("Sigmoid", {"g"}, {"y"}, {F32});
    h.Output("y");
    Tensor a = rng.Uniform(F32, sa), b = rng.Uniform(F32, sb), bias = rng.Uniform(F32, c.c);
    auto out = h.Run({a, b, bias});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(h.last_num_steps(), 1u);
    const Ref rc = ToRef(bias);
    Ref g = GemmRef(ToRef(a), ToRef(b), &rc, 0.5, 2.0, c.ta, c.tb);
    ExpectClose((*out)[0], Map(g, [](double x) { return 1 / (1 + std::exp(-x)); }), 1e-4, 1e-5,
                "Gemm ta=" + std::to_string(c.ta) + " tb=" + std::to_string(c.tb) + " C" + ShapeToString(c.c));
  }
}

struct ConvCase {
  Shape x, w;
  std::vector<int64_t> strides, pads, dilations;
  int64_t group;
  bool bias;
  std::string auto_pad = "NOTSET";
};

TEST_P(LinearTest, ConvVariants) {
  const std::vector<ConvCase> cases = {
      {{1, 3, 9, 11}, {5, 3, 3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1, true},           // padded 3x3
      {{2, 4, 13, 10}, {6, 2, 3, 2}, {2, 1}, {1, 0, 2, 1}, {1, 2}, 2, false},         // grouped, strided, dilated
      {{1, 8, 7, 7}, {8, 1, 3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1}, 8, true},             // depthwise
      {{1, 4, 6, 6}, {8, 1, 3, 3}, {2, 2}, {0, 0, 0, 0}, {1, 1}, 4, true},             // channel multiplier 2
      {{2, 3, 17}, {4, 3, 5}, {2}, {2, 2}, {1}, 1, true},                               // 1-D
      {{1, 2, 4, 5, 6}, {3, 2, 2, 3, 2}, {1, 2, 1}, {0, 1, 1, 1, 0, 0}, {1, 1, 2}, 1, false},  // 3-D
      {{1, 70, 5, 5}, {65, 70, 1, 1}, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1, true},          // 1x1, K and M off-tile
      {{1, 3, 10, 9}, {4, 3, 3, 3}, {2, 2}, {}, {1, 1}, 1, true, "SAME_UPPER"},
  };
  Random rng(4);
  for (const ConvCase& c : cases) {
    OpHarness h(GetParam());
    h.Input("x", F32, c.x);
    h.Input("w", F32, c.w);
    std::vector<std::string> ins = {"x", "w"};
    if (c.bias) {
      h.Input("b", F32, {c.w[0]});
      ins.push_back("b");
    }
    Attrs attrs = {{"strides", A(c.strides)}, {"dilations", A(c.dilations)}, {"group", A(c.group)}};
    if (c.auto_pad == "NOTSET") attrs["pads"] = A(c.pads);
    else attrs["auto_pad"] = A(c.auto_pad.c_str());
    h.Node("Conv", ins, {"y"}, {F32}, attrs);
    h.Output("y");
    Tensor x = rng.Uniform(F32, c.x), w = rng.Uniform(F32, c.w), b = rng.Uniform(F32, {c.w[0]});
    std::vector<Tensor> feeds = {x, w};
    if (c.bias) feeds.push_back(b);
    auto out = h.Run(feeds);
    ASSERT_TRUE(out.ok()) << Name(c.x, c.w) << ": " << out.status();
    std::vector<int64_t> pads = c.pads;
    if (c.auto_pad == "SAME_UPPER") {
      pads.assign(2 * (c.x.size() - 2), 0);
      for (size_t i = 0; i + 2 < c.x.size(); ++i) {
        const int64_t in = c.x[i + 2], s = c.strides[i], k = c.w[i + 2];
        const int64_t total = std::max<int64_t>(0, ((in + s - 1) / s - 1) * s + k - in);
        pads[i] = total / 2;
        pads[i + c.x.size() - 2] = total - total / 2;
      }
    }
    const Ref rb = ToRef(b);
    Ref want = ConvRef(ToRef(x), ToRef(w), c.bias ? &rb : nullptr, c.strides, pads, c.dilations, c.group);
    ExpectClose((*out)[0], want, 1e-4, 1e-5, "Conv " + Name(c.x, c.w) + " group " + std::to_string(c.group));
  }
}

TEST_P(LinearTest, ConvReluEpilogueIsFused) {
  Random rng(5);
  OpHarness h(GetParam());
  h.Input("x", F32, {2, 3, 8, 8});
  h.Constant("w", rng.Uniform(F32, {4, 3, 3, 3}));
  h.Constant("b", rng.Uniform(F32, {4}));
  h.Node("Conv", {"x", "w", "b"}, {"c"}, {F32}, {{"pads", A(std::vector<int64_t>{1, 1, 1, 1})}});
  h.Node("Clip", {"c"}, {"y"}, {F32}, {{"min", A(0.0f)}, {"max", A(0.5f)}}, 6);
  h.Output("y");
  Tensor x = rng.Uniform(F32, {2, 3, 8, 8});
  auto out = h.Run({x});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(h.last_num_steps(), 1u);
  const Ref rb = ToRef(*h.graph().FindValue("b")->initializer());
  Ref c = ConvRef(ToRef(x), ToRef(*h.graph().FindValue("w")->initializer()), &rb, {1, 1}, {1, 1, 1, 1}, {1, 1}, 1);
  ExpectClose((*out)[0], Map(c, [](double v) { return std::clamp(v, 0.0, 0.5); }), 1e-4, 1e-5, "Conv+Clip");
}

// Builds Q K^T / sqrt(d) + mask -> Softmax -> x V, with K transposed by a node.
void BuildAttention(OpHarness& h, const Shape& q, const Shape& k, const Shape& v, const Shape& mask, float d,
                    DataType t = F32) {
  h.Input("q", t, q);
  h.Input("k", t, k);
  h.Input("v", t, v);
  h.Input("mask", t, mask);
  std::vector<int64_t> perm;
  for (size_t i = 0; i < k.size(); ++i) perm.push_back(static_cast<int64_t>(i));
  std::swap(perm[k.size() - 1], perm[k.size() - 2]);
  h.Constant("scale", FromRef(Ref{{}, {std::sqrt(d)}}, t));
  h.Node("Transpose", {"k"}, {"kt"}, {t}, {{"perm", A(perm)}});
  h.Node("MatMul", {"q", "kt"}, {"s"}, {t});
  h.Node("Div", {"s", "scale"}, {"ss"}, {t});
  h.Node("Add", {"ss", "mask"}, {"sm"}, {t});
  h.Node("Softmax", {"sm"}, {"p"}, {t}, {{"axis", A(-1)}});
  h.Node("MatMul", {"p", "v"}, {"y"}, {t});
  h.Output("y");
}

Ref AttentionRef(const Ref& q, const Ref& k, const Ref& v, const Ref& mask, double d) {
  std::vector<int64_t> perm;
  for (size_t i = 0; i < k.shape.size(); ++i) perm.push_back(static_cast<int64_t>(i));
  std::swap(perm[k.shape.size() - 1], perm[k.shape.size() - 2]);
  Ref s = MatMulRef(q, TransposeRef(k, perm));
  Ref sm = Broadcast({&s, &mask}, [d](const std::vector<double>& x) { return x[0] / std::sqrt(d) + x[1]; });
  return MatMulRef(SoftmaxRef(sm, -1, false), v);
}

TEST_P(LinearTest, AttentionIsFused) {
  Random rng(6);
  const Shape q{2, 3, 5, 8}, k{2, 3, 37, 8}, v{2, 3, 37, 6}, mask{2, 1, 1, 37};
  OpHarness h(GetParam());
  BuildAttention(h, q, k, v, mask, 8);
  Tensor tq = rng.Uniform(F32, q), tk = rng.Uniform(F32, k), tv = rng.Uniform(F32, v),
         tm = rng.Uniform(F32, mask, -2.0f, 0.0f);
  auto out = h.Run({tq, tk, tv, tm});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(h.last_num_steps(), 1u);
  ExpectClose((*out)[0], AttentionRef(ToRef(tq), ToRef(tk), ToRef(tv), ToRef(tm), 8), 1e-4, 1e-5, "attention");
}

TEST_P(LinearTest, AttentionBeyondKernelLimitsRunsUnfused) {
  Random rng(7);
  const Shape q{1, 2, 3}, k{1, 4100, 3}, v{1, 4100, 2}, mask{1, 1, 4100};  // more keys than the fused kernel holds
  OpHarness h(GetParam());
  BuildAttention(h, q, k, v, mask, 3);
  Tensor tq = rng.Uniform(F32, q), tk = rng.Uniform(F32, k), tv = rng.Uniform(F32, v), tm = rng.Uniform(F32, mask);
  auto out = h.Run({tq, tk, tv, tm});
  ASSERT_TRUE(out.ok()) << out.status();
  ExpectClose((*out)[0], AttentionRef(ToRef(tq), ToRef(tk), ToRef(tv), ToRef(tm), 3), 1e-4, 1e-5,
              "attention fallback");
}

TEST_P(LinearTest, HalfPrecisionGemmAndConvAccumulateInFloat) {
  Random rng(8);
  for (DataType t : {DataType::kFloat16, DataType::kBFloat16}) {
    {
      OpHarness h(GetParam());
      h.Input("a", t, {33, 130});
      h.Input("b", t, {130, 17});
      h.Node("MatMul", {"a", "b"}, {"y"}, {t});
      h.Output("y");
      Tensor a = rng.Uniform(t, {33, 130}), b = rng.Uniform(t, {130, 17});
      auto out = h.Run({a, b});
      ASSERT_TRUE(out.ok()) << out.status();
      // Inputs are exact in the reference; only the final rounding and the
      // float32 accumulation differ.
      ExpectClose((*out)[0], MatMulRef(ToRef(a), ToRef(b)), DefaultRtol(t), 4 * DefaultAtol(t),
                  std::string("MatMul ") + DataTypeName(t));
    }
    {
      OpHarness h(GetParam());
      h.Input("x", t, {1, 4, 9, 9});
      h.Input("w", t, {6, 4, 3, 3});
      h.Node("Conv", {"x", "w"}, {"y"}, {t});
      h.Output("y");
      Tensor x = rng.Uniform(t, {1, 4, 9, 9}), w = rng.Uniform(t, {6, 4, 3, 3});
      auto out = h.Run({x, w});
      ASSERT_TRUE(out.ok()) << out.status();
      ExpectClose((*out)[0], ConvRef(ToRef(x), ToRef(w), nullptr, {1, 1}, {0, 0, 0, 0}, {1, 1}, 1), DefaultRtol(t),
                  4 * DefaultAtol(t), std::string("Conv ") + DataTypeName(t));
    }
    {
      OpHarness h(GetParam());
      BuildAttention(h, {2, 4, 16}, {2, 9, 16}, {2, 9, 16}, {1, 9}, 16, t);
      Tensor q = rng.Uniform(t, {2, 4, 16}), k = rng.Uniform(t, {2, 9, 16}), v = rng.Uniform(t, {2, 9, 16}),
             m = rng.Uniform(t, {1, 9});
      auto out = h.Run({q, k, v, m});
      ASSERT_TRUE(out.ok()) << out.status();
      EXPECT_EQ(h.last_num_steps(), 1u);
      ExpectClose((*out)[0], AttentionRef(ToRef(q), ToRef(k), ToRef(v), ToRef(m), 16), DefaultRtol(t),
                  2 * DefaultAtol(t), std::string("attention ") + DataTypeName(t));
    }
  }
}

TEST_P(LinearTest, MismatchedInnerDimsAreAnError) {
  OpHarness h(GetParam());
  h.Input("a", F32, {3, 4});
  h.Input("b", F32, {5, 2});
  h.Node("MatMul", {"a", "b"}, {"y"}, {F32});
  h.Output("y");
  Random rng(9);
  auto out = h.Run({rng.Uniform(F32, {3, 4}), rng.Uniform(F32, {5, 2})});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("inner dims"), std::string::npos) << out.status();
}

INSTANTIATE_TEST_SUITE_P(WarpSizes, LinearTest, ::testing::Values(0, 1), WarpName);

}  // namespace
}  // namespace braid::backends::gpu::testing
