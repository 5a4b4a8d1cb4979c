#include "graph/cost_model.h"

#include <optional>

namespace braid::graph {
namespace {

std::optional<Shape> StaticShape(const Value* v) {
  if (v == nullptr || !v->type().has_rank()) return std::nullopt;
  return ToConcrete(*v->type().shape);
}

double Elements(const std::optional<Shape>& s) {
  if (!s) return 0;
  double n = 1;
  for (int64_t d : *s) n *= static_cast<double>(d);
  return n;
}

double Bytes(const Value* v) {
  return Elements(StaticShape(v)) * static_cast<double>(v ? DataTypeSize(v->type().ScalarType()) : 0);
}

}  // namespace

Cost EstimateNodeCost(const Node& node) {
  Cost c;
  c.nodes = 1;
  for (const Value* v : node.inputs()) c.bytes += v ? Bytes(v) : 0;
  for (const Value* v : node.outputs()) c.bytes += Bytes(v);
  const std::string& op = node.op_type();
  std::optional<Shape> out = StaticShape(node.output(0));
  double out_elems = Elements(out);
  if (op == "MatMul" || op == "Gemm" || op == "FusedMatMul" || op == "FusedGemm" || op == "MatMulInteger") {
    std::optional<Shape> a = StaticShape(node.input(0));
    if (a && !a->empty()) {
      int64_t k = a->back();
      if (op == "Gemm" || op == "FusedGemm") {
        bool trans_a = node.GetInt("transA", 0).value_or(0) != 0;
        if (trans_a && a->size() == 2) k = (*a)[0];
      }
      c.flops = 2.0 * out_elems * static_cast<double>(k);
    }
  } else if (op == "Conv" || op == "FusedConv" || op == "ConvTranspose" || op == "ConvInteger") {
    std::optional<Shape> w = StaticShape(node.input(1));
    if (w && w->size() >= 2) {
      double per_output = 1;  // Cin/group * kernel volume
      for (size_t i = 1; i < w->size(); ++i) per_output *= static_cast<double>((*w)[i]);
      if (op == "ConvTranspose") {
        std::optional<Shape> x = StaticShape(node.input(0));
        c.flops = 2.0 * Elements(x) * per_output;
      } else {
        c.flops = 2.0 * out_elems * per_output;
      }
    }
  } else {
    // Element-wise, normalization, data movement: a few ops per output element.
    c.flops = out_elems;
  }
  return c;
}

Cost EstimateGraphCost(const Graph& graph) {
  Cost total;
  for (const Node* n : graph.nodes()) {
    Cost c = EstimateNodeCost(*n);
    total.flops += c.flops;
    total.bytes += c.bytes;
    total.nodes += c.nodes;
  }
  return total;
}

}  // namespace braid::graph
