// Conv [-> Add(Z)] [-> activation]  =>  com.braid::FusedConv(X, W, B, Z).
#include "braid/status_macros.h"
#include "graph/op_schema.h"
#include "graph/passes/fusions.h"

namespace braid::graph {
namespace {

// Same element type and the same shape, dim by dim (equal known sizes or
// the same symbol), so an Add of the two never broadcasts.
bool SameStaticType(const Value* a, const Value* b) {
  const ValueType& x = a->type();
  const ValueType& y = b->type();
  if (!x.has_rank() || !y.has_rank() || x.elem_type != y.elem_type || x.elem_type == DataType::kUndefined ||
      x.shape->size() != y.shape->size()) {
    return false;
  }
  for (size_t i = 0; i < x.shape->size(); ++i) {
    const Dim& p = (*x.shape)[i];
    const Dim& q = (*y.shape)[i];
    bool same = p.is_known() ? (q.is_known() && p.value == q.value) : (!p.symbol.empty() && p.symbol == q.symbol);
    if (!same) return false;
  }
  return true;
}

absl::StatusOr<std::vector<Node*>> TryFuse(Graph& graph, Node* conv, const FusionPredicate& accept) {
  if (conv->op_type() != "Conv" || !conv->domain().empty() || conv->outputs().size() != 1 ||
      conv->input(0) == nullptr || conv->input(1) == nullptr || !IsFloatingPoint(conv->input(0)->type().ScalarType())) {
    return std::vector<Node*>{};
  }
  std::vector<Node*> chain = {conv};
  Value* result = conv->output(0);
  Value* z = nullptr;
  Node* next = SoleConsumer(result);
  if (next != nullptr && next->op_type() == "Add" && next->domain().empty() && next->opset() >= 7 &&
      next->inputs().size() == 2) {
    Value* other = next->input(0) == result ? next->input(1) : next->input(0);
    if (other != nullptr && other != result && SameStaticType(other, result)) {
      z = other;
      chain.push_back(next);
      result = next->output(0);
      next = SoleConsumer(result);
    }
  }
  std::optional<FusedActivation> act;
  if (next != nullptr && next->input(0) == result) act = MatchActivation(*next);
  if (act) {
    chain.push_back(next);
    result = next->output(0);
  }
  if (chain.size() == 1) return std::vector<Node*>{};

  NodeSpec spec{conv->name(), "FusedConv", kBraidDomain, 1, {}, {}, conv->attributes()};
  spec.inputs = {conv->input(0)->name(), conv->input(1)->name()};
  if (conv->input(2) != nullptr || z != nullptr) spec.inputs.push_back(conv->input(2) ? conv->input(2)->name() : "");
  if (z != nullptr) spec.inputs.push_back(z->name());
  SetActivation(act, spec.attributes);
  if (!AcceptsFusedNode(accept, graph, spec, result->type())) return std::vector<Node*>{};
  BRAID_RETURN_IF_ERROR(ReplaceChain(graph, chain, result, std::move(spec)).status());
  if (graph.OpsetFor(kBraidDomain) == 0) graph.SetOpsetImport(kBraidDomain, 1);
  return chain;
}

}  // namespace

absl::StatusOr<int> FuseConvActivation(Graph& graph, const FusionPredicate& accept) {
  BRAID_ASSIGN_OR_RETURN(int nested, RewriteSubgraphs(graph, [&accept](Graph& sub) {
                           return FuseConvActivation(sub, accept);
                         }));
  BRAID_ASSIGN_OR_RETURN(int count, RewriteEachNode(graph, [&accept](Graph& g, Node* n) {
                           return TryFuse(g, n, accept);
                         }));
  return nested + count;
}

}  // namespace braid::graph
