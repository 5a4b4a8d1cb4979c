// graph.h basics: building, sorting, rewiring and removing.
#include "graph/graph.h"

#include "gtest/gtest.h"
#include "tests/graph/graph_test_util.h"

namespace braid::graph {
namespace {

using testing::F32;
using testing::In;
using testing::InitFloats;
using testing::Op;

std::vector<std::string> NodeNames(const Graph& g) {
  std::vector<std::string> out;
  for (const Node* n : g.nodes()) out.push_back(n->name());
  return out;
}

TEST(GraphTest, AddNodeRejectsUndefinedInputsAndRedefinedOutputs) {
  Graph g;
  In(g, "x", F32({2}));
  absl::StatusOr<Node*> bad = g.AddNode({"n", "Relu", "", 17, {"missing"}, {"y"}, {}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'missing'"), std::string::npos) << bad.status();
  EXPECT_NE(bad.status().message().find("Relu"), std::string::npos) << bad.status();

  absl::StatusOr<Node*> redefine = g.AddNode({"n", "Relu", "", 17, {"x"}, {"x"}, {}});
  ASSERT_FALSE(redefine.ok());
  EXPECT_NE(redefine.status().message().find("redefines value 'x'"), std::string::npos) << redefine.status();
  EXPECT_EQ(g.num_nodes(), 0);

  EXPECT_EQ(g.AddInput("x", F32({1})).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST(GraphTest, AddNodeRecordsUsesProducersAndUniqueNames) {
  Graph g;
  Value* x = In(g, "x", F32({2}));
  Node* a = Op(g, "Relu", {"x"}, {"a"});
  Node* b = Op(g, "Add", {"a", "x"}, {"b", ""});
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a->name(), b->name());
  EXPECT_EQ(a->output(0)->producer(), a);
  EXPECT_EQ(x->uses().size(), 2u);
  EXPECT_EQ(b->outputs().size(), 2u);
  EXPECT_FALSE(b->output(1)->name().empty());  // an unused output gets a generated name
  Node* a2 = Op(g, "Relu", {"x"}, {"a2"});
  EXPECT_NE(a2->name(), a->name());  // both asked for the default name "Relu"
}

TEST(GraphTest, TopologicalSortKeepsSortedOrderAndFixesOutOfOrderNodes) {
  Graph g;
  In(g, "x", F32({2}));
  Op(g, "Relu", {"x"}, {"a"});
  Op(g, "Sigmoid", {"x"}, {"b"});
  Op(g, "Add", {"a", "b"}, {"c"});
  std::vector<std::string> before = NodeNames(g);
  ASSERT_TRUE(g.TopologicalSort().ok());
  EXPECT_EQ(NodeNames(g), before);

  // Make the first node read the second's output: it must move after it.
  Node* relu = g.nodes()[0];
  g.SetNodeInput(relu, 0, g.FindValue("b"));
  ASSERT_TRUE(g.TopologicalSort().ok());
  EXPECT_EQ(NodeNames(g), (std::vector<std::string>{"Sigmoid", "Relu", "Add"}));
}

TEST(GraphTest, TopologicalSortNamesANodeOnACycle) {
  Graph g;
  In(g, "x", F32({2}));
  Node* first = Op(g, "Relu", {"x"}, {"a"});
  Op(g, "Neg", {"a"}, {"b"});
  g.SetNodeInput(first, 0, g.FindValue("b"));
  absl::Status st = g.TopologicalSort();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("cycle"), std::string::npos) << st;
  bool names_node = st.message().find("'Relu'") != std::string::npos || st.message().find("'Neg'") != std::string::npos;
  EXPECT_TRUE(names_node) << st;
}

TEST(GraphTest, ReplaceAllUsesRewiresNodesAndGraphOutputs) {
  Graph g;
  Value* x = In(g, "x", F32({2}));
  Op(g, "Relu", {"x"}, {"a"});
  Op(g, "Neg", {"a"}, {"b"});
  Value* a = g.FindValue("a");
  ASSERT_TRUE(g.AddOutput(a).ok());
  ASSERT_TRUE(g.AddOutput(g.FindValue("b")).ok());
  g.ReplaceAllUses(a, x);
  EXPECT_TRUE(a->uses().empty());
  EXPECT_FALSE(a->is_graph_output());
  EXPECT_EQ(g.nodes()[1]->input(0), x);
  EXPECT_EQ(g.outputs()[0], x);  // same position
  EXPECT_EQ(g.outputs()[1]->name(), "b");
  EXPECT_TRUE(x->is_graph_output());
  EXPECT_EQ(x->uses().size(), 2u);  // Relu and Neg
}

TEST(GraphTest, RemoveNodeRequiresUnusedOutputs) {
  Graph g;
  Value* x = In(g, "x", F32({2}));
  Node* relu = Op(g, "Relu", {"x"}, {"a"});
  Node* neg = Op(g, "Neg", {"a"}, {"b"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("b")).ok());

  absl::Status st = g.RemoveNode(relu);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("'a'"), std::string::npos) << st;
  EXPECT_EQ(g.RemoveNode(neg).code(), absl::StatusCode::kFailedPrecondition);  // a graph output

  g.SetOutputs({x});
  ASSERT_TRUE(g.RemoveNode(neg).ok());
  ASSERT_TRUE(g.RemoveNode(relu).ok());
  EXPECT_EQ(g.num_nodes(), 0);
  EXPECT_EQ(g.FindValue("a"), nullptr);
  EXPECT_TRUE(x->uses().empty());
}

TEST(GraphTest, MakeConstantTurnsANodeOutputIntoAnInitializer) {
  Graph g;
  InitFloats(g, "w", {1, 2}, {2});
  Node* neg = Op(g, "Neg", {"w"}, {"a"});
  Value* a = g.FindValue("a");
  ASSERT_TRUE(g.AddOutput(a).ok());
  g.MakeConstant(a, std::make_shared<const Tensor>(Tensor::FromVector<float>({-1, -2}, {2})));
  EXPECT_TRUE(a->is_constant());
  EXPECT_EQ(a->producer(), nullptr);
  EXPECT_EQ(a->type().ToString(), "float32[2]");
  ASSERT_TRUE(g.RemoveNode(neg).ok());  // its output slot holds a placeholder now
  EXPECT_EQ(g.Initializers().size(), 2u);
  EXPECT_EQ(g.outputs()[0], a);
}

}  // namespace
}  // namespace braid::graph
