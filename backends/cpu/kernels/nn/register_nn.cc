// Registration of the nn kernel family.
#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {

void RegisterConvKernels(KernelRegistry& r);
void RegisterDropoutKernels(KernelRegistry& r);
void RegisterGemmKernels(KernelRegistry& r);
void RegisterGlobalPoolKernels(KernelRegistry& r);
void RegisterMatMulKernels(KernelRegistry& r);
void RegisterNormalizationKernels(KernelRegistry& r);
void RegisterPoolKernels(KernelRegistry& r);
void RegisterRecurrentKernels(KernelRegistry& r);

void RegisterNnKernels(KernelRegistry& registry) {
  RegisterConvKernels(registry);
  RegisterDropoutKernels(registry);
  RegisterGemmKernels(registry);
  RegisterGlobalPoolKernels(registry);
  RegisterMatMulKernels(registry);
  RegisterNormalizationKernels(registry);
  RegisterPoolKernels(registry);
  RegisterRecurrentKernels(registry);
}

}  // namespace braid::backends::cpu
