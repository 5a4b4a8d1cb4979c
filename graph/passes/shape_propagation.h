// Shape propagation: re-runs type and shape inference over a graph in
// topological order, filling unknown types and refining symbolic dims.
#ifndef BRAID_GRAPH_PASSES_SHAPE_PROPAGATION_H_
#define BRAID_GRAPH_PASSES_SHAPE_PROPAGATION_H_

#include "absl/status/statusor.h"
#include "graph/graph.h"
#include "graph/op_schema.h"

namespace braid::graph {

// Refines every node output's type with what inference tells (see
// RefineType: nothing known is ever replaced by something less precise;
// facts that contradict the current type are ignored, ValidateGraph reports
// them). Ops without a schema keep their types. Nested graphs are refined
// copy-on-write. Leaves the graph topologically sorted. Returns the number
// of values whose type changed; fails only on a cycle.
absl::StatusOr<int> PropagateShapes(Graph& graph, const OpSchemaRegistry& registry = DefaultOpSchemas());

}  // namespace braid::graph

#endif  // BRAID_GRAPH_PASSES_SHAPE_PROPAGATION_H_
