// Fusion passes at the IR level: which chains are rewritten, into what.
// (fusions_numeric_test.cc checks the rewritten graphs compute the same.)
#include "graph/passes/fusions.h"

#include <cmath>
#include <limits>

#include "graph/op_schema.h"
#include "graph/validate.h"
#include "gtest/gtest.h"
#include "tests/graph/graph_test_util.h"

namespace braid::graph {
namespace {

using testing::F32;
using testing::In;
using testing::Init;
using testing::InitFloats;
using testing::Op;

const FusionPredicate kAcceptAll = [](const Node&) { return true; };

Attribute Ints(std::vector<int64_t> v) { return Attribute(std::move(v)); }

// x[1,2,4,4] -> Conv(w[3,2,3,3], b[3], pads 1) -> "conv"
void AddConv(Graph& g, bool with_bias = true) {
  In(g, "x", F32({"N", 2, 4, 4}));
  InitFloats(g, "w", testing::RandomFloats(3 * 2 * 3 * 3, 1), {3, 2, 3, 3});
  std::vector<std::string> inputs = {"x", "w"};
  if (with_bias) {
    InitFloats(g, "b", {0.1f, -0.2f, 0.3f}, {3});
    inputs.push_back("b");
  }
  Node* conv = Op(g, "Conv", inputs, {"conv"}, {{"pads", Ints({1, 1, 1, 1})}});
  conv->outputs()[0]->set_type(F32({"N", 3, 4, 4}));
}

const Node* OnlyNode(const Graph& g, const std::string& op) {
  const Node* found = nullptr;
  int count = 0;
  for (const Node* n : g.nodes()) {
    if (n->op_type() == op) {
      found = n;
      ++count;
    }
  }
  EXPECT_EQ(count, 1) << op;
  return found;
}

TEST(FusionsTest, ConvBatchNormFoldsIntoConvWeights) {
  Graph g;
  AddConv(g);
  InitFloats(g, "scale", {1.0f, 4.0f, 0.5f}, {3});
  InitFloats(g, "shift", {0.0f, 1.0f, -1.0f}, {3});
  InitFloats(g, "mean", {0.5f, 0.0f, 1.0f}, {3});
  InitFloats(g, "var", {1.0f, 4.0f, 0.25f}, {3});
  Node* bn =
      Op(g, "BatchNormalization", {"conv", "scale", "shift", "mean", "var"}, {"y"}, {{"epsilon", Attribute(0.0f)}}, 15);
  bn->outputs()[0]->set_type(F32({"N", 3, 4, 4}));
  In(g, "other", F32({1}));
  ASSERT_TRUE(g.AddOutput(g.FindValue("other")).ok());
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  const Tensor w_before = *g.FindValue("w")->initializer();

  absl::StatusOr<int> n = FoldConvBatchNorm(g);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1);
  ASSERT_EQ(g.num_nodes(), 1);
  const Node* conv = g.nodes()[0];
  EXPECT_EQ(conv->op_type(), "Conv");
  EXPECT_EQ(conv->output(0)->name(), "y");
  EXPECT_EQ(g.outputs()[1], conv->output(0));  // output order kept
  EXPECT_EQ(conv->output(0)->type().ToString(), "float32[N,3,4,4]");
  ASSERT_NE(conv->FindAttribute("pads"), nullptr);
  // f = scale / sqrt(var): 1, 2, 1; b' = (b - mean) * f + shift.
  const Tensor& w = *conv->input(1)->initializer();
  const Tensor& b = *conv->input(2)->initializer();
  EXPECT_FLOAT_EQ(b.data<float>()[0], (0.1f - 0.5f) * 1.0f + 0.0f);
  EXPECT_FLOAT_EQ(b.data<float>()[1], (-0.2f - 0.0f) * 2.0f + 1.0f);
  EXPECT_FLOAT_EQ(b.data<float>()[2], (0.3f - 1.0f) * 1.0f - 1.0f);
  EXPECT_FLOAT_EQ(w.data<float>()[0], w_before.data<float>()[0]);
  EXPECT_FLOAT_EQ(w.data<float>()[18], w_before.data<float>()[18] * 2.0f);  // first weight of channel 1
  EXPECT_FLOAT_EQ(w.data<float>()[35], w_before.data<float>()[35] * 2.0f);
  EXPECT_FLOAT_EQ(w.data<float>()[36], w_before.data<float>()[36]);
  EXPECT_TRUE(ValidateGraph(g).ok()) << ValidateGraph(g);
}

TEST(FusionsTest, ConvBatchNormNeedsConstantInferenceModeSoleUse) {
  auto build = [](Graph& g, bool constant_scale, int64_t training, bool extra_use) {
    AddConv(g, /*with_bias=*/false);
    if (constant_scale) {
      InitFloats(g, "scale", {1, 1, 1}, {3});
    } else {
      In(g, "scale", F32({3}));
    }
    for (const char* p : {"shift", "mean", "var"}) InitFloats(g, p, {1, 1, 1}, {3});
    Op(g, "BatchNormalization", {"conv", "scale", "shift", "mean", "var"}, {"y"},
       {{"training_mode", Attribute(training)}}, 15);
    ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
    if (extra_use) {
      ASSERT_TRUE(g.AddOutput(g.FindValue("conv")).ok());
    }
  };
  Graph ok, runtime_scale, training, shared;
  build(ok, true, 0, false);
  build(runtime_scale, false, 0, false);
  build(training, true, 1, false);
  build(shared, true, 0, true);
  EXPECT_EQ(FoldConvBatchNorm(ok).value(), 1);
  EXPECT_EQ(ok.nodes()[0]->input(2)->type().ToString(), "float32[3]");  // a bias appears
  EXPECT_EQ(FoldConvBatchNorm(runtime_scale).value(), 0);
  EXPECT_EQ(FoldConvBatchNorm(training).value(), 0);
  EXPECT_EQ(FoldConvBatchNorm(shared).value(), 0);
}

TEST(FusionsTest, ConvActivationBecomesFusedConv) {
  Graph g;
  AddConv(g);
  Op(g, "LeakyRelu", {"conv"}, {"y"}, {{"alpha", Attribute(0.2f)}});
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  EXPECT_EQ(FuseConvActivation(g, kAcceptAll).value(), 1);
  const Node* fused = OnlyNode(g, "FusedConv");
  ASSERT_NE(fused, nullptr);
  EXPECT_EQ(fused->domain(), kBraidDomain);
  EXPECT_EQ(fused->opset(), 1);
  EXPECT_EQ(g.OpsetFor(kBraidDomain), 1);
  EXPECT_EQ(fused->GetString("activation").value(), "LeakyRelu");
  EXPECT_EQ(fused->GetFloats("activation_params").value(), std::vector<float>{0.2f});
  EXPECT_EQ(fused->inputs().size(), 3u);
  EXPECT_EQ(fused->output(0)->name(), "y");
  EXPECT_TRUE(fused->HasAttribute("pads"));
  EXPECT_TRUE(ValidateGraph(g).ok()) << ValidateGraph(g);
}

TEST(FusionsTest, ConvResidualAddAndActivationBecomeOneFusedConv) {
  Graph g;
  AddConv(g, /*with_bias=*/false);
  In(g, "skip", F32({"N", 3, 4, 4}));
  Op(g, "Add", {"skip", "conv"}, {"sum"});  // the residual may come first
  Op(g, "Relu", {"sum"}, {"y"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  EXPECT_EQ(FuseConvActivation(g, kAcceptAll).value(), 1);
  ASSERT_EQ(g.num_nodes(), 1);
  const Node* fused = g.nodes()[0];
  ASSERT_EQ(fused->inputs().size(), 4u);
  EXPECT_EQ(fused->input(2), nullptr);  // no bias
  EXPECT_EQ(fused->input(3)->name(), "skip");
  EXPECT_EQ(fused->GetString("activation").value(), "Relu");
}

TEST(FusionsTest, ConvAddThatBroadcastsIsNotFused) {
  Graph g;
  AddConv(g);
  In(g, "bias_like", F32({1, 3, 1, 1}));
  Op(g, "Add", {"conv", "bias_like"}, {"sum"});
  Op(g, "Relu", {"sum"}, {"y"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  EXPECT_EQ(FuseConvActivation(g, kAcceptAll).value(), 0);
  EXPECT_EQ(g.num_nodes(), 3);
}

TEST(FusionsTest, ClipNeedsConstantBoundsAndHardSigmoidCarriesParams) {
  Graph g;
  AddConv(g);
  Init(g, "lo", Tensor::Scalar<float>(0.0f));
  Op(g, "Clip", {"conv", "lo", ""}, {"y"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  EXPECT_EQ(FuseConvActivation(g, kAcceptAll).value(), 1);
  std::vector<float> params = OnlyNode(g, "FusedConv")->GetFloats("activation_params").value();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0], 0.0f);
  EXPECT_EQ(params[1], std::numeric_limits<float>::infinity());

  Graph dynamic;
  AddConv(dynamic);
  In(dynamic, "lo", F32({}));
  Op(dynamic, "Clip", {"conv", "lo"}, {"y"});
  ASSERT_TRUE(dynamic.AddOutput(dynamic.FindValue("y")).ok());
  EXPECT_EQ(FuseConvActivation(dynamic, kAcceptAll).value(), 0);

  Graph hs;
  AddConv(hs);
  Op(hs, "HardSigmoid", {"conv"}, {"y"}, {{"alpha", Attribute(0.25f)}});
  ASSERT_TRUE(hs.AddOutput(hs.FindValue("y")).ok());
  EXPECT_EQ(FuseConvActivation(hs, kAcceptAll).value(), 1);
  EXPECT_EQ(OnlyNode(hs, "FusedConv")->GetFloats("activation_params").value(), (std::vector<float>{0.25f, 0.5f}));
}

TEST(FusionsTest, PredicateSeesTheFusedNodeAndCanRefuse) {
  Graph g;
  AddConv(g);
  Op(g, "Relu", {"conv"}, {"y"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  std::string seen;
  FusionPredicate refuse = [&seen](const Node& n) {
    seen = n.QualifiedOpType() + " " + n.input(0)->type().ToString() + " " + n.output(0)->type().ToString();
    EXPECT_TRUE(n.input(1)->is_constant());
    return false;
  };
  EXPECT_EQ(FuseConvActivation(g, refuse).value(), 0);
  EXPECT_EQ(seen, "com.braid::FusedConv float32[N,2,4,4] float32[N,3,4,4]");
  EXPECT_EQ(g.num_nodes(), 2);
  EXPECT_EQ(FuseConvActivation(g, nullptr).value(), 0);
}

TEST(FusionsTest, IntermediateGraphOutputsBlockFusion) {
  Graph g;
  AddConv(g);
  Op(g, "Relu", {"conv"}, {"y"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("conv")).ok());
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  EXPECT_EQ(FuseConvActivation(g, kAcceptAll).value(), 0);
}

TEST(FusionsTest, GemmActivationBecomesFusedGemm) {
  Graph g;
  In(g, "a", F32({"M", 4}));
  InitFloats(g, "b", testing::RandomFloats(20, 2), {5, 4});
  InitFloats(g, "c", testing::RandomFloats(5, 3), {5});
  Op(g, "Gemm", {"a", "b", "c"}, {"gemm"}, {{"transB", Attribute(int64_t{1})}, {"alpha", Attribute(0.5f)}});
  Op(g, "Sigmoid", {"gemm"}, {"y"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  EXPECT_EQ(FuseGemmActivation(g, kAcceptAll).value(), 1);
  const Node* fused = OnlyNode(g, "FusedGemm");
  ASSERT_NE(fused, nullptr);
  EXPECT_EQ(fused->GetInt("transB").value(), 1);
  EXPECT_EQ(fused->GetFloat("alpha").value(), 0.5f);
  EXPECT_EQ(fused->GetString("activation").value(), "Sigmoid");
  EXPECT_EQ(fused->inputs().size(), 3u);
}

TEST(FusionsTest, MatMulBiasAndActivationBecomeFusedMatMul) {
  Graph g;
  In(g, "a", F32({"B", 7, 4}));
  InitFloats(g, "w", testing::RandomFloats(4 * 6, 4), {4, 6});
  InitFloats(g, "bias", testing::RandomFloats(6, 5), {1, 6});
  Node* mm = Op(g, "MatMul", {"a", "w"}, {"mm"});
  mm->outputs()[0]->set_type(F32({"B", 7, 6}));
  Op(g, "Add", {"bias", "mm"}, {"sum"});
  Op(g, "Tanh", {"sum"}, {"y"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  EXPECT_EQ(FuseMatMulBias(g, kAcceptAll).value(), 1);
  ASSERT_EQ(g.num_nodes(), 1);
  const Node* fused = g.nodes()[0];
  EXPECT_EQ(fused->QualifiedOpType(), "com.braid::FusedMatMul");
  ASSERT_EQ(fused->inputs().size(), 3u);
  EXPECT_EQ(fused->input(2)->name(), "bias");
  EXPECT_EQ(fused->GetString("activation").value(), "Tanh");
  EXPECT_EQ(fused->output(0)->name(), "y");
}

TEST(FusionsTest, MatMulWithNonBiasAddOnlyFusesWhatFits) {
  // A [M,N] addend is not a bias; MatMul -> Relu alone still fuses.
  Graph g;
  In(g, "a", F32({3, 4}));
  InitFloats(g, "w", testing::RandomFloats(4 * 6, 4), {4, 6});
  InitFloats(g, "full", testing::RandomFloats(18, 5), {3, 6});
  Op(g, "MatMul", {"a", "w"}, {"mm"});
  Op(g, "Add", {"mm", "full"}, {"sum"});
  Op(g, "MatMul", {"a", "w"}, {"mm2"});
  Op(g, "Relu", {"mm2"}, {"r"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("sum")).ok());
  ASSERT_TRUE(g.AddOutput(g.FindValue("r")).ok());
  EXPECT_EQ(FuseMatMulBias(g, kAcceptAll).value(), 1);
  EXPECT_EQ(g.num_nodes(), 3);
  const Node* fused = OnlyNode(g, "FusedMatMul");
  ASSERT_NE(fused, nullptr);
  EXPECT_EQ(fused->inputs().size(), 2u);
  EXPECT_EQ(fused->output(0)->name(), "r");
  EXPECT_EQ(g.outputs()[1], fused->output(0));
}

TEST(FusionsTest, ApplyFusionsRunsBatchNormFoldingFirstAndKeepsTheGraphValid) {
  Graph g;
  AddConv(g);
  for (const char* p : {"scale", "shift", "mean", "var"}) InitFloats(g, p, {1, 1, 1}, {3});
  Op(g, "BatchNormalization", {"conv", "scale", "shift", "mean", "var"}, {"bn"}, {}, 15);
  Op(g, "Relu", {"bn"}, {"y"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  absl::StatusOr<FusionStats> stats = ApplyFusions(g, kAcceptAll);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->conv_batchnorm, 1);
  EXPECT_EQ(stats->conv_activation, 1);
  EXPECT_EQ(stats->total(), 2);
  ASSERT_EQ(g.num_nodes(), 1);
  EXPECT_EQ(g.nodes()[0]->op_type(), "FusedConv");
  EXPECT_TRUE(ValidateGraph(g).ok()) << ValidateGraph(g);
}

TEST(FusionsTest, NestedGraphsAreFusedCopyOnWrite) {
  auto body = std::make_shared<Graph>();
  body->set_name("body");
  ASSERT_TRUE(body->AddCapture("a", F32({3, 4})).ok());
  ASSERT_TRUE(body->AddInitializer("w", std::make_shared<const Tensor>(testing::RandomTensor({4, 2}, 9))).ok());
  ASSERT_TRUE(body->AddNode({"mm", "MatMul", "", 17, {"a", "w"}, {"mm"}, {}}).ok());
  ASSERT_TRUE(body->AddNode({"act", "Relu", "", 17, {"mm"}, {"t"}, {}}).ok());
  ASSERT_TRUE(body->AddOutput(body->FindValue("t")).ok());

  Graph g;
  In(g, "cond", testing::T(DataType::kBool, {}));
  In(g, "a", F32({3, 4}));
  Node* if_node = Op(g, "If", {"cond"}, {"y"}, {{"then_branch", Attribute(body)}, {"else_branch", Attribute(body)}});
  g.AddImplicitInput(if_node, g.FindValue("a"));
  EXPECT_EQ(FuseMatMulBias(g, kAcceptAll).value(), 2);
  EXPECT_EQ(body->num_nodes(), 2);  // the original is shared and untouched
  EXPECT_EQ(if_node->GetGraph("then_branch").value()->nodes()[0]->op_type(), "FusedMatMul");
}

}  // namespace
}  // namespace braid::graph
