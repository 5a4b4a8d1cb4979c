#include "graph/passes/dead_code_elimination.h"

#include "braid/status_macros.h"
#include "graph/passes/rewrite_util.h"

namespace braid::graph {
namespace {

bool IsDead(const Node& n) {
  for (const Value* out : n.outputs()) {
    if (!out->uses().empty() || out->is_graph_output()) return false;
  }
  return true;
}

absl::StatusOr<DeadCodeStats> Eliminate(Graph& graph) {
  DeadCodeStats stats;
  BRAID_RETURN_IF_ERROR(graph.TopologicalSort());
  // Consumers come after producers: one backward sweep frees whole chains.
  const std::vector<Node*> order = graph.nodes();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if (!IsDead(**it)) continue;
    BRAID_RETURN_IF_ERROR(graph.RemoveNode(*it));
    ++stats.nodes;
  }
  for (Value* v : graph.Initializers()) {
    if (!v->uses().empty() || v->is_graph_output()) continue;
    BRAID_RETURN_IF_ERROR(graph.RemoveValue(v));
    ++stats.initializers;
  }
  BRAID_ASSIGN_OR_RETURN(stats.nested, RewriteSubgraphs(graph, [](Graph& sub) -> absl::StatusOr<int> {
                           BRAID_ASSIGN_OR_RETURN(DeadCodeStats s, Eliminate(sub));
                           return s.nodes + s.initializers + s.nested;
                         }));
  return stats;
}

}  // namespace

absl::StatusOr<DeadCodeStats> EliminateDeadCode(Graph& graph) { return Eliminate(graph); }

}  // namespace braid::graph
