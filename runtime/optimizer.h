// The graph optimizations a session applies before partitioning.
#ifndef BRAID_RUNTIME_OPTIMIZER_H_
#define BRAID_RUNTIME_OPTIMIZER_H_

#include <span>
#include <string>

#include "absl/status/status.h"
#include "braid/backend.h"
#include "graph/graph.h"

namespace braid::runtime {

// What OptimizeGraph changed (for `braid inspect` and tests).
struct OptimizationStats {
  int types_refined = 0;     // values typed more precisely, both propagation rounds
  int folded_nodes = 0;      // nodes replaced by constants
  int conv_batchnorm = 0;    // Conv+BatchNormalization folded into Conv
  int conv_activation = 0;   // -> com.braid::FusedConv
  int gemm_activation = 0;   // -> com.braid::FusedGemm
  int matmul_bias = 0;       // -> com.braid::FusedMatMul
  int dead_nodes = 0;        // nodes removed as unused (nested graphs included)
  int dead_initializers = 0; // initializers removed as unused
  // One line per figure, e.g. "folded 12 nodes, fused 3 Conv+activation, ...".
  std::string ToString() const;
};

// Rewrites `graph` in place: shape propagation, constant folding (nodes
// evaluated on `cpu`), fusions that every device in `devices` claims
// (Device::CanRun on the fused node), dead-code elimination, shape
// propagation again, then a topological sort. The result computes the same
// outputs, keeps the graph's inputs and outputs (names and order), and
// passes structural validation (else Internal). `graph` must be the
// caller's own copy: nested graphs are replaced, never modified in place.
absl::Status OptimizeGraph(graph::Graph& graph, Device& cpu, std::span<Device* const> devices);
absl::Status OptimizeGraph(graph::Graph& graph, Device& cpu, std::span<Device* const> devices,
                           OptimizationStats* stats);

}  // namespace braid::runtime

#endif  // BRAID_RUNTIME_OPTIMIZER_H_
