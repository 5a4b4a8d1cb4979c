// Registration of the math kernel family.
#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {

void RegisterBinaryKernels(KernelRegistry& registry);

void RegisterMathKernels(KernelRegistry& registry) {
  RegisterBinaryKernels(registry);
}

}  // namespace braid::backends::cpu
