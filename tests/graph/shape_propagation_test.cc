// PropagateShapes: fills and refines types, never loses information.
#include "graph/passes/shape_propagation.h"

#include "gtest/gtest.h"
#include "tests/graph/graph_test_util.h"

namespace braid::graph {
namespace {

using testing::F32;
using testing::In;
using testing::InitInts;
using testing::Op;

TEST(ShapePropagationTest, FillsUnknownTypesAlongAChain) {
  Graph g;
  In(g, "x", F32({"N", 3, 4}));
  InitInts(g, "perm_shape", {0, 12});
  Op(g, "Relu", {"x"}, {"r"});
  Op(g, "Reshape", {"r", "perm_shape"}, {"flat"});
  Op(g, "Sigmoid", {"flat"}, {"y"});
  absl::StatusOr<int> changed = PropagateShapes(g);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_EQ(*changed, 3);
  EXPECT_EQ(g.FindValue("y")->type().ToString(), "float32[N,12]");
  absl::StatusOr<int> again = PropagateShapes(g);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);  // a fixed point
}

TEST(ShapePropagationTest, RefinesButNeverOverwritesKnownTypes) {
  Graph g;
  In(g, "x", F32({2, 3}));
  Node* relu = Op(g, "Relu", {"x"}, {"refine"});
  relu->outputs()[0]->set_type(F32({"batch", "?"}));
  Node* neg = Op(g, "Neg", {"x"}, {"conflict"});
  neg->outputs()[0]->set_type(F32({5, 3}));  // contradicts inference: left alone
  ASSERT_TRUE(PropagateShapes(g).ok());
  EXPECT_EQ(g.FindValue("refine")->type().ToString(), "float32[2,3]");
  EXPECT_EQ(g.FindValue("conflict")->type().ToString(), "float32[5,3]");
}

TEST(ShapePropagationTest, UnknownOpsKeepImportedTypesAndBlockNothingElse) {
  Graph g;
  In(g, "x", F32({2}));
  Node* custom = Op(g, "Mystery", {"x"}, {"m"}, {}, 1, "com.example");
  custom->outputs()[0]->set_type(F32({7}));
  Node* unknown = Op(g, "Mystery2", {"x"}, {"u"}, {}, 1, "com.example");
  Op(g, "Relu", {"m"}, {"after"});
  Op(g, "Relu", {"u"}, {"after_unknown"});
  ASSERT_TRUE(PropagateShapes(g).ok());
  EXPECT_EQ(g.FindValue("m")->type().ToString(), "float32[7]");
  EXPECT_EQ(g.FindValue("after")->type().ToString(), "float32[7]");
  EXPECT_EQ(unknown->outputs()[0]->type().kind, ValueType::Kind::kUnknown);
  EXPECT_EQ(g.FindValue("after_unknown")->type().kind, ValueType::Kind::kUnknown);
}

TEST(ShapePropagationTest, NestedGraphsAreRefinedCopyOnWrite) {
  auto branch = std::make_shared<Graph>();
  branch->set_name("branch");
  ASSERT_TRUE(branch->AddCapture("x", F32({4})).ok());
  ASSERT_TRUE(branch->AddNode({"inner", "Relu", "", 17, {"x"}, {"t"}, {}}).ok());
  ASSERT_TRUE(branch->AddOutput(branch->FindValue("t")).ok());

  Graph g;
  In(g, "cond", testing::T(DataType::kBool, {}));
  In(g, "x", F32({4}));
  Node* if_node = Op(g, "If", {"cond"}, {"y"}, {{"then_branch", Attribute(branch)}, {"else_branch", Attribute(branch)}});
  g.AddImplicitInput(if_node, g.FindValue("x"));
  ASSERT_TRUE(PropagateShapes(g).ok());

  EXPECT_EQ(branch->FindValue("t")->type().kind, ValueType::Kind::kUnknown);  // the shared original is untouched
  std::shared_ptr<Graph> refined = if_node->GetGraph("then_branch").value();
  EXPECT_NE(refined.get(), branch.get());
  EXPECT_EQ(refined->FindValue("t")->type().ToString(), "float32[4]");
  EXPECT_EQ(g.FindValue("y")->type().ToString(), "float32[4]");  // If takes its branches' type
}

TEST(ShapePropagationTest, LeavesTheGraphSorted) {
  Graph g;
  In(g, "x", F32({2}));
  Node* a = Op(g, "Relu", {"x"}, {"a"});
  Op(g, "Neg", {"x"}, {"b"});
  g.SetNodeInput(a, 0, g.FindValue("b"));
  ASSERT_TRUE(PropagateShapes(g).ok());
  EXPECT_EQ(g.nodes()[0]->op_type(), "Neg");
  EXPECT_EQ(g.FindValue("a")->type().ToString(), "float32[2]");
}

}  // namespace
}  // namespace braid::graph
