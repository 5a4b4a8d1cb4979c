// A nested graph (If branch, Loop/Scan body) compiled once at kernel
// creation and bound to the holding node's implicit inputs, so that running
// it needs only its formal inputs.
#ifndef BRAID_BACKENDS_CPU_KERNELS_CONTROL_SUBGRAPH_H_
#define BRAID_BACKENDS_CPU_KERNELS_CONTROL_SUBGRAPH_H_

#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/cpu/kernel.h"
#include "graph/graph.h"

namespace braid::backends::cpu::control {

// Immutable after Create; Run is thread-safe (the compiled runner is).
class BoundSubgraph {
 public:
  // Compiles the graph held by attribute `attribute` of init's node and maps
  // each of its captures to the node's implicit input of the same name.
  static absl::StatusOr<BoundSubgraph> Create(const KernelInit& init, std::string_view attribute);

  const graph::Graph& graph() const { return *graph_; }
  int num_inputs() const { return static_cast<int>(graph_->inputs().size()); }
  int num_outputs() const { return static_cast<int>(graph_->outputs().size()); }

  // An input vector sized for the formal inputs followed by the capture
  // values of this run (taken from ctx's implicit inputs). Callers fill the
  // first num_inputs() entries and may reuse the vector across iterations.
  std::vector<Value> MakeInputs(const KernelContext& ctx) const;

  // Runs the graph; `inputs` comes from MakeInputs. Checks the number of
  // outputs the graph produced.
  absl::Status Run(const KernelContext& ctx, std::span<const Value> inputs, std::vector<Value>& outputs) const;

  // Static type of output i (kUnknown kind when not known).
  const graph::ValueType& output_type(int i) const { return graph_->outputs()[i]->type(); }

 private:
  std::shared_ptr<graph::Graph> graph_;  // keeps the graph alive for the runner
  std::shared_ptr<const SubgraphRunner> runner_;
  std::vector<int> capture_to_implicit_;  // per capture: index into implicit inputs
};

}  // namespace braid::backends::cpu::control

#endif  // BRAID_BACKENDS_CPU_KERNELS_CONTROL_SUBGRAPH_H_
