#include "backends/cpu/kernel.h"

namespace braid::backends::cpu {

DataType KernelInit::input_type(int i) const {
  const graph::Value* v = node_.input(i);
  return v == nullptr ? DataType::kUndefined : v->type().ScalarType();
}

const Tensor* KernelInit::constant_input(int i) const {
  const graph::Value* v = node_.input(i);
  return (v != nullptr && v->is_constant()) ? v->initializer().get() : nullptr;
}

absl::Status KernelInit::Error(std::string_view message) const {
  return absl::InvalidArgumentError(
      absl::StrCat("node '", node_.name(), "' (", node_.op_type(), "): ", std::string(message)));
}

const Tensor& KernelContext::input(int i) const {
  static const Tensor kUndefined;
  if (i >= num_inputs()) return kUndefined;
  const Value& v = input_value(i);
  return v.is_tensor() ? v.tensor() : kUndefined;
}

absl::StatusOr<const Tensor*> KernelContext::RequireTensor(int i) const {
  if (i >= num_inputs() || input_value(i).is_none()) return Error(absl::StrCat("input ", i, " is required"));
  if (!input_value(i).is_tensor()) return Error(absl::StrCat("input ", i, " must be a tensor"));
  return &input_value(i).tensor();
}

absl::Status KernelContext::Error(std::string_view message) const {
  return absl::InvalidArgumentError(
      absl::StrCat("node '", node().name(), "' (", node().op_type(), "): ", std::string(message)));
}

KernelFactory FunctionFactory(FunctionKernel::Fn fn) {
  return [fn = std::move(fn)](const KernelInit&) -> absl::StatusOr<std::unique_ptr<Kernel>> {
    return std::make_unique<FunctionKernel>(fn);
  };
}

}  // namespace braid::backends::cpu
