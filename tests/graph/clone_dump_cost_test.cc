// clone.h, dump.h and cost_model.h.
#include "graph/clone.h"
#include "graph/cost_model.h"
#include "graph/dump.h"
#include "gtest/gtest.h"
#include "tests/graph/graph_test_util.h"

namespace braid::graph {
namespace {

using testing::F32;
using testing::In;
using testing::InitFloats;
using testing::Op;

Attribute Ints(std::vector<int64_t> v) { return Attribute(std::move(v)); }

std::shared_ptr<Graph> Branch(const std::string& name) {
  auto b = std::make_shared<Graph>();
  b->set_name(name);
  EXPECT_TRUE(b->AddCapture("x", F32({2, 3})).ok());
  EXPECT_TRUE(b->AddNode({"inner", "Neg", "", 17, {"x"}, {"t"}, {}}).ok());
  EXPECT_TRUE(b->AddOutput(b->FindValue("t")).ok());
  return b;
}

// x[2,3] -> MatMul(w[3,4]) -> If(cond){Neg(x)} ; a custom op; input with default.
std::unique_ptr<Graph> Sample() {
  auto g = std::make_unique<Graph>();
  g->set_name("sample");
  g->SetOpsetImport("", 17);
  In(*g, "x", F32({2, 3}));
  Value* d = In(*g, "d", F32({1}));
  g->SetInputDefault(d, std::make_shared<const Tensor>(Tensor::FromVector<float>({1.0f}, {1})));
  In(*g, "cond", testing::T(DataType::kBool, {}));
  InitFloats(*g, "w", std::vector<float>(12, 1.0f), {3, 4});
  Node* mm = Op(*g, "MatMul", {"x", "w"}, {"y"});
  mm->outputs()[0]->set_type(F32({2, 4}));
  Node* if_node = Op(*g, "If", {"cond"}, {"z"}, {{"then_branch", Attribute(Branch("then"))},
                                                 {"else_branch", Attribute(Branch("else"))}});
  g->AddImplicitInput(if_node, g->FindValue("x"));
  Op(*g, "Custom", {"y"}, {"c"}, {{"k", Ints({1, 2})}}, 1, "com.example");
  EXPECT_TRUE(g->AddOutput(g->FindValue("c")).ok());
  EXPECT_TRUE(g->AddOutput(g->FindValue("z")).ok());
  return g;
}

TEST(CloneTest, CopiesStructureAndSharesImmutableParts) {
  std::unique_ptr<Graph> g = Sample();
  absl::StatusOr<std::unique_ptr<Graph>> copy = CloneGraph(*g);
  ASSERT_TRUE(copy.ok()) << copy.status();
  const Graph& c = **copy;
  EXPECT_EQ(c.name(), "sample");
  EXPECT_EQ(c.OpsetFor(""), 17);
  ASSERT_EQ(c.inputs().size(), 3u);
  EXPECT_NE(c.inputs()[1]->initializer(), nullptr);  // default kept
  ASSERT_EQ(c.num_nodes(), g->num_nodes());
  for (int64_t i = 0; i < c.num_nodes(); ++i) {
    EXPECT_EQ(c.nodes()[i]->name(), g->nodes()[i]->name());
    EXPECT_NE(c.nodes()[i], g->nodes()[i]);
  }
  EXPECT_EQ(c.FindValue("y")->type().ToString(), "float32[2,4]");
  EXPECT_EQ(c.FindValue("w")->initializer(), g->FindValue("w")->initializer());  // shared data
  const Node* if_copy = c.nodes()[1];
  ASSERT_EQ(if_copy->implicit_inputs().size(), 1u);
  EXPECT_EQ(if_copy->implicit_inputs()[0], c.FindValue("x"));
  EXPECT_EQ(if_copy->GetGraph("then_branch").value(), g->nodes()[1]->GetGraph("then_branch").value());
  ASSERT_EQ(c.outputs().size(), 2u);
  EXPECT_EQ(c.outputs()[0]->name(), "c");
  EXPECT_EQ(c.outputs()[1]->name(), "z");
}

TEST(DumpTest, ShowsInputsNodesAttributesNestedGraphsAndOutputs) {
  std::unique_ptr<Graph> g = Sample();
  std::string dump = DumpGraph(*g);
  EXPECT_NE(dump.find("graph sample {"), std::string::npos) << dump;
  EXPECT_NE(dump.find("input %x: float32[2,3]"), std::string::npos) << dump;
  EXPECT_NE(dump.find("input %d: float32[1] (has default)"), std::string::npos) << dump;
  EXPECT_NE(dump.find("1 initializers, 48 bytes"), std::string::npos) << dump;
  EXPECT_NE(dump.find("%y: float32[2,4] = MatMul(%x, %w)"), std::string::npos) << dump;
  EXPECT_NE(dump.find("= com.example::Custom(%y) {k=[1,2]}"), std::string::npos) << dump;
  EXPECT_NE(dump.find("    graph then {"), std::string::npos) << dump;  // nested, indented
  EXPECT_NE(dump.find("capture %x"), std::string::npos) << dump;
  EXPECT_NE(dump.find("return %c, %z"), std::string::npos) << dump;
}

TEST(DumpTest, OpHistogramCountsNestedNodesWithDomains) {
  std::unique_ptr<Graph> g = Sample();
  std::map<std::string, int> h = OpHistogram(*g);
  EXPECT_EQ(h["MatMul"], 1);
  EXPECT_EQ(h["If"], 1);
  EXPECT_EQ(h["Neg"], 2);
  EXPECT_EQ(h["com.example::Custom"], 1);
  EXPECT_EQ(h.size(), 4u);
}

TEST(CostModelTest, CountsMatMulConvGemmFlopsFromStaticShapes) {
  Graph g;
  In(g, "a", F32({2, 3}));
  In(g, "b", F32({3, 4}));
  In(g, "x", F32({1, 2, 5, 5}));
  In(g, "w", F32({4, 2, 3, 3}));
  In(g, "at", F32({3, 2}));
  In(g, "dyn", F32({"N", 3}));
  Node* mm = Op(g, "MatMul", {"a", "b"}, {"mm"});
  mm->outputs()[0]->set_type(F32({2, 4}));
  Node* conv = Op(g, "Conv", {"x", "w"}, {"conv"});
  conv->outputs()[0]->set_type(F32({1, 4, 3, 3}));
  Node* gemm = Op(g, "Gemm", {"at", "b"}, {"gemm"}, {{"transA", Attribute(int64_t{1})}});
  gemm->outputs()[0]->set_type(F32({2, 4}));
  Node* dyn = Op(g, "MatMul", {"dyn", "b"}, {"dmm"});
  dyn->outputs()[0]->set_type(F32({"N", 4}));

  EXPECT_DOUBLE_EQ(EstimateNodeCost(*mm).flops, 2.0 * 2 * 4 * 3);
  EXPECT_DOUBLE_EQ(EstimateNodeCost(*mm).bytes, 4.0 * (6 + 12 + 8));
  EXPECT_DOUBLE_EQ(EstimateNodeCost(*conv).flops, 2.0 * (4 * 3 * 3) * (2 * 3 * 3));
  EXPECT_DOUBLE_EQ(EstimateNodeCost(*gemm).flops, 2.0 * 2 * 4 * 3);  // K from A's first dim
  EXPECT_DOUBLE_EQ(EstimateNodeCost(*dyn).flops, 0.0);               // unknown shape: lower bound
  Cost total = EstimateGraphCost(g);
  EXPECT_EQ(total.nodes, 4);
  EXPECT_DOUBLE_EQ(total.flops, 48.0 + 1296.0 + 48.0);
}

}  // namespace
}  // namespace braid::graph
