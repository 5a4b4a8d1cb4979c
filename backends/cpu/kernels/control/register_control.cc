// Registration of the control kernel family: control flow, sequences,
// optionals, text, random generators, signal processing and optimizers.
#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {

void RegisterIfKernel(KernelRegistry& registry);
void RegisterLoopKernel(KernelRegistry& registry);
void RegisterScanKernel(KernelRegistry& registry);
void RegisterSequenceKernels(KernelRegistry& registry);
void RegisterSequenceSplitConcatKernels(KernelRegistry& registry);
void RegisterOptionalKernels(KernelRegistry& registry);
void RegisterStringNormalizerKernel(KernelRegistry& registry);
void RegisterTfIdfVectorizerKernel(KernelRegistry& registry);
void RegisterRandomKernels(KernelRegistry& registry);
void RegisterDftKernels(KernelRegistry& registry);
void RegisterWindowKernels(KernelRegistry& registry);
void RegisterTrainingKernels(KernelRegistry& registry);

void RegisterControlKernels(KernelRegistry& registry) {
  RegisterIfKernel(registry);
  RegisterLoopKernel(registry);
  RegisterScanKernel(registry);
  RegisterSequenceKernels(registry);
  RegisterSequenceSplitConcatKernels(registry);
  RegisterOptionalKernels(registry);
  RegisterStringNormalizerKernel(registry);
  RegisterTfIdfVectorizerKernel(registry);
  RegisterRandomKernels(registry);
  RegisterDftKernels(registry);
  RegisterWindowKernels(registry);
  RegisterTrainingKernels(registry);
}

}  // namespace braid::backends::cpu
