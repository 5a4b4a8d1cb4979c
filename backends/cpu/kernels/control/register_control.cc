// Registration of the control kernel family.
#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {

void RegisterControlKernels(KernelRegistry& registry) {}

}  // namespace braid::backends::cpu
