// The graph optimizations a session applies before partitioning.
#ifndef BRAID_RUNTIME_OPTIMIZER_H_
#define BRAID_RUNTIME_OPTIMIZER_H_

#include <span>

#include "absl/status/status.h"
#include "braid/backend.h"
#include "graph/graph.h"

namespace braid::runtime {

// Rewrites `graph` in place: constant folding (evaluated on `cpu`), fusions
// that every device in `devices` can run, dead-code elimination, then a
// topological sort. The result computes the same outputs.
absl::Status OptimizeGraph(graph::Graph& graph, Device& cpu, std::span<Device* const> devices);

}  // namespace braid::runtime

#endif  // BRAID_RUNTIME_OPTIMIZER_H_
