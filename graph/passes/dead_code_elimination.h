// Dead-code elimination.
#ifndef BRAID_GRAPH_PASSES_DEAD_CODE_ELIMINATION_H_
#define BRAID_GRAPH_PASSES_DEAD_CODE_ELIMINATION_H_

#include "absl/status/statusor.h"
#include "graph/graph.h"

namespace braid::graph {

struct DeadCodeStats {
  int nodes = 0;         // nodes removed
  int initializers = 0;  // initializers removed
  int nested = 0;        // nodes and initializers removed from nested graphs
};

// Removes nodes none of whose outputs is used or returned (transitively),
// then initializers nothing reads. Graph inputs, captures and outputs stay.
// Nested graphs are cleaned copy-on-write. The graph stays topologically
// sorted.
absl::StatusOr<DeadCodeStats> EliminateDeadCode(Graph& graph);

}  // namespace braid::graph

#endif  // BRAID_GRAPH_PASSES_DEAD_CODE_ELIMINATION_H_
