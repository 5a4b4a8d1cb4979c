#include "tests/backends/cpu/op_test_util.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "backends/cpu/cpu_executable.h"
#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "graph/graph.h"

namespace braid::backends::cpu::testing {

absl::StatusOr<std::vector<Value>> OpTest::Run() const {
  graph::Graph g;
  g.set_name(absl::StrCat("test_", op_type));
  g.SetOpsetImport(domain, opset);
  graph::NodeSpec spec;
  spec.op_type = op_type;
  spec.domain = domain;
  spec.opset = opset;
  spec.attributes = attributes;
  std::vector<Value> fed;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].has_value()) {
      spec.inputs.push_back("");
      continue;
    }
    std::string name = absl::StrCat("in", i);
    const Value& v = *inputs[i];
    graph::ValueType type;
    if (v.is_tensor()) {
      type = graph::ValueType::Tensor(v.tensor().dtype(), graph::ToSymbolic(v.tensor().shape()));
    } else if (v.is_sequence()) {
      type = graph::ValueType::SequenceOf(graph::ValueType::Tensor(v.sequence_element_type()));
    }
    BRAID_RETURN_IF_ERROR(g.AddInput(name, type).status());
    spec.inputs.push_back(name);
    fed.push_back(v);
  }
  for (int i = 0; i < num_outputs; ++i) spec.outputs.push_back(absl::StrCat("out", i));
  BRAID_ASSIGN_OR_RETURN(graph::Node * node, g.AddNode(spec));
  for (graph::Value* out : node->outputs()) BRAID_RETURN_IF_ERROR(g.AddOutput(out));
  auto pool = std::make_shared<const ThreadPool>(threads);
  BRAID_ASSIGN_OR_RETURN(auto exe, CpuExecutable::Create(g, CpuKernelRegistry(), pool));
  std::vector<Value> outputs;
  BRAID_RETURN_IF_ERROR(exe->Run(fed, outputs, RunContext{}));
  return outputs;
}

::testing::AssertionResult TensorsNear(const Tensor& actual, const Tensor& expected, double rtol, double atol) {
  if (actual.dtype() != expected.dtype()) {
    return ::testing::AssertionFailure() << "dtype " << DataTypeName(actual.dtype()) << " != expected "
                                         << DataTypeName(expected.dtype());
  }
  if (actual.shape() != expected.shape()) {
    return ::testing::AssertionFailure() << "shape " << ShapeToString(actual.shape()) << " != expected "
                                         << ShapeToString(expected.shape());
  }
  std::string failure;
  absl::Status st = DispatchAll(actual.dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    const T* a = actual.data<T>();
    const T* e = expected.data<T>();
    for (int64_t i = 0; i < actual.num_elements(); ++i) {
      if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool> || std::is_integral_v<T>) {
        if (!(a[i] == e[i])) {
          failure = absl::StrCat("element ", i, " differs");
          return absl::OkStatus();
        }
      } else {
        double x = static_cast<double>(CastTo<float>(a[i]));
        double y = static_cast<double>(CastTo<float>(e[i]));
        if constexpr (std::is_same_v<T, double>) {
          x = a[i];
          y = e[i];
        }
        if ((std::isnan(x) && std::isnan(y)) || x == y) continue;  // x == y also matches equal infinities
        if (!(std::abs(x - y) <= atol + rtol * std::abs(y))) {
          failure = absl::StrCat("element ", i, ": ", x, " vs expected ", y);
          return absl::OkStatus();
        }
      }
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return ::testing::AssertionFailure() << st.message();
  if (!failure.empty()) return ::testing::AssertionFailure() << failure;
  return ::testing::AssertionSuccess();
}

}  // namespace braid::backends::cpu::testing
