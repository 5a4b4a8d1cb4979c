// ValidateGraph: structure, cycles, nested graphs and type mismatches.
#include "graph/validate.h"

#include "gtest/gtest.h"
#include "tests/graph/graph_test_util.h"

namespace braid::graph {
namespace {

using testing::F32;
using testing::I64;
using testing::In;
using testing::Op;

std::string Message(const absl::Status& st) { return std::string(st.message()); }

TEST(ValidateTest, AcceptsAWellFormedGraph) {
  Graph g;
  g.set_name("ok");
  In(g, "x", F32({"N", 4}));
  In(g, "w", F32({4, 2}));
  Node* mm = Op(g, "MatMul", {"x", "w"}, {"y"});
  mm->outputs()[0]->set_type(F32({"N", 2}));
  Op(g, "Relu", {"y"}, {"z"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("z")).ok());
  EXPECT_TRUE(ValidateGraph(g).ok()) << ValidateGraph(g);
}

TEST(ValidateTest, ReportsACycleNamingANodeOnIt) {
  Graph g;
  g.set_name("loop");
  In(g, "x", F32({2}));
  Node* a = Op(g, "Relu", {"x"}, {"a"});
  Op(g, "Neg", {"a"}, {"b"});
  g.SetNodeInput(a, 0, g.FindValue("b"));
  ASSERT_TRUE(g.AddOutput(g.FindValue("b")).ok());
  absl::Status st = ValidateGraph(g);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(Message(st).find("graph 'loop' has a cycle through node"), std::string::npos) << st;
}

TEST(ValidateTest, ReportsValuesFromElsewhereAndUnproducedOutputs) {
  Graph other;
  Value* foreign = In(other, "foreign", F32({2}));
  Graph g;
  g.set_name("main");
  In(g, "x", F32({2}));
  Node* add = Op(g, "Add", {"x", "x"}, {"y"});
  g.SetNodeInput(add, 1, foreign);
  ASSERT_TRUE(g.AddOutput(foreign).ok());
  absl::Status st = ValidateGraph(g);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(Message(st).find("reads value 'foreign' (input 1), which this graph does not define"), std::string::npos)
      << st;
  EXPECT_NE(Message(st).find("output 0 'foreign' is not a value of this graph"), std::string::npos) << st;
  EXPECT_NE(Message(st).find(add->name()), std::string::npos) << st;
}

TEST(ValidateTest, ReportsTypeMismatchesNamingNodeOpAndValues) {
  Graph g;
  In(g, "f", F32({2, 3}));
  In(g, "i", I64({2, 3}));
  In(g, "w", F32({4, 5}));
  NodeSpec add{"bad_add", "Add", "", 17, {"f", "i"}, {"s"}, {}};
  ASSERT_TRUE(g.AddNode(add).ok());
  NodeSpec mm{"bad_matmul", "MatMul", "", 17, {"f", "w"}, {"p"}, {}};
  ASSERT_TRUE(g.AddNode(mm).ok());
  ASSERT_TRUE(g.AddOutput(g.FindValue("s")).ok());
  ASSERT_TRUE(g.AddOutput(g.FindValue("p")).ok());
  absl::Status st = ValidateGraph(g);
  ASSERT_FALSE(st.ok());
  std::string m = Message(st);
  EXPECT_NE(m.find("node 'bad_add' (Add)"), std::string::npos) << m;
  EXPECT_NE(m.find("'f' (float32[2,3])"), std::string::npos) << m;
  EXPECT_NE(m.find("'i' (int64[2,3])"), std::string::npos) << m;
  EXPECT_NE(m.find("node 'bad_matmul' (MatMul): inner dimensions differ"), std::string::npos) << m;
  EXPECT_NE(m.find("(3 vs 4)"), std::string::npos) << m;

  ValidateOptions structural;
  structural.check_types = false;
  EXPECT_TRUE(ValidateGraph(g, structural).ok());
}

TEST(ValidateTest, ReportsDeclaredOutputTypesThatContradictInference) {
  Graph g;
  In(g, "x", F32({2, 3}));
  Node* relu = Op(g, "Relu", {"x"}, {"y"});
  relu->outputs()[0]->set_type(I64({2, 3}));
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  absl::Status st = ValidateGraph(g);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(Message(st).find("output 'y' is declared int64[2,3] but its inputs make it float32[2,3]"),
            std::string::npos)
      << st;
}

TEST(ValidateTest, ChecksNestedGraphsAndTheirCaptures) {
  auto then_g = std::make_shared<Graph>();
  then_g->set_name("then");
  ASSERT_TRUE(then_g->AddCapture("x", F32({2})).ok());
  In(*then_g, "j", I64({2}));  // not a real If input; only here to create a type error
  ASSERT_TRUE(then_g->AddNode({"inner_add", "Add", "", 17, {"x", "j"}, {"t"}, {}}).ok());
  ASSERT_TRUE(then_g->AddOutput(then_g->FindValue("t")).ok());
  auto else_g = std::make_shared<Graph>();
  else_g->set_name("else");
  ASSERT_TRUE(else_g->AddCapture("x", F32({2})).ok());
  ASSERT_TRUE(else_g->AddOutput(else_g->FindValue("x")).ok());

  Graph g;
  g.set_name("outer");
  In(g, "cond", testing::T(DataType::kBool, {}));
  In(g, "x", F32({2}));
  Node* if_node = Op(g, "If", {"cond"}, {"y"}, {{"then_branch", Attribute(then_g)}, {"else_branch", Attribute(else_g)}});
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());

  // The node does not pass x although both branches capture it.
  absl::Status missing = ValidateGraph(g);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(Message(missing).find("reads outer value 'x', which the node does not list as an implicit input"),
            std::string::npos)
      << missing;

  g.AddImplicitInput(if_node, g.FindValue("x"));
  absl::Status nested = ValidateGraph(g);
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(Message(nested).find("graph 'outer' > node '"), std::string::npos) << nested;
  EXPECT_NE(Message(nested).find("> graph 'then'"), std::string::npos) << nested;
  EXPECT_NE(Message(nested).find("node 'inner_add' (Add)"), std::string::npos) << nested;
}

TEST(ValidateTest, TopologicalOrderDoesNotModifyTheGraph) {
  Graph g;
  In(g, "x", F32({2}));
  Node* a = Op(g, "Relu", {"x"}, {"a"});
  Op(g, "Neg", {"x"}, {"b"});
  g.SetNodeInput(a, 0, g.FindValue("b"));
  absl::StatusOr<std::vector<const Node*>> order = TopologicalOrder(g);
  ASSERT_TRUE(order.ok());
  EXPECT_EQ((*order)[0]->op_type(), "Neg");
  EXPECT_EQ(g.nodes()[0]->op_type(), "Relu");  // unchanged
}

}  // namespace
}  // namespace braid::graph
