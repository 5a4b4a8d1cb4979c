#include "graph/onnx/importer.h"

#include "gtest/gtest.h"
#include "tests/testing/onnx_model_builder.h"

namespace braid::graph::onnx_import {
namespace {

using braid::testing::AttrGraph;
using braid::testing::AttrInt;
using braid::testing::OnnxModelBuilder;
using braid::testing::ValueInfo;

::testing::AssertionResult FailsWith(const absl::StatusOr<ImportedModel>& result, const std::string& needle) {
  if (result.ok()) return ::testing::AssertionFailure() << "import succeeded";
  std::string msg(result.status().message());
  if (msg.find(needle) == std::string::npos) return ::testing::AssertionFailure() << "message: " << msg;
  return ::testing::AssertionSuccess();
}

OnnxModelBuilder AddRelu() {
  OnnxModelBuilder b;
  b.Input("x", DataType::kFloat32, {-1, 4})
      .Initializer("w", Tensor::FromVector<float>({1, 2, 3, 4}, {4}))
      .Node("Add", {"x", "w"}, {"s"})
      .Node("Relu", {"s"}, {"y"})
      .Output("y", DataType::kFloat32, {-1, 4});
  return b;
}

TEST(Importer, ImportsNodesInitializersAndTypes) {
  auto m = ImportModelBytes(AddRelu().Serialize(), std::nullopt);
  ASSERT_TRUE(m.ok()) << m.status();
  const Graph& g = *m->graph;
  EXPECT_EQ(g.num_nodes(), 2);
  EXPECT_EQ(g.nodes()[0]->op_type(), "Add");
  EXPECT_EQ(g.nodes()[0]->opset(), 17);
  ASSERT_NE(g.FindValue("w"), nullptr);
  EXPECT_TRUE(g.FindValue("w")->is_constant());
  // ONNX shape inference types the intermediate value, keeping the symbol.
  EXPECT_EQ(g.FindValue("s")->type().ToString(), "float32[N,4]");
  EXPECT_EQ(m->metadata.producer_name, "braid-tests");
}

TEST(Importer, ConstantNodesBecomeInitializers) {
  OnnxModelBuilder b;
  b.Input("x", DataType::kInt64, {2})
      .Node("Constant", {}, {"c"}, {braid::testing::AttrTensor("value", Tensor::FromVector<int64_t>({5, 6}, {2}))})
      .Node("Add", {"x", "c"}, {"y"})
      .Output("y", DataType::kInt64, {2});
  auto m = ImportModelBytes(b.Serialize(), std::nullopt);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->graph->num_nodes(), 1);
  ASSERT_TRUE(m->graph->FindValue("c")->is_constant());
  EXPECT_EQ(m->graph->FindValue("c")->initializer()->data<int64_t>()[1], 6);
}

TEST(Importer, SubgraphReadsOfOuterValuesBecomeCaptures) {
  onnx::GraphProto then_branch;
  then_branch.set_name("then");
  auto* n = then_branch.add_node();
  n->set_op_type("Neg");
  n->add_input("x");  // outer-scope value
  n->add_output("t");
  *then_branch.add_output() = ValueInfo("t", DataType::kFloat32, {3});
  onnx::GraphProto else_branch = then_branch;
  else_branch.set_name("else");
  else_branch.mutable_node(0)->set_op_type("Abs");
  OnnxModelBuilder b;
  b.Input("cond", DataType::kBool, {})
      .Input("x", DataType::kFloat32, {3})
      .Node("If", {"cond"}, {"y"}, {AttrGraph("then_branch", then_branch), AttrGraph("else_branch", else_branch)})
      .Output("y", DataType::kFloat32, {3});
  auto m = ImportModelBytes(b.Serialize(), std::nullopt);
  ASSERT_TRUE(m.ok()) << m.status();
  const Node* node = m->graph->nodes()[0];
  ASSERT_EQ(node->implicit_inputs().size(), 1u);
  EXPECT_EQ(node->implicit_inputs()[0]->name(), "x");
  auto then_graph = node->GetGraph("then_branch");
  ASSERT_TRUE(then_graph.ok());
  ASSERT_EQ((*then_graph)->captures().size(), 1u);
  EXPECT_EQ((*then_graph)->captures()[0]->name(), "x");
}

TEST(Importer, UnsortedNodesAreOrdered) {
  OnnxModelBuilder b;
  b.Input("x", DataType::kFloat32, {2})
      .Node("Relu", {"a"}, {"y"})
      .Node("Neg", {"x"}, {"a"})
      .Output("y", DataType::kFloat32, {2});
  auto m = ImportModelBytes(b.Serialize(), std::nullopt);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->graph->nodes()[0]->op_type(), "Neg");
  EXPECT_EQ(m->graph->nodes()[1]->op_type(), "Relu");
}

TEST(Importer, UnusedCustomDomainsAreAccepted) {
  OnnxModelBuilder b = AddRelu();
  b.Opset("com.example.unused", 3);
  auto m = ImportModelBytes(b.Serialize(), std::nullopt);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->graph->OpsetFor("com.example.unused"), 3);
}

TEST(Importer, ModelLocalFunctionsAreInlined) {
  OnnxModelBuilder b;
  b.Opset("com.example", 1);
  onnx::FunctionProto* f = b.proto().add_functions();
  f->set_name("AddTwice");
  f->set_domain("com.example");
  f->add_input("a");
  f->add_output("b");
  auto* op = f->add_opset_import();
  op->set_domain("");
  op->set_version(17);
  auto* n1 = f->add_node();
  n1->set_op_type("Add");
  n1->add_input("a");
  n1->add_input("a");
  n1->add_output("tmp");
  auto* n2 = f->add_node();
  n2->set_op_type("Add");
  n2->add_input("tmp");
  n2->add_input("a");
  n2->add_output("b");
  b.Input("x", DataType::kFloat32, {2}).Node("AddTwice", {"x"}, {"y"}, {}, "com.example").Output("y", DataType::kFloat32, {2});
  auto m = ImportModelBytes(b.Serialize(), std::nullopt);
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->graph->num_nodes(), 2);
  EXPECT_EQ(m->graph->nodes()[0]->op_type(), "Add");
  EXPECT_EQ(m->graph->nodes()[1]->outputs()[0]->name(), "y");
}

TEST(ImporterBadInput, GarbageBytes) {
  EXPECT_TRUE(FailsWith(ImportModelBytes("this is not a protobuf \xff\xff\xff", std::nullopt), "not a valid ONNX model"));
}

TEST(ImporterBadInput, EmptyFile) {
  EXPECT_TRUE(FailsWith(ImportModelBytes("", std::nullopt), "no graph"));
}

TEST(ImporterBadInput, TruncatedModel) {
  std::string bytes = AddRelu().Serialize();
  EXPECT_TRUE(FailsWith(ImportModelBytes(bytes.substr(0, bytes.size() / 2), std::nullopt), "not a valid ONNX model"));
}

TEST(ImporterBadInput, CyclicGraphNamesANode) {
  OnnxModelBuilder b;
  b.Input("x", DataType::kFloat32, {2})
      .Node("Add", {"x", "b"}, {"a"})
      .Node("Relu", {"a"}, {"b"})
      .Output("b", DataType::kFloat32, {2});
  EXPECT_TRUE(FailsWith(ImportModelBytes(b.Serialize(), std::nullopt), "cycle through node"));
}

TEST(ImporterBadInput, MissingInitializerIsNamed) {
  OnnxModelBuilder b;
  b.Input("x", DataType::kFloat32, {2}).Node("Add", {"x", "weights"}, {"y"}).Output("y", DataType::kFloat32, {2});
  EXPECT_TRUE(FailsWith(ImportModelBytes(b.Serialize(), std::nullopt), "reads value 'weights'"));
}

TEST(ImporterBadInput, OutputNobodyProduces) {
  OnnxModelBuilder b;
  b.Input("x", DataType::kFloat32, {2}).Node("Relu", {"x"}, {"y"}).Output("z", DataType::kFloat32, {2});
  EXPECT_TRUE(FailsWith(ImportModelBytes(b.Serialize(), std::nullopt), "output 'z' is not produced"));
}

TEST(ImporterBadInput, ValueDefinedTwice) {
  OnnxModelBuilder b;
  b.Input("x", DataType::kFloat32, {2})
      .Node("Relu", {"x"}, {"y"})
      .Node("Neg", {"x"}, {"y"})
      .Output("y", DataType::kFloat32, {2});
  EXPECT_TRUE(FailsWith(ImportModelBytes(b.Serialize(), std::nullopt), "redefines value 'y'"));
}

TEST(ImporterBadInput, AbsurdDeclaredSizeWithoutDataFailsBeforeAllocating) {
  OnnxModelBuilder b = AddRelu();
  onnx::TensorProto* t = b.graph().add_initializer();
  t->set_name("huge");
  t->set_data_type(1);
  t->add_dims(1000000);
  t->add_dims(1000000);
  t->set_raw_data(std::string(16, '\0'));
  EXPECT_TRUE(FailsWith(ImportModelBytes(b.Serialize(), std::nullopt), "tensor 'huge': 16 bytes of raw_data"));
}

TEST(ImporterBadInput, AbsurdSizeWithTypedFieldsIsRefused) {
  OnnxModelBuilder b = AddRelu();
  onnx::TensorProto* t = b.graph().add_initializer();
  t->set_name("huge");
  t->set_data_type(1);
  t->add_dims(int64_t{1} << 40);
  t->add_dims(int64_t{1} << 20);
  EXPECT_TRUE(FailsWith(ImportModelBytes(b.Serialize(), std::nullopt), "huge"));
}

TEST(ImporterBadInput, NegativeDimension) {
  OnnxModelBuilder b = AddRelu();
  onnx::TensorProto* t = b.graph().add_initializer();
  t->set_name("neg");
  t->set_data_type(1);
  t->add_dims(-3);
  EXPECT_TRUE(FailsWith(ImportModelBytes(b.Serialize(), std::nullopt), "negative dimension"));
}

TEST(ImporterBadInput, UnknownElementType) {
  OnnxModelBuilder b = AddRelu();
  onnx::TensorProto* t = b.graph().add_initializer();
  t->set_name("odd");
  t->set_data_type(99);
  EXPECT_TRUE(FailsWith(ImportModelBytes(b.Serialize(), std::nullopt), "unknown data type 99"));
}

TEST(ImporterBadInput, ExternalDataWithoutModelFolderIsRefused) {
  OnnxModelBuilder b = AddRelu();
  onnx::TensorProto* t = b.graph().add_initializer();
  t->set_name("ext");
  t->set_data_type(1);
  t->add_dims(4);
  t->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* kv = t->add_external_data();
  kv->set_key("location");
  kv->set_value("weights.bin");
  EXPECT_TRUE(FailsWith(ImportModelBytes(b.Serialize(), std::nullopt), "needs the model's folder"));
}

}  // namespace
}  // namespace braid::graph::onnx_import
