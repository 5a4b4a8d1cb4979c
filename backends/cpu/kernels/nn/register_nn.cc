// Registration of the nn kernel family.
#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {

void RegisterConvKernels(KernelRegistry& r);
void RegisterConvTransposeKernels(KernelRegistry& r);
void RegisterDropoutKernels(KernelRegistry& r);
void RegisterGemmKernels(KernelRegistry& r);
void RegisterGlobalPoolKernels(KernelRegistry& r);
void RegisterGridSampleKernels(KernelRegistry& r);
void RegisterLossKernels(KernelRegistry& r);
void RegisterMatMulKernels(KernelRegistry& r);
void RegisterNmsKernels(KernelRegistry& r);
void RegisterNormalizationKernels(KernelRegistry& r);
void RegisterPoolKernels(KernelRegistry& r);
void RegisterQuantLinearKernels(KernelRegistry& r);
void RegisterQuantizeKernels(KernelRegistry& r);
void RegisterRecurrentKernels(KernelRegistry& r);
void RegisterResizeKernels(KernelRegistry& r);
void RegisterRoiAlignKernels(KernelRegistry& r);

void RegisterNnKernels(KernelRegistry& registry) {
  RegisterConvKernels(registry);
  RegisterConvTransposeKernels(registry);
  RegisterDropoutKernels(registry);
  RegisterGemmKernels(registry);
  RegisterGlobalPoolKernels(registry);
  RegisterGridSampleKernels(registry);
  RegisterLossKernels(registry);
  RegisterMatMulKernels(registry);
  RegisterNmsKernels(registry);
  RegisterNormalizationKernels(registry);
  RegisterPoolKernels(registry);
  RegisterQuantLinearKernels(registry);
  RegisterQuantizeKernels(registry);
  RegisterRecurrentKernels(registry);
  RegisterResizeKernels(registry);
  RegisterRoiAlignKernels(registry);
}

}  // namespace braid::backends::cpu
