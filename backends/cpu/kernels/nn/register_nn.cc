// Registration of the nn kernel family.
#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {

void RegisterNnKernels(KernelRegistry& registry) {}

}  // namespace braid::backends::cpu
