// If: runs then_branch or else_branch and forwards its outputs (tensors,
// sequences or optionals; the branches may yield different shapes).
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/control/subgraph.h"
#include "backends/cpu/kernels/control/tensor_util.h"

namespace braid::backends::cpu {
namespace {

using control::BoundSubgraph;

class IfKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    BRAID_ASSIGN_OR_RETURN(BoundSubgraph then_branch, BoundSubgraph::Create(init, "then_branch"));
    BRAID_ASSIGN_OR_RETURN(BoundSubgraph else_branch, BoundSubgraph::Create(init, "else_branch"));
    for (const BoundSubgraph* b : {&then_branch, &else_branch}) {
      if (b->num_inputs() != 0) return init.Error("branch graphs must take no inputs");
      if (b->num_outputs() != init.num_outputs()) {
        return init.Error(absl::StrCat("a branch has ", b->num_outputs(), " outputs but the node has ",
                                       init.num_outputs()));
      }
    }
    return std::unique_ptr<Kernel>(new IfKernel(std::move(then_branch), std::move(else_branch)));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* cond_tensor, ctx.RequireTensor(0));
    absl::StatusOr<bool> cond = control::ReadBoolScalar(*cond_tensor, "cond");
    if (!cond.ok()) return ctx.Error(std::string(cond.status().message()));
    const BoundSubgraph& branch = *cond ? then_ : else_;
    std::vector<Value> inputs = branch.MakeInputs(ctx);
    std::vector<Value> outputs;
    BRAID_RETURN_IF_ERROR(branch.Run(ctx, inputs, outputs));
    for (int i = 0; i < ctx.num_outputs(); ++i) ctx.SetOutput(i, std::move(outputs[i]));
    return absl::OkStatus();
  }

 private:
  IfKernel(BoundSubgraph then_branch, BoundSubgraph else_branch)
      : then_(std::move(then_branch)), else_(std::move(else_branch)) {}

  BoundSubgraph then_;
  BoundSubgraph else_;
};

}  // namespace

void RegisterIfKernel(KernelRegistry& registry) { registry.Add("If", 1, INT_MAX, FactoryOf<IfKernel>()); }

}  // namespace braid::backends::cpu
