// The attention pattern MatMul(Q, K^T) -> [Mul/Div by a constant] ->
// [Add mask] -> Softmax(last axis) -> MatMul(., V), fused into one kernel
// when the shapes allow (keys and head size within the kernel's limits);
// other shapes run the original nodes one by one.
#ifndef BRAID_BACKENDS_GPU_EXEC_ATTENTION_H_
#define BRAID_BACKENDS_GPU_EXEC_ATTENTION_H_

#include <memory>
#include <functional>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/gpu/exec/step.h"
#include "graph/graph.h"

namespace braid::backends::gpu {

struct AttentionMatch {
  const graph::Node* transpose = nullptr;  // K -> K^T, absorbed (optional)
  const graph::Node* qk = nullptr;
  const graph::Node* scale = nullptr;  // Mul/Div by a constant scalar (optional)
  const graph::Node* mask = nullptr;   // Add (optional)
  const graph::Node* softmax = nullptr;
  const graph::Node* pv = nullptr;
  // Nodes in execution order.
  std::vector<const graph::Node*> Nodes() const;
};

// Matches the pattern ending at `pv` (a MatMul). `claimed(node)` says
// whether a node may join (claimed by this device and not yet placed in
// another step). Intermediate values must have a single use and not be
// subgraph outputs.
std::optional<AttentionMatch> MatchAttention(const graph::Node& pv,
                                             const std::function<bool(const graph::Node&)>& claimed);

// The fused step; falls back to the nodes' own steps at run time when the
// shapes exceed the fused kernel's limits.
absl::StatusOr<std::unique_ptr<Step>> BuildAttentionStep(const AttentionMatch& match, SlotMap& slots);

}  // namespace braid::backends::gpu

#endif  // BRAID_BACKENDS_GPU_EXEC_ATTENTION_H_
