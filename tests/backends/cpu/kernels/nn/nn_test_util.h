// Helpers for the nn kernel tests: random tensors and attribute shorthands.
#ifndef BRAID_TESTS_BACKENDS_CPU_KERNELS_NN_NN_TEST_UTIL_H_
#define BRAID_TESTS_BACKENDS_CPU_KERNELS_NN_NN_TEST_UTIL_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <algorithm>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "backends/cpu/cpu_executable.h"
#include "backends/cpu/kernel_registry.h"
#include "graph/graph.h"
#include "braid/tensor.h"
#include "braid/value.h"
#include "graph/attribute.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {

inline std::vector<float> RandomFloats(int64_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

inline int64_t NumElements(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

inline Tensor RandomTensor(const Shape& s, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  return Tensor::FromVector<float>(RandomFloats(NumElements(s), seed, lo, hi), s);
}

// An OpTest for `op` (plain assignments rather than designated
// initializers keep -Wextra quiet).
inline OpTest MakeOp(std::string op, int opset = 17, std::string domain = "", int num_outputs = 1) {
  OpTest t;
  t.op_type = std::move(op);
  t.opset = opset;
  t.domain = std::move(domain);
  t.num_outputs = num_outputs;
  return t;
}

inline graph::Attribute Ints(std::vector<int64_t> v) { return graph::Attribute(std::move(v)); }
inline graph::Attribute Floats(std::vector<float> v) { return graph::Attribute(std::move(v)); }
inline graph::Attribute Int(int64_t v) { return graph::Attribute(v); }
inline graph::Attribute Float(float v) { return graph::Attribute(v); }
inline graph::Attribute Str(std::string v) { return graph::Attribute(std::move(v)); }

// Converts a float tensor to another floating type (double, Float16).
template <typename T>
Tensor ConvertFloat(const Tensor& t) {
  std::vector<T> v(t.num_elements());
  for (int64_t i = 0; i < t.num_elements(); ++i) v[i] = static_cast<T>(t.data<float>()[i]);
  return Tensor::FromVector<T>(v, t.shape());
}

// Runs `t` with the inputs whose index is in `constant` turned into graph
// initializers (so kernels see them via KernelInit::constant_input and may
// pre-pack them), the rest fed as graph inputs.
inline absl::StatusOr<std::vector<Value>> RunWithConstants(const OpTest& t, const std::vector<int>& constant) {
  graph::Graph g;
  g.set_name("test_" + t.op_type);
  g.SetOpsetImport(t.domain, t.opset);
  graph::NodeSpec spec;
  spec.op_type = t.op_type;
  spec.domain = t.domain;
  spec.opset = t.opset;
  spec.attributes = t.attributes;
  std::vector<Value> fed;
  for (size_t i = 0; i < t.inputs.size(); ++i) {
    if (!t.inputs[i].has_value()) {
      spec.inputs.push_back("");
      continue;
    }
    std::string name = absl::StrCat("in", i);
    const Tensor& v = t.inputs[i]->tensor();
    if (std::find(constant.begin(), constant.end(), static_cast<int>(i)) != constant.end()) {
      BRAID_RETURN_IF_ERROR(g.AddInitializer(name, std::make_shared<const Tensor>(v)).status());
    } else {
      BRAID_RETURN_IF_ERROR(
          g.AddInput(name, graph::ValueType::Tensor(v.dtype(), graph::ToSymbolic(v.shape()))).status());
      fed.push_back(*t.inputs[i]);
    }
    spec.inputs.push_back(name);
  }
  for (int i = 0; i < t.num_outputs; ++i) spec.outputs.push_back(absl::StrCat("out", i));
  BRAID_ASSIGN_OR_RETURN(graph::Node * node, g.AddNode(spec));
  for (graph::Value* out : node->outputs()) BRAID_RETURN_IF_ERROR(g.AddOutput(out));
  auto pool = std::make_shared<const ThreadPool>(t.threads);
  BRAID_ASSIGN_OR_RETURN(auto exe, CpuExecutable::Create(g, CpuKernelRegistry(), pool));
  std::vector<Value> outputs;
  BRAID_RETURN_IF_ERROR(exe->Run(fed, outputs, RunContext{}));
  return outputs;
}


}  // namespace braid::backends::cpu::testing

#endif  // BRAID_TESTS_BACKENDS_CPU_KERNELS_NN_NN_TEST_UTIL_H_
