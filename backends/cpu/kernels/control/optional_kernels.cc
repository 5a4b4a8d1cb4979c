// Optional, OptionalHasElement, OptionalGetElement. At run time an optional
// holding a value is that value (tensor or sequence); an empty optional and
// an omitted input are both a kNone Value.
#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {
namespace {

class OptionalKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    const graph::Attribute* type = init.node().FindAttribute("type");
    if (init.num_inputs() == 0 || init.node().input(0) == nullptr) {
      if (type == nullptr) return init.Error("an Optional without input needs the 'type' attribute");
    }
    if (type != nullptr && type->kind() != graph::Attribute::Kind::kType) {
      return init.Error("attribute 'type' must be a type");
    }
    return std::unique_ptr<Kernel>(new OptionalKernel());
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ctx.SetOutput(0, ctx.has_input(0) ? ctx.input_value(0) : Value());
    return absl::OkStatus();
  }
};

absl::Status OptionalHasElement(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, DataType::kBool, {}));
  out->data<bool>()[0] = ctx.has_input(0);
  return absl::OkStatus();
}

absl::Status OptionalGetElement(KernelContext& ctx) {
  if (!ctx.has_input(0)) return ctx.Error("the optional input is empty: it has no element to get");
  ctx.SetOutput(0, ctx.input_value(0));
  return absl::OkStatus();
}

}  // namespace

void RegisterOptionalKernels(KernelRegistry& registry) {
  registry.Add("Optional", 15, INT_MAX, FactoryOf<OptionalKernel>());
  registry.Add("OptionalHasElement", 15, INT_MAX, FunctionFactory(OptionalHasElement));
  registry.Add("OptionalGetElement", 15, INT_MAX, FunctionFactory(OptionalGetElement));
}

}  // namespace braid::backends::cpu
