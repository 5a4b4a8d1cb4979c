// Collects this target's launchers into its KernelTable.
#include "backends/gpu/kernels/launchers.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {

const KernelTable& GetKernelTable() {
  static const KernelTable table = {
      LaunchElementwise, LaunchGemm,        LaunchConv,   LaunchReduce, LaunchSoftmax,
      LaunchLayerNorm,   LaunchStridedCopy, LaunchTranspose2D, LaunchGather, LaunchPad,
      LaunchResize,      LaunchPool,        LaunchAttention,
  };
  return table;
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS
