// MatMul [-> Add(bias)] [-> activation]  =>  com.braid::FusedMatMul(A, B, bias).
// The bias is a float32 constant of shape [N] or [1,..,1,N] (N = the last
// dim of B) whose rank does not exceed the product's, so adding it never
// changes the product's shape.
#include "braid/status_macros.h"
#include "graph/op_schema.h"
#include "graph/passes/fusions.h"

namespace braid::graph {
namespace {

bool IsBias(const Value* v, const Value* product, const Value* b) {
  const Tensor* t = v != nullptr && v->is_constant() ? v->initializer().get() : nullptr;
  const ValueType& bt = b->type();
  if (t == nullptr || t->dtype() != DataType::kFloat32 || t->rank() == 0 || !bt.has_rank() || bt.rank() < 2 ||
      !bt.shape->back().is_known()) {
    return false;
  }
  int64_t n = bt.shape->back().value;
  if (t->shape().back() != n || t->num_elements() != n) return false;
  if (t->rank() == 1) return true;
  return product->type().has_rank() && product->type().rank() >= t->rank();
}

absl::StatusOr<std::vector<Node*>> TryFuse(Graph& graph, Node* matmul, const FusionPredicate& accept) {
  if (matmul->op_type() != "MatMul" || !matmul->domain().empty() || matmul->outputs().size() != 1 ||
      matmul->input(0) == nullptr || matmul->input(1) == nullptr ||
      !IsFloatingPoint(matmul->input(0)->type().ScalarType())) {
    return std::vector<Node*>{};
  }
  std::vector<Node*> chain = {matmul};
  Value* result = matmul->output(0);
  Value* bias = nullptr;
  Node* next = SoleConsumer(result);
  if (next != nullptr && next->op_type() == "Add" && next->domain().empty() && next->opset() >= 7 &&
      next->inputs().size() == 2 && matmul->input(0)->type().ScalarType() == DataType::kFloat32) {
    Value* other = next->input(0) == result ? next->input(1) : next->input(0);
    if (other != result && IsBias(other, result, matmul->input(1))) {
      bias = other;
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

  NodeSpec spec{matmul->name(), "FusedMatMul", kBraidDomain, 1, {}, {}, {}};
  spec.inputs = {matmul->input(0)->name(), matmul->input(1)->name()};
  if (bias != nullptr) spec.inputs.push_back(bias->name());
  SetActivation(act, spec.attributes);
  if (!AcceptsFusedNode(accept, graph, spec, result->type())) return std::vector<Node*>{};
  BRAID_RETURN_IF_ERROR(ReplaceChain(graph, chain, result, std::move(spec)).status());
  if (graph.OpsetFor(kBraidDomain) == 0) graph.SetOpsetImport(kBraidDomain, 1);
  return chain;
}

}  // namespace

absl::StatusOr<int> FuseMatMulBias(Graph& graph, const FusionPredicate& accept) {
  BRAID_ASSIGN_OR_RETURN(int nested, RewriteSubgraphs(graph, [&accept](Graph& sub) {
                           return FuseMatMulBias(sub, accept);
                         }));
  BRAID_ASSIGN_OR_RETURN(int count, RewriteEachNode(graph, [&accept](Graph& g, Node* n) {
                           return TryFuse(g, n, accept);
                         }));
  return nested + count;
}

}  // namespace braid::graph
