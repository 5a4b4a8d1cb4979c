// Structural and type validation of a graph and its nested graphs.
#ifndef BRAID_GRAPH_VALIDATE_H_
#define BRAID_GRAPH_VALIDATE_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "graph/graph.h"
#include "graph/op_schema.h"

namespace braid::graph {

struct ValidateOptions {
  // Run each node's inference and report the mismatches it proves (input
  // element types, inner dims, arity, and declared output types that
  // contradict the inferred ones).
  bool check_types = true;
  // Schemas for the type check; null = DefaultOpSchemas().
  const OpSchemaRegistry* registry = nullptr;
  // At most this many problems are listed in the error.
  int max_errors = 5;
};

// OK, or InvalidArgument listing the first problems found, each naming the
// graph, node, op and values: cycles (a node on the cycle), inputs no node,
// graph input, initializer or capture defines, graph outputs nobody
// produces, subgraph captures their node does not pass as implicit inputs,
// and (with check_types) type mismatches. Nested graphs are checked
// recursively. Does not modify the graph; safe on a shared immutable graph.
absl::Status ValidateGraph(const Graph& graph, const ValidateOptions& options);
absl::Status ValidateGraph(const Graph& graph);

// The graph's nodes in an order where producers precede consumers (stable
// for a sorted graph), or InvalidArgument naming a node on a cycle.
absl::StatusOr<std::vector<const Node*>> TopologicalOrder(const Graph& graph);

}  // namespace braid::graph

#endif  // BRAID_GRAPH_VALIDATE_H_
