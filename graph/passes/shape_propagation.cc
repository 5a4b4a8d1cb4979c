#include "graph/passes/shape_propagation.h"

#include "braid/status_macros.h"
#include "graph/passes/rewrite_util.h"

namespace braid::graph {

absl::StatusOr<int> PropagateShapes(Graph& graph, const OpSchemaRegistry& registry) {
  BRAID_RETURN_IF_ERROR(graph.TopologicalSort());
  // Nested graphs first: an If takes its output types from its branches.
  BRAID_ASSIGN_OR_RETURN(int changed, RewriteSubgraphs(graph, [&registry](Graph& sub) {
                           return PropagateShapes(sub, registry);
                         }));
  SymbolicValues values;
  for (const Node* node : graph.nodes()) {
    absl::StatusOr<NodeInference> inferred = InferNode(*node, registry, &values);
    if (!inferred.ok()) continue;  // a contradiction: leave the types; validation reports it
    for (size_t i = 0; i < node->outputs().size(); ++i) {
      Value* out = node->outputs()[i];
      ValueType refined = RefineType(out->type(), inferred->outputs[i]);
      if (!(refined == out->type())) {
        out->set_type(std::move(refined));
        ++changed;
      }
      if (inferred->values[i]) values[out] = *std::move(inferred->values[i]);
    }
  }
  return changed;
}

}  // namespace braid::graph
