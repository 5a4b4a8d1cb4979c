// Test helper: builds small graphs (with nested subgraphs and captures) and
// runs them on the CPU backend.
#ifndef BRAID_TESTS_BACKENDS_CPU_KERNELS_CONTROL_GRAPH_BUILDER_H_
#define BRAID_TESTS_BACKENDS_CPU_KERNELS_CONTROL_GRAPH_BUILDER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/cpu/cpu_executable.h"
#include "backends/cpu/kernel_registry.h"
#include "graph/graph.h"
#include "gtest/gtest.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {

// An OpTest for `op` at `opset` (avoids partial designated initializers).
inline OpTest MakeOp(std::string op, int opset, std::string domain = "") {
  OpTest t;
  t.op_type = std::move(op);
  t.opset = opset;
  t.domain = std::move(domain);
  return t;
}

inline graph::ValueType FloatType(Shape shape) {
  return graph::ValueType::Tensor(DataType::kFloat32, graph::ToSymbolic(shape));
}
inline graph::ValueType TypeOf(DataType t, Shape shape) { return graph::ValueType::Tensor(t, graph::ToSymbolic(shape)); }

// Thin wrapper over graph::Graph that aborts the test on construction errors.
class GraphBuilder {
 public:
  explicit GraphBuilder(std::string name, int opset = 17) : graph_(std::make_shared<graph::Graph>()), opset_(opset) {
    graph_->set_name(std::move(name));
    graph_->SetOpsetImport("", opset);
  }

  GraphBuilder& Input(const std::string& name, graph::ValueType type) {
    EXPECT_TRUE(graph_->AddInput(name, std::move(type)).ok()) << name;
    return *this;
  }
  GraphBuilder& Capture(const std::string& name, graph::ValueType type = {}) {
    EXPECT_TRUE(graph_->AddCapture(name, std::move(type)).ok()) << name;
    return *this;
  }
  GraphBuilder& Constant(const std::string& name, Tensor t) {
    EXPECT_TRUE(graph_->AddInitializer(name, std::make_shared<const Tensor>(std::move(t))).ok()) << name;
    return *this;
  }
  // Adds a node; `implicit` names outer values its subgraphs read.
  graph::Node* Node(const std::string& op, std::vector<std::string> inputs, std::vector<std::string> outputs,
                    std::map<std::string, graph::Attribute> attributes = {}, std::vector<std::string> implicit = {}) {
    graph::NodeSpec spec;
    spec.name = op + std::to_string(counter_++);
    spec.op_type = op;
    spec.opset = opset_;
    spec.inputs = std::move(inputs);
    spec.outputs = std::move(outputs);
    spec.attributes = std::move(attributes);
    absl::StatusOr<graph::Node*> node = graph_->AddNode(spec);
    EXPECT_TRUE(node.ok()) << node.status();
    if (!node.ok()) return nullptr;
    for (const std::string& name : implicit) graph_->AddImplicitInput(*node, graph_->FindValue(name));
    return *node;
  }
  GraphBuilder& Output(const std::string& name, graph::ValueType type = {}) {
    graph::Value* v = graph_->FindValue(name);
    EXPECT_NE(v, nullptr) << name;
    if (v != nullptr) {
      if (type.kind != graph::ValueType::Kind::kUnknown) v->set_type(std::move(type));
      EXPECT_TRUE(graph_->AddOutput(v).ok());
    }
    return *this;
  }

  std::shared_ptr<graph::Graph> Build() { return graph_; }
  graph::Attribute AsAttribute() { return graph::Attribute(graph_); }

 private:
  std::shared_ptr<graph::Graph> graph_;
  int opset_;
  int counter_ = 0;
};

// Compiles `g` and runs it once with `inputs` (graph inputs in order).
inline absl::StatusOr<std::vector<Value>> RunGraph(const graph::Graph& g, std::vector<Value> inputs, int threads = 2) {
  auto pool = std::make_shared<const ThreadPool>(threads);
  BRAID_ASSIGN_OR_RETURN(auto exe, CpuExecutable::Create(g, CpuKernelRegistry(), pool));
  std::vector<Value> outputs;
  BRAID_RETURN_IF_ERROR(exe->Run(inputs, outputs, RunContext{}));
  return outputs;
}

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

}  // namespace braid::backends::cpu::testing

#endif  // BRAID_TESTS_BACKENDS_CPU_KERNELS_CONTROL_GRAPH_BUILDER_H_
