// Declarations of the launchers each target build defines (one .cu file per
// kernel family) and the table that collects them. Target-specific: the
// symbols live in braid::backends::gpu::BRAID_GPU_TARGET_NS.
#ifndef BRAID_BACKENDS_GPU_KERNELS_LAUNCHERS_H_
#define BRAID_BACKENDS_GPU_KERNELS_LAUNCHERS_H_

#include "backends/gpu/kernels/kernel_table.h"
#include "backends/gpu/vocab/target.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {

using namespace ::braid::backends::gpu::kernels;  // NOLINT: argument vocabulary

int LaunchElementwise(const ElementwiseArgs& args, const LaunchContext& context);
int LaunchGemm(const GemmArgs& args, const LaunchContext& context);
int LaunchConv(const ConvArgs& args, const LaunchContext& context);
int LaunchReduce(const ReduceArgs& args, const LaunchContext& context);
int LaunchSoftmax(const SoftmaxArgs& args, const LaunchContext& context);
int LaunchLayerNorm(const LayerNormArgs& args, const LaunchContext& context);
int LaunchStridedCopy(const StridedCopyArgs& args, const LaunchContext& context);
int LaunchTranspose2D(const Transpose2DArgs& args, const LaunchContext& context);
int LaunchGather(const GatherArgs& args, const LaunchContext& context);
int LaunchPad(const PadArgs& args, const LaunchContext& context);
int LaunchResize(const ResizeArgs& args, const LaunchContext& context);
int LaunchPool(const PoolArgs& args, const LaunchContext& context);
int LaunchAttention(const AttentionArgs& args, const LaunchContext& context);

// The table of this target's launchers (static storage).
const KernelTable& GetKernelTable();

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS

#endif  // BRAID_BACKENDS_GPU_KERNELS_LAUNCHERS_H_
