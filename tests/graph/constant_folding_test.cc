// FoldConstants with the runtime's CPU node evaluator: folded graphs compute
// what the original graphs compute.
#include "graph/passes/constant_folding.h"

#include "backends/cpu/cpu_device.h"
#include "backends/cpu/kernel_registry.h"
#include "graph/clone.h"
#include "graph/validate.h"
#include "gtest/gtest.h"
#include "runtime/node_evaluator.h"
#include "tests/graph/graph_test_util.h"

namespace braid::graph {
namespace {

using testing::F32;
using testing::In;
using testing::Init;
using testing::InitFloats;
using testing::InitInts;
using testing::Op;

class ConstantFoldingTest : public ::testing::Test {
 protected:
  ConstantFoldingTest() : cpu_(backends::cpu::CpuKernelRegistry()) { options_.evaluate = runtime::MakeNodeEvaluator(cpu_); }

  int Fold(Graph& g) {
    absl::StatusOr<int> n = FoldConstants(g, options_);
    EXPECT_TRUE(n.ok()) << n.status();
    return n.value_or(-1);
  }

  backends::cpu::CpuDevice cpu_;
  ConstantFoldingOptions options_;
};

TEST_F(ConstantFoldingTest, FoldsConstantChainsAndMatchesTheOriginal) {
  Graph g;
  In(g, "x", F32({2, 3}));
  InitFloats(g, "a", testing::RandomFloats(6, 1), {2, 3});
  InitFloats(g, "b", testing::RandomFloats(3, 2), {3});
  InitInts(g, "shape", {3, 2});
  Op(g, "Add", {"a", "b"}, {"ab"});
  Op(g, "Exp", {"ab"}, {"e"});
  Op(g, "Reshape", {"e", "shape"}, {"r"});
  Op(g, "Transpose", {"r"}, {"t"});
  Op(g, "Mul", {"x", "t"}, {"y"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  std::unique_ptr<Graph> original = CloneGraph(g).value();

  EXPECT_EQ(Fold(g), 4);
  ASSERT_EQ(g.num_nodes(), 1);
  EXPECT_EQ(g.nodes()[0]->op_type(), "Mul");
  const Value* t = g.FindValue("t");
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->is_constant());
  EXPECT_EQ(t->type().ToString(), "float32[2,3]");
  EXPECT_TRUE(ValidateGraph(g).ok()) << ValidateGraph(g);

  Tensor x = testing::RandomTensor({2, 3}, 7);
  absl::StatusOr<std::vector<Tensor>> want = testing::RunOnCpu(*original, {x});
  absl::StatusOr<std::vector<Tensor>> got = testing::RunOnCpu(g, {x});
  ASSERT_TRUE(want.ok()) << want.status();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(testing::Near((*got)[0], (*want)[0]));
}

TEST_F(ConstantFoldingTest, FoldsShapeComputationsOfConstants) {
  Graph g;
  InitFloats(g, "w", std::vector<float>(12, 1.0f), {3, 4});
  Op(g, "Shape", {"w"}, {"s"});
  Op(g, "ConstantOfShape", {"s"}, {"zeros"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("zeros")).ok());
  EXPECT_EQ(Fold(g), 2);
  EXPECT_EQ(g.num_nodes(), 0);
  const Value* out = g.outputs()[0];
  EXPECT_EQ(out->name(), "zeros");  // a folded graph output keeps its name
  ASSERT_TRUE(out->is_constant());
  EXPECT_EQ(out->initializer()->shape(), (Shape{3, 4}));
  EXPECT_EQ(out->initializer()->data<float>()[11], 0.0f);
}

TEST_F(ConstantFoldingTest, LeavesRandomAndOversizedAndUnevaluableNodes) {
  Graph g;
  InitFloats(g, "small", {1.0f}, {1});
  InitInts(g, "huge_shape", {1024, 1024, 8});  // 32 MiB of float32
  Op(g, "RandomUniformLike", {"small"}, {"rand"});
  Op(g, "Expand", {"small", "huge_shape"}, {"big"});
  Op(g, "Mystery", {"small"}, {"custom"}, {}, 1, "com.example");
  InitInts(g, "bad_index", {5});
  Op(g, "Gather", {"small", "bad_index"}, {"fails"});  // the evaluator reports an error: kept
  Op(g, "Neg", {"small"}, {"neg"});
  for (const char* out : {"rand", "big", "custom", "fails", "neg"}) ASSERT_TRUE(g.AddOutput(g.FindValue(out)).ok());
  EXPECT_EQ(Fold(g), 1);  // only Neg
  EXPECT_EQ(g.num_nodes(), 4);
  EXPECT_TRUE(g.FindValue("neg")->is_constant());
  EXPECT_FALSE(g.FindValue("big")->is_constant());

  options_.max_output_bytes = int64_t{64} << 20;
  EXPECT_EQ(Fold(g), 1);  // a larger cap admits the Expand
  EXPECT_TRUE(g.FindValue("big")->is_constant());
}

TEST_F(ConstantFoldingTest, GraphInputsWithDefaultsAreNotConstants) {
  Graph g;
  Value* d = In(g, "d", F32({1}));
  g.SetInputDefault(d, std::make_shared<const Tensor>(Tensor::FromVector<float>({2.0f}, {1})));
  Op(g, "Neg", {"d"}, {"y"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  EXPECT_EQ(Fold(g), 0);
}

TEST_F(ConstantFoldingTest, FoldsInsideNestedGraphsCopyOnWrite) {
  auto body = std::make_shared<Graph>();
  body->set_name("body");
  ASSERT_TRUE(body->AddCapture("x", F32({2})).ok());
  ASSERT_TRUE(body->AddInitializer("k", std::make_shared<const Tensor>(Tensor::FromVector<float>({1, 2}, {2}))).ok());
  ASSERT_TRUE(body->AddNode({"k2", "Mul", "", 17, {"k", "k"}, {"kk"}, {}}).ok());
  ASSERT_TRUE(body->AddNode({"out", "Add", "", 17, {"x", "kk"}, {"t"}, {}}).ok());
  ASSERT_TRUE(body->AddOutput(body->FindValue("t")).ok());
  Graph g;
  In(g, "cond", testing::T(DataType::kBool, {}));
  In(g, "x", F32({2}));
  Node* if_node = Op(g, "If", {"cond"}, {"y"}, {{"then_branch", Attribute(body)}, {"else_branch", Attribute(body)}});
  g.AddImplicitInput(if_node, g.FindValue("x"));
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  std::unique_ptr<Graph> original = CloneGraph(g).value();

  EXPECT_EQ(Fold(g), 2);  // once per branch copy; the If itself stays
  EXPECT_EQ(body->num_nodes(), 2);
  EXPECT_EQ(if_node->GetGraph("then_branch").value()->num_nodes(), 1);

  Tensor cond = Tensor::Scalar<bool>(true);
  Tensor x = Tensor::FromVector<float>({10, 20}, {2});
  absl::StatusOr<std::vector<Tensor>> want = testing::RunOnCpu(*original, {cond, x});
  absl::StatusOr<std::vector<Tensor>> got = testing::RunOnCpu(g, {cond, x});
  ASSERT_TRUE(want.ok()) << want.status();
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(testing::Near((*got)[0], (*want)[0]));
  EXPECT_EQ((*got)[0].data<float>()[1], 24.0f);
}

TEST(NodeEvaluatorTest, EvaluatesOneNodeAndRejectsMissingTensors) {
  backends::cpu::CpuDevice cpu(backends::cpu::CpuKernelRegistry());
  NodeEvaluator eval = runtime::MakeNodeEvaluator(cpu);
  Graph g;
  InitFloats(g, "a", {1, 2, 3}, {3});
  Node* add = Op(g, "Add", {"a", "a"}, {"y"});
  Tensor a = Tensor::FromVector<float>({1, 2, 3}, {3});
  absl::StatusOr<std::vector<Tensor>> r = eval(*add, std::vector<Tensor>{a, a});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_TRUE(testing::Near((*r)[0], Tensor::FromVector<float>({2, 4, 6}, {3})));
  EXPECT_FALSE(eval(*add, std::vector<Tensor>{a}).ok());
  EXPECT_FALSE(eval(*add, std::vector<Tensor>{a, Tensor()}).ok());
}

}  // namespace
}  // namespace braid::graph
