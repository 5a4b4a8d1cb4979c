// The kernel library as seen by host code: one function pointer per
// launcher. Every target build (HIP, CUDA, emulator) compiles the same
// kernel sources and exposes them through its own table, so the
// vendor-neutral executable layer runs on any of them.
//
// Launchers enqueue work on context.stream and return 0, a vendor error
// code (launch failures) or kUnsupportedArgs. They never block.
#ifndef BRAID_BACKENDS_GPU_KERNELS_KERNEL_TABLE_H_
#define BRAID_BACKENDS_GPU_KERNELS_KERNEL_TABLE_H_

#include "backends/gpu/kernels/kernel_args.h"

namespace braid::backends::gpu::kernels {

struct KernelTable {
  int (*elementwise)(const ElementwiseArgs&, const LaunchContext&);
  int (*gemm)(const GemmArgs&, const LaunchContext&);
  int (*conv)(const ConvArgs&, const LaunchContext&);
  int (*reduce)(const ReduceArgs&, const LaunchContext&);
  int (*softmax)(const SoftmaxArgs&, const LaunchContext&);
  int (*layer_norm)(const LayerNormArgs&, const LaunchContext&);
  int (*strided_copy)(const StridedCopyArgs&, const LaunchContext&);
  int (*transpose2d)(const Transpose2DArgs&, const LaunchContext&);
  int (*gather)(const GatherArgs&, const LaunchContext&);
  int (*pad)(const PadArgs&, const LaunchContext&);
  int (*resize)(const ResizeArgs&, const LaunchContext&);
  int (*pool)(const PoolArgs&, const LaunchContext&);
  int (*attention)(const AttentionArgs&, const LaunchContext&);
};

}  // namespace braid::backends::gpu::kernels

#endif  // BRAID_BACKENDS_GPU_KERNELS_KERNEL_TABLE_H_
