// Braid's fused ops (domain com.braid, opset 1). Each is its base op plus a
// trailing activation given by `activation` (Relu, LeakyRelu, Sigmoid, Tanh,
// Clip, HardSigmoid; absent = none) and `activation_params` (floats):
//   FusedConv(X, W, [B], [Z])  = act(Conv(X, W, B) + Z), Z of the output's shape
//   FusedGemm(A, B, [C])       = act(Gemm(A, B, C))
//   FusedMatMul(A, B, [bias])  = act(MatMul(A, B) + bias), bias of N elements
#include "absl/strings/str_cat.h"
#include "braid/status_macros.h"
#include "graph/inference/inference_util.h"
#include "graph/inference/register.h"

namespace braid::graph::inference {
namespace {

absl::Status CheckActivation(const InferenceContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(std::string act, ctx.node().GetString("activation", std::string()));
  BRAID_ASSIGN_OR_RETURN(std::vector<float> params, ctx.node().GetFloats("activation_params", std::vector<float>{}));
  if (act.empty() || act == "Relu" || act == "Sigmoid" || act == "Tanh" || act == "LeakyRelu" || act == "Clip") {
    return absl::OkStatus();
  }
  if (act == "HardSigmoid") {
    if (params.size() < 2) return ctx.Error("activation HardSigmoid needs 2 activation_params (alpha, beta)");
    return absl::OkStatus();
  }
  return ctx.Error(absl::StrCat("unknown fused activation '", act, "'"));
}

absl::Status FusedConv(InferenceContext& ctx) {
  BRAID_RETURN_IF_ERROR(CheckActivation(ctx));
  BRAID_RETURN_IF_ERROR(InferConv(ctx));
  if (ctx.has_input(3)) {
    BRAID_RETURN_IF_ERROR(SameElemType(ctx, {0, 3}).status());
    std::string conflict = TypeConflict(ctx.output(0), ctx.input_type(3));
    if (!conflict.empty()) {
      return ctx.Error(absl::StrCat("residual Z ", ctx.DescribeInput(3), " does not match the convolution output ",
                                    ctx.output(0).ToString(), ": ", conflict));
    }
    ctx.output(0) = RefineType(ctx.output(0), ctx.input_type(3));
  }
  return absl::OkStatus();
}

absl::Status FusedGemm(InferenceContext& ctx) {
  BRAID_RETURN_IF_ERROR(CheckActivation(ctx));
  return InferGemm(ctx);
}

absl::Status FusedMatMul(InferenceContext& ctx) {
  BRAID_RETURN_IF_ERROR(CheckActivation(ctx));
  BRAID_RETURN_IF_ERROR(InferMatMul(ctx));
  const SymbolicShape* bias = ctx.input_shape(2);
  const SymbolicShape* b = ctx.input_shape(1);
  if (bias != nullptr && b != nullptr && b->size() >= 2) {
    const Dim& n = b->back();
    std::optional<Shape> concrete = ToConcrete(*bias);
    if (n.is_known() && concrete) {
      int64_t count = ShapeElementCount(*concrete).value_or(-1);
      if (count != n.value || (!concrete->empty() && concrete->back() != n.value)) {
        return ctx.Error(absl::StrCat("bias ", ctx.DescribeInput(2), " must hold ", n.value,
                                      " elements along its last dim"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterFusedSchemas(OpSchemaRegistry& r) {
  r.Register(MakeSchema("FusedConv", 1, 2, 4, 1, 1, FusedConv, kBraidDomain));
  r.Register(MakeSchema("FusedGemm", 1, 2, 3, 1, 1, FusedGemm, kBraidDomain));
  r.Register(MakeSchema("FusedMatMul", 1, 2, 3, 1, 1, FusedMatMul, kBraidDomain));
}

}  // namespace braid::graph::inference
