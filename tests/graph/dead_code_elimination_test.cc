// EliminateDeadCode.
#include "graph/passes/dead_code_elimination.h"

#include "gtest/gtest.h"
#include "tests/graph/graph_test_util.h"

namespace braid::graph {
namespace {

using testing::F32;
using testing::In;
using testing::InitFloats;
using testing::Op;

TEST(DeadCodeEliminationTest, RemovesUnusedChainsAndInitializersKeepsInputsAndOutputs) {
  Graph g;
  In(g, "x", F32({2}));
  In(g, "unused_input", F32({2}));
  InitFloats(g, "w_live", {1, 2}, {2});
  InitFloats(g, "w_dead", {3, 4}, {2});
  InitFloats(g, "w_orphan", {5, 6}, {2});
  Op(g, "Add", {"x", "w_live"}, {"live"});
  Op(g, "Mul", {"x", "w_dead"}, {"dead1"});
  Op(g, "Relu", {"dead1"}, {"dead2"});
  Op(g, "TopK", {"live", "w_live"}, {"vals", "idx"});  // half-used node stays whole
  Op(g, "Neg", {"vals"}, {"y"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  ASSERT_TRUE(g.AddOutput(g.FindValue("live")).ok());

  absl::StatusOr<DeadCodeStats> stats = EliminateDeadCode(g);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->nodes, 2);
  EXPECT_EQ(stats->initializers, 2);
  EXPECT_EQ(g.num_nodes(), 3);
  EXPECT_EQ(g.FindValue("dead2"), nullptr);
  EXPECT_EQ(g.FindValue("w_dead"), nullptr);
  EXPECT_EQ(g.FindValue("w_orphan"), nullptr);
  EXPECT_NE(g.FindValue("w_live"), nullptr);
  ASSERT_EQ(g.inputs().size(), 2u);  // unused graph inputs stay
  ASSERT_EQ(g.outputs().size(), 2u);
  EXPECT_EQ(g.outputs()[0]->name(), "y");
  EXPECT_EQ(g.outputs()[1]->name(), "live");
  EXPECT_NE(g.FindValue("idx"), nullptr);

  absl::StatusOr<DeadCodeStats> again = EliminateDeadCode(g);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->nodes + again->initializers, 0);
}

TEST(DeadCodeEliminationTest, CleansNestedGraphsCopyOnWrite) {
  auto body = std::make_shared<Graph>();
  ASSERT_TRUE(body->AddCapture("x", F32({2})).ok());
  ASSERT_TRUE(body->AddNode({"used", "Relu", "", 17, {"x"}, {"t"}, {}}).ok());
  ASSERT_TRUE(body->AddNode({"unused", "Neg", "", 17, {"x"}, {"u"}, {}}).ok());
  ASSERT_TRUE(body->AddOutput(body->FindValue("t")).ok());

  Graph g;
  In(g, "cond", testing::T(DataType::kBool, {}));
  In(g, "x", F32({2}));
  Node* if_node = Op(g, "If", {"cond"}, {"y"}, {{"then_branch", Attribute(body)}, {"else_branch", Attribute(body)}});
  g.AddImplicitInput(if_node, g.FindValue("x"));
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  absl::StatusOr<DeadCodeStats> stats = EliminateDeadCode(g);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->nested, 2);  // one node in each branch copy
  EXPECT_EQ(body->num_nodes(), 2);
  EXPECT_EQ(if_node->GetGraph("then_branch").value()->num_nodes(), 1);
  EXPECT_EQ(if_node->GetGraph("else_branch").value()->num_nodes(), 1);
}

}  // namespace
}  // namespace braid::graph
