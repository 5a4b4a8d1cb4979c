#include "absl/strings/str_cat.h"
#include "backends/gpu/exec/elementwise.h"
#include "backends/gpu/exec/op_util.h"
#include "backends/gpu/exec/ops.h"
#include "braid/status_macros.h"

namespace braid::backends::gpu {
namespace {

const OpTable& Table() {
  static const OpTable* table = [] {
    auto* t = new OpTable();
    RegisterDataOps(*t);
    RegisterPadGatherOps(*t);
    RegisterReduceOps(*t);
    RegisterImageOps(*t);
    RegisterLinearOps(*t);
    return t;
  }();
  return *table;
}

}  // namespace

const OpLowering* FindLowering(const graph::Node& node) {
  if (!node.domain().empty()) return nullptr;
  auto it = Table().find(node.op_type());
  return it == Table().end() ? nullptr : &it->second;
}

std::string StepName(const graph::Node& node) { return absl::StrCat("node '", node.name(), "' (", node.op_type(), ")"); }

absl::Status CanRunOnGpu(const graph::Node& node) {
  if (!node.domain().empty()) return Unsupported(node, absl::StrCat("domain '", node.domain(), "' has no GPU kernels"));
  if (!node.Subgraphs().empty()) return Unsupported(node, "control flow runs on the host");
  for (const graph::Value* v : node.inputs()) {
    if (v == nullptr) continue;
    if (!v->type().is_tensor()) return Unsupported(node, absl::StrCat("input '", v->name(), "' is not a tensor"));
    if (v->type().elem_type == DataType::kString) return Unsupported(node, "string tensors stay on the host");
    if (v->type().has_rank() && v->type().rank() > kernels::kMaxRank) {
      return Unsupported(node, absl::StrCat("input '", v->name(), "' has rank ", v->type().rank(), " (GPU limit ",
                                            kernels::kMaxRank, ")"));
    }
  }
  for (const graph::Value* v : node.outputs()) {
    if (v == nullptr || (v->uses().empty() && !v->is_graph_output())) continue;  // unused outputs need no type
    if (!v->type().is_tensor() || v->type().elem_type == DataType::kUndefined) {
      return Unsupported(node, absl::StrCat("output '", v->name(), "' has no inferred tensor type"));
    }
  }
  if (IsElementwiseOp(node)) return CanRunElementwise(node);
  const OpLowering* lowering = FindLowering(node);
  if (lowering == nullptr) return Unsupported(node, "no GPU kernel for this op");
  return lowering->can_run(node);
}

}  // namespace braid::backends::gpu
