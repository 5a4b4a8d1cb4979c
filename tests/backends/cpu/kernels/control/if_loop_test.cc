#include <string>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/control/graph_builder.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

using graph::Attribute;

Value F(std::vector<float> v, Shape s) { return Value(Tensor::FromVector<float>(v, std::move(s))); }
Value B(bool b) { return Value(Tensor::Scalar<bool>(b)); }
Value I64(int64_t v) { return Value(Tensor::Scalar<int64_t>(v)); }

// If whose branches read outer values a and b (listed on the node in the
// opposite order to the branch's captures).
std::shared_ptr<graph::Graph> IfWithCaptures() {
  GraphBuilder then_b("then");
  then_b.Capture("a").Capture("b").Node("Add", {"a", "b"}, {"sum"});
  then_b.Output("sum");
  GraphBuilder else_b("else");
  else_b.Capture("b").Capture("a").Node("Sub", {"a", "b"}, {"diff"});
  else_b.Output("diff");
  GraphBuilder outer("main");
  outer.Input("cond", TypeOf(DataType::kBool, {})).Input("a", FloatType({2})).Input("b", FloatType({2}));
  outer.Node("If", {"cond"}, {"y"},
             {{"then_branch", then_b.AsAttribute()}, {"else_branch", else_b.AsAttribute()}}, {"b", "a"});
  outer.Output("y");
  return outer.Build();
}

TEST(IfKernel, RunsTheSelectedBranchWithCaptures) {
  auto g = IfWithCaptures();
  auto yes = RunGraph(*g, {B(true), F({1, 2}, {2}), F({10, 20}, {2})});
  ASSERT_TRUE(yes.ok()) << yes.status();
  EXPECT_TRUE(TensorsNear((*yes)[0].tensor(), Tensor::FromVector<float>({11, 22}, {2})));
  auto no = RunGraph(*g, {B(false), F({1, 2}, {2}), F({10, 20}, {2})});
  ASSERT_TRUE(no.ok()) << no.status();
  EXPECT_TRUE(TensorsNear((*no)[0].tensor(), Tensor::FromVector<float>({-9, -18}, {2})));
}

TEST(IfKernel, RejectsConditionWithSeveralElements) {
  auto g = IfWithCaptures();
  graph::Value* cond = g->FindValue("cond");
  cond->set_type(TypeOf(DataType::kBool, {2}));
  Value two(Tensor::FromVector<bool>({true, false}, {2}));
  auto out = RunGraph(*g, {two, F({1, 2}, {2}), F({10, 20}, {2})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("cond must have one element"), std::string::npos) << out.status();
}

TEST(IfKernel, BranchesMayYieldSequencesOfDifferentLengths) {
  GraphBuilder then_b("then");
  then_b.Capture("a").Node("SequenceConstruct", {"a", "a"}, {"s"});
  then_b.Output("s");
  GraphBuilder else_b("else");
  else_b.Node("SequenceEmpty", {}, {"s"});
  else_b.Output("s");
  GraphBuilder outer("main");
  outer.Input("cond", TypeOf(DataType::kBool, {})).Input("a", FloatType({2}));
  outer.Node("If", {"cond"}, {"y"}, {{"then_branch", then_b.AsAttribute()}, {"else_branch", else_b.AsAttribute()}},
             {"a"});
  outer.Output("y");
  auto g = outer.Build();
  auto yes = RunGraph(*g, {B(true), F({1, 2}, {2})});
  ASSERT_TRUE(yes.ok()) << yes.status();
  ASSERT_TRUE((*yes)[0].is_sequence());
  EXPECT_EQ((*yes)[0].sequence().size(), 2u);
  auto no = RunGraph(*g, {B(false), F({1, 2}, {2})});
  ASSERT_TRUE(no.ok()) << no.status();
  ASSERT_TRUE((*no)[0].is_sequence());
  EXPECT_TRUE((*no)[0].sequence().empty());
  EXPECT_EQ((*no)[0].sequence_element_type(), DataType::kFloat32);
}

// Loop body: v_out = v_in + x (x read from two scopes out), cond passthrough.
TEST(LoopKernel, LoopInsideIfReadsValuesThroughBothScopes) {
  GraphBuilder body("body");
  body.Input("i", TypeOf(DataType::kInt64, {})).Input("c", TypeOf(DataType::kBool, {})).Input("v", FloatType({2}));
  body.Capture("x");
  body.Node("Add", {"v", "x"}, {"v_out"});
  body.Node("Identity", {"c"}, {"c_out"});
  body.Output("c_out").Output("v_out");
  GraphBuilder then_b("then");
  then_b.Capture("n").Capture("x");
  then_b.Node("Loop", {"n", "", "x"}, {"y"}, {{"body", body.AsAttribute()}}, {"x"});
  then_b.Output("y");
  GraphBuilder else_b("else");
  else_b.Capture("x").Node("Identity", {"x"}, {"y"});
  else_b.Output("y");
  GraphBuilder outer("main");
  outer.Input("cond", TypeOf(DataType::kBool, {})).Input("n", TypeOf(DataType::kInt64, {})).Input("x", FloatType({2}));
  outer.Node("If", {"cond"}, {"y"}, {{"then_branch", then_b.AsAttribute()}, {"else_branch", else_b.AsAttribute()}},
             {"x", "n"});
  outer.Output("y");
  auto g = outer.Build();
  auto looped = RunGraph(*g, {B(true), I64(3), F({1, -2}, {2})});
  ASSERT_TRUE(looped.ok()) << looped.status();
  EXPECT_TRUE(TensorsNear((*looped)[0].tensor(), Tensor::FromVector<float>({4, -8}, {2})));
  auto plain = RunGraph(*g, {B(false), I64(3), F({1, -2}, {2})});
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_TRUE(TensorsNear((*plain)[0].tensor(), Tensor::FromVector<float>({1, -2}, {2})));
}

// Counts v up by one until v >= 3 (cond computed by the body), with M = 10.
std::shared_ptr<graph::Graph> CountingLoop(bool with_cond_input) {
  GraphBuilder body("body");
  body.Input("i", TypeOf(DataType::kInt64, {})).Input("c", TypeOf(DataType::kBool, {})).Input("v", FloatType({1}));
  body.Constant("one", Tensor::FromVector<float>({1}, {1})).Constant("three", Tensor::FromVector<float>({3}, {1}));
  body.Node("Add", {"v", "one"}, {"v_out"});
  body.Node("Less", {"v_out", "three"}, {"c_out"});
  body.Node("Identity", {"v_out"}, {"scan_v"});
  body.Node("Identity", {"i"}, {"scan_i"});
  body.Output("c_out").Output("v_out").Output("scan_v", FloatType({1})).Output("scan_i", TypeOf(DataType::kInt64, {}));
  GraphBuilder outer("main");
  outer.Input("m", TypeOf(DataType::kInt64, {})).Input("cond", TypeOf(DataType::kBool, {})).Input("v0", FloatType({1}));
  outer.Node("Loop", {"m", with_cond_input ? "cond" : "", "v0"}, {"v", "vs", "is"}, {{"body", body.AsAttribute()}});
  outer.Output("v").Output("vs").Output("is");
  return outer.Build();
}

TEST(LoopKernel, StopsWhenTheBodyConditionTurnsFalseAndStacksScanOutputs) {
  auto g = CountingLoop(true);
  auto out = RunGraph(*g, {I64(10), B(true), F({0}, {1})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({3}, {1})));
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<float>({1, 2, 3}, {3, 1})));
  EXPECT_TRUE(TensorsNear((*out)[2].tensor(), Tensor::FromVector<int64_t>({0, 1, 2}, {3})));
}

TEST(LoopKernel, FalseInitialConditionRunsNoIterations) {
  auto g = CountingLoop(true);
  auto out = RunGraph(*g, {I64(10), B(false), F({7}, {1})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({7}, {1})));
  // Scan outputs of an empty loop: zero iterations of the body's static shape.
  EXPECT_EQ((*out)[1].tensor().shape(), (Shape{0, 1}));
  EXPECT_EQ((*out)[1].tensor().dtype(), DataType::kFloat32);
  EXPECT_EQ((*out)[2].tensor().shape(), (Shape{0}));
  EXPECT_EQ((*out)[2].tensor().dtype(), DataType::kInt64);
}

TEST(LoopKernel, TripCountWithoutCondInputIgnoresTheBodyCondition) {
  auto g = CountingLoop(false);
  auto out = RunGraph(*g, {I64(5), B(true), F({0}, {1})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({5}, {1})));
  EXPECT_TRUE(TensorsNear((*out)[2].tensor(), Tensor::FromVector<int64_t>({0, 1, 2, 3, 4}, {5})));
}

TEST(LoopKernel, WhileLoopWithoutTripCount) {
  GraphBuilder body("body");
  body.Input("i", TypeOf(DataType::kInt64, {})).Input("c", TypeOf(DataType::kBool, {})).Input("v", FloatType({1}));
  body.Constant("one", Tensor::FromVector<float>({1}, {1})).Constant("limit", Tensor::FromVector<float>({4}, {1}));
  body.Node("Add", {"v", "one"}, {"v_out"});
  body.Node("Less", {"v_out", "limit"}, {"c_out"});
  body.Output("c_out").Output("v_out");
  GraphBuilder outer("main");
  outer.Input("v0", FloatType({1}));
  outer.Node("Loop", {"", "", "v0"}, {"v"}, {{"body", body.AsAttribute()}});
  outer.Output("v");
  auto out = RunGraph(*outer.Build(), {F({0}, {1})});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({4}, {1})));
}

// Loop-carried sequence: appends the iteration number each time.
TEST(LoopKernel, CarriesSequences) {
  GraphBuilder body("body");
  body.Input("i", TypeOf(DataType::kInt64, {})).Input("c", TypeOf(DataType::kBool, {}));
  body.Input("s", graph::ValueType::SequenceOf(TypeOf(DataType::kInt64, {})));
  body.Node("SequenceInsert", {"s", "i"}, {"s_out"});
  body.Node("Identity", {"c"}, {"c_out"});
  body.Output("c_out").Output("s_out");
  GraphBuilder outer("main");
  outer.Input("m", TypeOf(DataType::kInt64, {}));
  outer.Node("SequenceEmpty", {}, {"s0"}, {{"dtype", Attribute(int64_t{7})}});
  outer.Node("Loop", {"m", "", "s0"}, {"s"}, {{"body", body.AsAttribute()}});
  outer.Node("ConcatFromSequence", {"s"}, {"all"}, {{"axis", Attribute(int64_t{0})}, {"new_axis", Attribute(int64_t{1})}});
  outer.Output("s").Output("all");
  auto out = RunGraph(*outer.Build(), {I64(4)});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE((*out)[0].is_sequence());
  EXPECT_EQ((*out)[0].sequence().size(), 4u);
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<int64_t>({0, 1, 2, 3}, {4})));
}

TEST(LoopKernel, ScanOutputThatChangesShapeIsAnError) {
  GraphBuilder body("body");
  body.Input("i", TypeOf(DataType::kInt64, {})).Input("c", TypeOf(DataType::kBool, {}));
  body.Input("s", graph::ValueType::SequenceOf(TypeOf(DataType::kInt64, {})));
  body.Node("SequenceInsert", {"s", "i"}, {"s_out"});
  body.Node("ConcatFromSequence", {"s_out"}, {"grown"}, {{"axis", Attribute(int64_t{0})}, {"new_axis", Attribute(int64_t{1})}});
  body.Node("Identity", {"c"}, {"c_out"});
  body.Output("c_out").Output("s_out").Output("grown");
  GraphBuilder outer("main");
  outer.Input("m", TypeOf(DataType::kInt64, {}));
  outer.Node("SequenceEmpty", {}, {"s0"}, {{"dtype", Attribute(int64_t{7})}});
  outer.Node("Loop", {"m", "", "s0"}, {"s", "scan"}, {{"body", body.AsAttribute()}});
  outer.Output("s").Output("scan");
  auto out = RunGraph(*outer.Build(), {I64(3)});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("scan output 0 changed"), std::string::npos) << out.status();
}

TEST(LoopKernel, BodyWithWrongInputCountIsRejectedAtCompile) {
  GraphBuilder body("body");
  body.Input("i", TypeOf(DataType::kInt64, {})).Input("c", TypeOf(DataType::kBool, {}));
  body.Node("Identity", {"c"}, {"c_out"});
  body.Output("c_out");
  GraphBuilder outer("main");
  outer.Input("m", TypeOf(DataType::kInt64, {})).Input("v0", FloatType({1}));
  outer.Node("Loop", {"m", "", "v0"}, {"v"}, {{"body", body.AsAttribute()}});
  outer.Output("v");
  auto out = RunGraph(*outer.Build(), {I64(1), F({0}, {1})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("body takes 2 inputs, expected 2 + 1"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace braid::backends::cpu::testing
