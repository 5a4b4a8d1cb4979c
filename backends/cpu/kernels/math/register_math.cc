// Registration of the math kernel family.
#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {

void RegisterBinaryKernels(KernelRegistry& registry);      // elementwise_binary.cc
void RegisterPowModKernels(KernelRegistry& registry);      // pow_mod.cc
void RegisterVariadicKernels(KernelRegistry& registry);    // variadic.cc
void RegisterUnaryMathKernels(KernelRegistry& registry);   // unary_math.cc
void RegisterActivationKernels(KernelRegistry& registry);  // activations.cc
void RegisterCastKernels(KernelRegistry& registry);        // cast.cc
void RegisterReduceKernels(KernelRegistry& registry);      // reduce.cc
void RegisterArgMinMaxKernels(KernelRegistry& registry);   // argminmax.cc
void RegisterSoftmaxKernels(KernelRegistry& registry);     // softmax.cc
void RegisterCumSumKernels(KernelRegistry& registry);      // cumsum.cc
void RegisterTopKKernels(KernelRegistry& registry);        // topk.cc
void RegisterTriluKernels(KernelRegistry& registry);       // trilu.cc
void RegisterEinsumKernels(KernelRegistry& registry);      // einsum.cc
void RegisterDetKernels(KernelRegistry& registry);         // det.cc

void RegisterMathKernels(KernelRegistry& registry) {
  RegisterBinaryKernels(registry);
  RegisterPowModKernels(registry);
  RegisterVariadicKernels(registry);
  RegisterUnaryMathKernels(registry);
  RegisterActivationKernels(registry);
  RegisterCastKernels(registry);
  RegisterReduceKernels(registry);
  RegisterArgMinMaxKernels(registry);
  RegisterSoftmaxKernels(registry);
  RegisterCumSumKernels(registry);
  RegisterTopKKernels(registry);
  RegisterTriluKernels(registry);
  RegisterEinsumKernels(registry);
  RegisterDetKernels(registry);
}

}  // namespace braid::backends::cpu
