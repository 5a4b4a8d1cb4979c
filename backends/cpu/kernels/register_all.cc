// The explicit list of CPU kernel families. Each family registers its
// kernels in kernels/<family>/register_<family>.cc.
#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {

void RegisterMathKernels(KernelRegistry& registry);     // element-wise, reductions, softmax, ...
void RegisterNnKernels(KernelRegistry& registry);       // matmul, conv, pooling, normalization, RNNs, ...
void RegisterTensorKernels(KernelRegistry& registry);   // shape and data movement
void RegisterControlKernels(KernelRegistry& registry);  // If/Loop/Scan, sequences, optionals, misc

void RegisterAllKernels(KernelRegistry& registry) {
  RegisterMathKernels(registry);
  RegisterNnKernels(registry);
  RegisterTensorKernels(registry);
  RegisterControlKernels(registry);
}

}  // namespace braid::backends::cpu
