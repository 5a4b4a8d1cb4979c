// Registration of the tensor kernel family.
#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {

void RegisterTensorShapeKernels(KernelRegistry& registry);

void RegisterTensorKernels(KernelRegistry& registry) {
  RegisterTensorShapeKernels(registry);
}

}  // namespace braid::backends::cpu
