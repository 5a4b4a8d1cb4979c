// Constant folding: nodes whose inputs are all constants are evaluated once
// and their outputs become initializers.
#ifndef BRAID_GRAPH_PASSES_CONSTANT_FOLDING_H_
#define BRAID_GRAPH_PASSES_CONSTANT_FOLDING_H_

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "braid/tensor.h"
#include "graph/graph.h"

namespace braid::graph {

// Computes a node's outputs from its input tensors (`inputs[i]` is input i;
// an undefined Tensor for an omitted input). Supplied by the runtime (graph/
// cannot run kernels). A failure only means "do not fold this node".
using NodeEvaluator = std::function<absl::StatusOr<std::vector<Tensor>>(const Node&, std::span<const Tensor>)>;

struct ConstantFoldingOptions {
  NodeEvaluator evaluate;  // required
  // Nodes whose outputs would exceed this many bytes in total stay in the
  // graph, so folding never inflates a model (a Tile/Expand/ConstantOfShape
  // of a small constant can be huge). Outputs whose size inference cannot
  // tell beforehand are not folded either.
  int64_t max_output_bytes = int64_t{16} << 20;
};

// Folds, in topological order (so chains fold through), every node that is
// deterministic (not Random*, Bernoulli, Multinomial), has no nested graphs,
// reads only initializers and produces tensors within the size cap. Nested
// graphs are folded copy-on-write; there, values the nested graph returns
// are left to their nodes. Returns the number of nodes folded. The graph
// stays topologically sorted; folded inputs that become unused are left for
// dead-code elimination.
absl::StatusOr<int> FoldConstants(Graph& graph, const ConstantFoldingOptions& options);

}  // namespace braid::graph

#endif  // BRAID_GRAPH_PASSES_CONSTANT_FOLDING_H_
