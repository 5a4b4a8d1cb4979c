// The CPU kernel interface: one Kernel per IR node, built once when a
// subgraph is compiled, then run many times (concurrently) with a
// KernelContext per run.
#ifndef BRAID_BACKENDS_CPU_KERNEL_H_
#define BRAID_BACKENDS_CPU_KERNEL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "braid/backend.h"
#include "braid/status_macros.h"
#include "braid/tensor.h"
#include "braid/value.h"
#include "graph/graph.h"

namespace braid::backends::cpu {

class KernelContext;

// A compiled nested graph (If/Loop/Scan bodies). Inputs are the graph's
// formal inputs followed by the values of its captures, in
// graph::Graph::captures() order. Thread-safe like Executable.
class SubgraphRunner {
 public:
  virtual ~SubgraphRunner() = default;
  virtual absl::Status Run(std::span<const Value> inputs, std::vector<Value>& outputs,
                           const KernelContext& parent) const = 0;
};

// What a kernel factory sees: the node (attributes, input/output value
// types, opset) and constant inputs. Valid only during kernel creation.
class KernelInit {
 public:
  using SubgraphCompiler = std::function<absl::StatusOr<std::unique_ptr<SubgraphRunner>>(const graph::Graph&)>;

  KernelInit(const graph::Node& node, SubgraphCompiler compile_subgraph)
      : node_(node), compile_subgraph_(std::move(compile_subgraph)) {}

  const graph::Node& node() const { return node_; }
  int opset() const { return node_.opset(); }
  int num_inputs() const { return static_cast<int>(node_.inputs().size()); }
  int num_outputs() const { return static_cast<int>(node_.outputs().size()); }
  // Static element type of input i (kUndefined when absent or unknown).
  DataType input_type(int i) const;
  // The data of input i when it is an initializer, else null. Kernels may
  // pre-pack such weights at creation.
  const Tensor* constant_input(int i) const;

  // Attribute shorthands (see graph::Node): errors name node and attribute.
  absl::StatusOr<int64_t> GetInt(std::string_view name, std::optional<int64_t> dflt = std::nullopt) const {
    return node_.GetInt(name, dflt);
  }
  absl::StatusOr<float> GetFloat(std::string_view name, std::optional<float> dflt = std::nullopt) const {
    return node_.GetFloat(name, dflt);
  }
  absl::StatusOr<std::string> GetString(std::string_view name, std::optional<std::string> dflt = std::nullopt) const {
    return node_.GetString(name, std::move(dflt));
  }
  absl::StatusOr<std::vector<int64_t>> GetInts(std::string_view name,
                                               std::optional<std::vector<int64_t>> dflt = std::nullopt) const {
    return node_.GetInts(name, std::move(dflt));
  }
  absl::StatusOr<std::vector<float>> GetFloats(std::string_view name,
                                               std::optional<std::vector<float>> dflt = std::nullopt) const {
    return node_.GetFloats(name, std::move(dflt));
  }

  // Compiles a nested graph for this CPU device.
  absl::StatusOr<std::unique_ptr<SubgraphRunner>> CompileSubgraph(const graph::Graph& g) const {
    return compile_subgraph_(g);
  }

  // An InvalidArgument error prefixed with the node's name and op.
  absl::Status Error(std::string_view message) const;

 private:
  const graph::Node& node_;
  SubgraphCompiler compile_subgraph_;
};

// Per-run, per-node view of inputs and outputs, memory and threads.
class KernelContext {
 public:
  virtual ~KernelContext() = default;

  virtual const graph::Node& node() const = 0;
  virtual int num_inputs() const = 0;
  // Value of input i; a kNone value when the input is omitted.
  virtual const Value& input_value(int i) const = 0;
  bool has_input(int i) const { return i < num_inputs() && !input_value(i).is_none(); }
  // Tensor of input i. Precondition: has_input(i) and it is a tensor;
  // otherwise returns an undefined tensor (check with RequireTensor).
  const Tensor& input(int i) const;
  // input(i), or an InvalidArgument error naming the node when input i is
  // absent or not a tensor.
  absl::StatusOr<const Tensor*> RequireTensor(int i) const;

  // Outer-scope values read by the node's subgraphs (node.implicit_inputs() order).
  virtual int num_implicit_inputs() const = 0;
  virtual const Value& implicit_input(int i) const = 0;

  virtual int num_outputs() const = 0;
  // False for outputs nobody reads (kernels may skip computing them).
  virtual bool output_wanted(int i) const = 0;
  // Allocates output i (zero-filled unless memory is reused from the run's
  // arena: do not assume zeros — write every element).
  virtual absl::StatusOr<Tensor*> AllocateOutput(int i, DataType dtype, Shape shape) = 0;
  // Sets output i to a value the kernel built (views of inputs, sequences).
  virtual void SetOutput(int i, Value value) = 0;
  // Temporary host memory for this node's computation.
  absl::StatusOr<Tensor> AllocateScratch(DataType dtype, Shape shape) const {
    return Tensor::Create(dtype, std::move(shape));
  }

  // Runs fn(begin, end) over [0, n) split across the session's threads.
  // `cost_per_item` (rough scalar ops per index) decides how finely to
  // split; small loops run inline on the calling thread.
  virtual void ParallelFor(int64_t n, double cost_per_item,
                           const std::function<void(int64_t begin, int64_t end)>& fn) const = 0;
  // Threads available for intra-op parallelism.
  virtual int num_threads() const = 0;

  virtual const RunContext& run_context() const = 0;
  bool cancelled() const {
    return run_context().cancelled != nullptr && run_context().cancelled->load(std::memory_order_relaxed);
  }

  // An InvalidArgument error prefixed with the node's name and op.
  absl::Status Error(std::string_view message) const;
};

class Kernel {
 public:
  virtual ~Kernel() = default;
  // Computes the node's outputs. Must be thread-safe: a kernel is shared by
  // concurrent runs and must keep no per-run state in members.
  virtual absl::Status Compute(KernelContext& ctx) const = 0;
};

using KernelFactory = std::function<absl::StatusOr<std::unique_ptr<Kernel>>(const KernelInit&)>;

// Factory for kernels constructible from a KernelInit that may fail:
// `static absl::StatusOr<std::unique_ptr<Kernel>> K::Create(const KernelInit&)`.
template <typename K>
KernelFactory FactoryOf() {
  return [](const KernelInit& init) -> absl::StatusOr<std::unique_ptr<Kernel>> { return K::Create(init); };
}

// Factory for kernels with a trivial constructor.
template <typename K>
KernelFactory SimpleFactory() {
  return [](const KernelInit&) -> absl::StatusOr<std::unique_ptr<Kernel>> { return std::make_unique<K>(); };
}

// A kernel written as a function; for stateless ops.
class FunctionKernel : public Kernel {
 public:
  using Fn = std::function<absl::Status(KernelContext&)>;
  explicit FunctionKernel(Fn fn) : fn_(std::move(fn)) {}
  absl::Status Compute(KernelContext& ctx) const override { return fn_(ctx); }

 private:
  Fn fn_;
};
KernelFactory FunctionFactory(FunctionKernel::Fn fn);

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNEL_H_
