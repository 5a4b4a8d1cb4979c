// Helpers shared by the graph passes: use queries, activation matching,
// replacing a chain of nodes by one node under the same output name, and
// applying a pass to nested graphs copy-on-write (nested graphs may be
// shared with other graphs, so they are never modified in place).
#ifndef BRAID_GRAPH_PASSES_REWRITE_UTIL_H_
#define BRAID_GRAPH_PASSES_REWRITE_UTIL_H_

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/graph.h"

namespace braid::graph {

// Whether a fused node (a standalone copy with the real input types and
// constant inputs) may be used: the runtime answers from its devices'
// capability claims. Null means "never".
using FusionPredicate = std::function<bool(const Node& fused)>;

// The node reading `v` when `v` has exactly one use, as a regular input,
// and is not a graph output; else null.
Node* SoleConsumer(const Value* v);

// A node's constant input i (initializer data), or null.
const Tensor* ConstantInput(const Node& node, size_t i);

// An activation that com.braid fused ops can apply: `activation` and
// `activation_params` attribute values.
struct FusedActivation {
  std::string name;
  std::vector<float> params;
};

// The fused form of `node` when it is Relu, LeakyRelu, Sigmoid, Tanh,
// HardSigmoid or Clip with constant (or absent) bounds, in the ONNX domain.
std::optional<FusedActivation> MatchActivation(const Node& node);

// Adds the activation attributes to `attributes` (nothing for none).
void SetActivation(const std::optional<FusedActivation>& act, std::map<std::string, Attribute>& attributes);

// Asks `accept` about `spec` built in a scratch graph whose inputs carry the
// types (and constant data) of `graph`'s values of the same names; its one
// output has `output_type` refined by inference. False, without asking,
// when inference finds the fused node ill-typed.
bool AcceptsFusedNode(const FusionPredicate& accept, const Graph& graph, const NodeSpec& spec,
                      const ValueType& output_type);

// Replaces `chain` (nodes of `graph`, producers first) by a node built from
// `spec`, whose single output takes the name, type, uses and graph-output
// positions of `final_output`. Precondition: every output of the chain
// other than `final_output` is unused outside the chain and not a graph
// output, and `spec`'s inputs are values outside the chain.
absl::StatusOr<Node*> ReplaceChain(Graph& graph, std::span<Node* const> chain, Value* final_output, NodeSpec spec);

// Calls `try_rewrite` on each node of `graph` (in the current order) that
// an earlier rewrite has not removed. `try_rewrite` returns the nodes it
// removed (empty: no rewrite). Sorts the graph again after any rewrite.
// Returns the number of rewrites.
using NodeRewrite = std::function<absl::StatusOr<std::vector<Node*>>(Graph&, Node*)>;
absl::StatusOr<int> RewriteEachNode(Graph& graph, const NodeRewrite& try_rewrite);

// Runs `pass` on a copy of every nested graph of `graph`'s nodes; a copy
// the pass changed (returned > 0) replaces the original attribute. Nested
// graphs that cannot be copied are left alone. Returns the sum of the pass
// results.
absl::StatusOr<int> RewriteSubgraphs(Graph& graph, const std::function<absl::StatusOr<int>(Graph&)>& pass);

}  // namespace braid::graph

#endif  // BRAID_GRAPH_PASSES_REWRITE_UTIL_H_
