// Gemm -> activation  =>  com.braid::FusedGemm(A, B, C).
#include "braid/status_macros.h"
#include "graph/op_schema.h"
#include "graph/passes/fusions.h"

namespace braid::graph {
namespace {

absl::StatusOr<std::vector<Node*>> TryFuse(Graph& graph, Node* gemm, const FusionPredicate& accept) {
  if (gemm->op_type() != "Gemm" || !gemm->domain().empty() || gemm->outputs().size() != 1 ||
      gemm->input(0) == nullptr || !IsFloatingPoint(gemm->input(0)->type().ScalarType())) {
    return std::vector<Node*>{};
  }
  Node* next = SoleConsumer(gemm->output(0));
  if (next == nullptr || next->input(0) != gemm->output(0)) return std::vector<Node*>{};
  std::optional<FusedActivation> act = MatchActivation(*next);
  if (!act) return std::vector<Node*>{};

  NodeSpec spec{gemm->name(), "FusedGemm", kBraidDomain, 1, {}, {}, gemm->attributes()};
  spec.attributes.erase("broadcast");  // pre-opset-7 spelling; broadcasting is always on
  for (const Value* v : gemm->inputs()) spec.inputs.push_back(v == nullptr ? "" : v->name());
  SetActivation(act, spec.attributes);
  Value* result = next->output(0);
  if (!AcceptsFusedNode(accept, graph, spec, result->type())) return std::vector<Node*>{};
  std::vector<Node*> chain = {gemm, next};
  BRAID_RETURN_IF_ERROR(ReplaceChain(graph, chain, result, std::move(spec)).status());
  if (graph.OpsetFor(kBraidDomain) == 0) graph.SetOpsetImport(kBraidDomain, 1);
  return chain;
}

}  // namespace

absl::StatusOr<int> FuseGemmActivation(Graph& graph, const FusionPredicate& accept) {
  BRAID_ASSIGN_OR_RETURN(int nested, RewriteSubgraphs(graph, [&accept](Graph& sub) {
                           return FuseGemmActivation(sub, accept);
                         }));
  BRAID_ASSIGN_OR_RETURN(int count, RewriteEachNode(graph, [&accept](Graph& g, Node* n) {
                           return TryFuse(g, n, accept);
                         }));
  return nested + count;
}

}  // namespace braid::graph
