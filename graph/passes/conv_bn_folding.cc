// Conv -> BatchNormalization folding:
//   y = scale * (conv(x, W) + b - mean) / sqrt(var + eps) + B
//     = conv(x, W * f) + (b - mean) * f + B,   f = scale / sqrt(var + eps)
// per output channel.
#include <cmath>

#include "absl/strings/str_cat.h"
#include "braid/status_macros.h"
#include "graph/passes/fusions.h"

namespace braid::graph {
namespace {

bool IsFloat32(const Tensor* t, int64_t elements) {
  return t != nullptr && t->dtype() == DataType::kFloat32 && t->location().is_host() &&
         (elements < 0 || t->num_elements() == elements);
}

// The BatchNormalization consuming `conv`'s output, when it can be folded.
Node* FoldableBatchNorm(const Node& conv) {
  Node* bn = SoleConsumer(conv.output(0));
  if (bn == nullptr || bn->op_type() != "BatchNormalization" || !bn->domain().empty() || bn->inputs().size() != 5 ||
      bn->input(0) != conv.output(0)) {
    return nullptr;
  }
  for (size_t i = 1; i < bn->outputs().size(); ++i) {
    const Value* extra = bn->outputs()[i];
    if (!extra->uses().empty() || extra->is_graph_output()) return nullptr;  // training statistics wanted
  }
  if (bn->opset() >= 14 && bn->GetInt("training_mode", 0).value_or(1) != 0) return nullptr;
  if (bn->opset() < 9 && bn->GetInt("spatial", 1).value_or(0) != 1) return nullptr;
  return bn;
}

absl::StatusOr<std::vector<Node*>> TryFold(Graph& graph, Node* conv) {
  const std::vector<Node*> none;
  if (conv->op_type() != "Conv" || !conv->domain().empty() || conv->outputs().size() != 1) return none;
  Node* bn = FoldableBatchNorm(*conv);
  if (bn == nullptr) return none;
  const Tensor* w = ConstantInput(*conv, 1);
  if (!IsFloat32(w, -1) || w->rank() < 3 || w->dim(0) <= 0) return none;
  const int64_t m = w->dim(0);
  const Tensor* bias = conv->input(2) != nullptr ? ConstantInput(*conv, 2) : nullptr;
  if (conv->input(2) != nullptr && !IsFloat32(bias, m)) return none;
  const Tensor* scale = ConstantInput(*bn, 1);
  const Tensor* shift = ConstantInput(*bn, 2);
  const Tensor* mean = ConstantInput(*bn, 3);
  const Tensor* var = ConstantInput(*bn, 4);
  if (!IsFloat32(scale, m) || !IsFloat32(shift, m) || !IsFloat32(mean, m) || !IsFloat32(var, m)) return none;
  absl::StatusOr<float> eps = bn->GetFloat("epsilon", 1e-5f);
  if (!eps.ok()) return none;

  BRAID_ASSIGN_OR_RETURN(Tensor new_w, Tensor::Create(DataType::kFloat32, w->shape()));
  BRAID_ASSIGN_OR_RETURN(Tensor new_b, Tensor::Create(DataType::kFloat32, {m}));
  const int64_t per_channel = w->num_elements() / m;
  const float* wv = w->data<float>();
  float* nw = new_w.data<float>();
  float* nb = new_b.data<float>();
  for (int64_t c = 0; c < m; ++c) {
    float f = scale->data<float>()[c] / std::sqrt(var->data<float>()[c] + *eps);
    for (int64_t j = 0; j < per_channel; ++j) nw[c * per_channel + j] = wv[c * per_channel + j] * f;
    float b = bias != nullptr ? bias->data<float>()[c] : 0.0f;
    nb[c] = (b - mean->data<float>()[c]) * f + shift->data<float>()[c];
  }
  BRAID_ASSIGN_OR_RETURN(Value * w_value,
                         graph.AddInitializer(graph.UniqueValueName(absl::StrCat(conv->input(1)->name(), "_bn")),
                                              std::make_shared<const Tensor>(std::move(new_w))));
  BRAID_ASSIGN_OR_RETURN(Value * b_value,
                         graph.AddInitializer(graph.UniqueValueName(absl::StrCat(conv->name(), "_bn_bias")),
                                              std::make_shared<const Tensor>(std::move(new_b))));
  NodeSpec spec{conv->name(), "Conv", "", conv->opset(),
                {conv->input(0)->name(), w_value->name(), b_value->name()}, {}, conv->attributes()};
  Node* chain[] = {conv, bn};
  BRAID_RETURN_IF_ERROR(ReplaceChain(graph, chain, bn->output(0), std::move(spec)).status());
  return std::vector<Node*>{conv, bn};
}

}  // namespace

absl::StatusOr<int> FoldConvBatchNorm(Graph& graph) {
  BRAID_ASSIGN_OR_RETURN(int nested, RewriteSubgraphs(graph, FoldConvBatchNorm));
  BRAID_ASSIGN_OR_RETURN(int count, RewriteEachNode(graph, TryFold));
  return nested + count;
}

}  // namespace braid::graph
