// Registration of the tensor kernel family (shape and data movement).
#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {

void RegisterTensorShapeKernels(KernelRegistry& registry);   // tensor_shape.cc
void RegisterTransposeKernels(KernelRegistry& registry);     // transpose.cc
void RegisterConcatSplitKernels(KernelRegistry& registry);   // concat_split.cc
void RegisterSliceKernels(KernelRegistry& registry);         // slice.cc
void RegisterGatherKernels(KernelRegistry& registry);        // gather.cc
void RegisterScatterKernels(KernelRegistry& registry);       // scatter.cc
void RegisterExpandTileKernels(KernelRegistry& registry);    // expand_tile.cc
void RegisterPadKernels(KernelRegistry& registry);           // pad.cc
void RegisterGeneratorKernels(KernelRegistry& registry);     // generators.cc
void RegisterSelectKernels(KernelRegistry& registry);        // select.cc
void RegisterUniqueKernels(KernelRegistry& registry);        // unique.cc

void RegisterTensorKernels(KernelRegistry& registry) {
  RegisterTensorShapeKernels(registry);
  RegisterTransposeKernels(registry);
  RegisterConcatSplitKernels(registry);
  RegisterSliceKernels(registry);
  RegisterGatherKernels(registry);
  RegisterScatterKernels(registry);
  RegisterExpandTileKernels(registry);
  RegisterPadKernels(registry);
  RegisterGeneratorKernels(registry);
  RegisterSelectKernels(registry);
  RegisterUniqueKernels(registry);
}

}  // namespace braid::backends::cpu
