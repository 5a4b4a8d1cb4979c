// Test harness for the GPU op suite: builds one-or-few-node graphs, runs
// them on an emulated device (wave64 or wave32) through the public Device
// interface, and compares against the plain C++ references.
#ifndef BRAID_TESTS_BACKENDS_GPU_OP_HARNESS_H_
#define BRAID_TESTS_BACKENDS_GPU_OP_HARNESS_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "braid/backend.h"
#include "graph/graph.h"
#include "tests/backends/gpu/reference_ops.h"

namespace braid::backends::gpu::testing {

using Attrs = std::map<std::string, graph::Attribute>;
inline graph::Attribute A(int64_t v) { return graph::Attribute(v); }
inline graph::Attribute A(int v) { return graph::Attribute(static_cast<int64_t>(v)); }
inline graph::Attribute A(float v) { return graph::Attribute(v); }
inline graph::Attribute A(std::vector<int64_t> v) { return graph::Attribute(std::move(v)); }
inline graph::Attribute A(const char* v) { return graph::Attribute(std::string(v)); }

// A graph under construction plus the device that runs it.
class OpHarness {
 public:
  // Opens emulated device `ordinal` (0 = emu-amd wave64, 1 = emu-nvidia wave32).
  explicit OpHarness(int ordinal, int opset = 17);

  Device& device() { return *device_; }
  graph::Graph& graph() { return graph_; }

  void Input(const std::string& name, DataType dtype, const Shape& shape);
  void Constant(const std::string& name, const Tensor& value);
  // Adds a node; outputs get the given element types (shapes left to inference).
  graph::Node* Node(const std::string& op, std::vector<std::string> inputs, std::vector<std::string> outputs,
                    std::vector<DataType> output_types, Attrs attrs = {}, int opset = 0);
  void Output(const std::string& name);

  // Checks every node is claimed, compiles, copies `feeds` (graph input
  // order) to the device, runs, copies the outputs back.
  absl::StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& feeds);
  // Steps of the last compiled executable (fusion checks).
  size_t last_num_steps() const { return last_num_steps_; }

 private:
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Device> device_;
  graph::Graph graph_;
  size_t last_num_steps_ = 0;
};

// Deterministic random host tensors.
class Random {
 public:
  explicit Random(uint32_t seed) : gen_(seed) {}
  Tensor Uniform(DataType dtype, const Shape& shape, float lo = -1.0f, float hi = 1.0f);
  Tensor Ints(DataType dtype, const Shape& shape, int64_t lo, int64_t hi);
  Tensor Bools(const Shape& shape);

 private:
  std::mt19937 gen_;
};

// EXPECTs actual ≈ expected elementwise: |a - e| <= atol + rtol * |e|;
// NaNs must match; integer/bool types must be equal.
void ExpectClose(const Tensor& actual, const Ref& expected, double rtol, double atol, const std::string& what);
// Default tolerances per dtype: float32 rtol 1e-4; float16 / bfloat16 looser.
double DefaultRtol(DataType t);
double DefaultAtol(DataType t);

// "Wave64" / "Wave32" test name suffix.
std::string WarpName(const ::testing::TestParamInfo<int>& info);

}  // namespace braid::backends::gpu::testing

#endif  // BRAID_TESTS_BACKENDS_GPU_OP_HARNESS_H_
