#include "graph/passes/constant_folding.h"

#include <memory>

#include "absl/container/flat_hash_set.h"
#include "braid/status_macros.h"
#include "graph/op_schema.h"
#include "graph/passes/rewrite_util.h"

namespace braid::graph {
namespace {

bool IsNondeterministic(const Node& n) {
  static const auto* kOps = new absl::flat_hash_set<std::string>{
      "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Bernoulli", "Multinomial"};
  return kOps->contains(n.op_type());
}

// Bytes of a tensor type whose shape and element type are fully known.
std::optional<int64_t> StaticBytes(const ValueType& t) {
  if (!t.is_tensor() || !t.shape || t.elem_type == DataType::kUndefined) return std::nullopt;
  std::optional<Shape> shape = ToConcrete(*t.shape);
  if (!shape) return std::nullopt;
  absl::StatusOr<int64_t> n = ShapeElementCount(*shape);
  if (!n.ok()) return std::nullopt;
  return *n * static_cast<int64_t>(DataTypeSize(t.elem_type));
}

bool ReadsOnlyConstants(const Node& n) {
  bool any = false;
  for (const Value* v : n.inputs()) {
    if (v == nullptr) continue;
    if (!v->is_constant() || v->initializer() == nullptr) return false;
    any = true;
  }
  return any;
}

// The node's total output bytes, when known before running it.
std::optional<int64_t> ExpectedOutputBytes(const Node& n) {
  int64_t total = 0;
  std::optional<NodeInference> inferred;
  for (size_t i = 0; i < n.outputs().size(); ++i) {
    const ValueType& declared = n.outputs()[i]->type();
    if (declared.kind != ValueType::Kind::kUnknown && !declared.is_tensor()) return std::nullopt;
    std::optional<int64_t> bytes = StaticBytes(declared);
    if (!bytes) {
      if (!inferred) {
        absl::StatusOr<NodeInference> r = InferNode(n, DefaultOpSchemas());
        if (!r.ok()) return std::nullopt;
        inferred = *std::move(r);
      }
      bytes = StaticBytes(RefineType(declared, inferred->outputs[i]));
    }
    if (!bytes) return std::nullopt;
    total += *bytes;
  }
  return total;
}

// Whether `t` agrees with what was known statically about the value.
bool Consistent(const ValueType& declared, const Tensor& t) {
  if (!declared.is_tensor()) return declared.kind == ValueType::Kind::kUnknown;
  if (declared.elem_type != DataType::kUndefined && declared.elem_type != t.dtype()) return false;
  return TypeConflict(declared, ValueType::Tensor(t.dtype(), ToSymbolic(t.shape()))).empty();
}

absl::StatusOr<int> Fold(Graph& graph, const ConstantFoldingOptions& options, bool nested) {
  BRAID_RETURN_IF_ERROR(graph.TopologicalSort());
  BRAID_ASSIGN_OR_RETURN(int folded, RewriteSubgraphs(graph, [&options](Graph& sub) {
                           return Fold(sub, options, /*nested=*/true);
                         }));
  const std::vector<Node*> order = graph.nodes();  // only the visited node is ever removed
  for (Node* n : order) {
    if (IsNondeterministic(*n) || !n->Subgraphs().empty() || !n->implicit_inputs().empty() || !ReadsOnlyConstants(*n)) {
      continue;
    }
    bool returns_output = false;
    for (const Value* out : n->outputs()) returns_output = returns_output || out->is_graph_output();
    if (nested && returns_output) continue;
    std::optional<int64_t> expected = ExpectedOutputBytes(*n);
    if (!expected || *expected > options.max_output_bytes) continue;

    std::vector<Tensor> inputs;
    inputs.reserve(n->inputs().size());
    for (const Value* v : n->inputs()) inputs.push_back(v == nullptr ? Tensor() : *v->initializer());
    absl::StatusOr<std::vector<Tensor>> result = options.evaluate(*n, inputs);
    if (!result.ok() || result->size() != n->outputs().size()) continue;
    int64_t bytes = 0;
    bool usable = true;
    for (size_t i = 0; i < result->size(); ++i) {
      const Tensor& t = (*result)[i];
      usable = usable && t.defined() && t.location().is_host() && Consistent(n->outputs()[i]->type(), t);
      bytes += static_cast<int64_t>(t.byte_size());
    }
    if (!usable || bytes > options.max_output_bytes) continue;

    for (size_t i = 0; i < result->size(); ++i) {
      Value* out = n->outputs()[i];
      if (out->uses().empty() && !out->is_graph_output()) continue;
      graph.MakeConstant(out, std::make_shared<const Tensor>(std::move((*result)[i])));
    }
    BRAID_RETURN_IF_ERROR(graph.RemoveNode(n));
    ++folded;
  }
  return folded;
}

}  // namespace

absl::StatusOr<int> FoldConstants(Graph& graph, const ConstantFoldingOptions& options) {
  if (!options.evaluate) return absl::InvalidArgumentError("constant folding needs a node evaluator");
  return Fold(graph, options, /*nested=*/false);
}

}  // namespace braid::graph
