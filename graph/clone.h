// Deep copy of a graph's structure (nested subgraphs and constant tensors
// are shared: they are immutable).
#ifndef BRAID_GRAPH_CLONE_H_
#define BRAID_GRAPH_CLONE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "graph/graph.h"

namespace braid::graph {

// Same inputs (with defaults), initializers, captures, nodes, outputs and
// value types, in the same order.
absl::StatusOr<std::unique_ptr<Graph>> CloneGraph(const Graph& graph);

}  // namespace braid::graph

#endif  // BRAID_GRAPH_CLONE_H_
