// LayerNormalization over rows: one block per row, mean and variance
// through shuffle-based block reductions, float32 statistics.
#include "backends/gpu/kernels/kernel_common.h"
#include "backends/gpu/vocab/warp_ops.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {
namespace {

template <typename T>
BRAID_KERNEL void LayerNormKernel(BRAID_PARAM(LayerNormArgs) a) {
  BRAID_SHARED float scratch[kBlockReduceScratch];
  for (int64_t row = BlockX(); row < a.rows; row += GridDimX()) {
    const T* x = static_cast<const T*>(a.x) + row * a.n;
    T* y = static_cast<T*>(a.y) + row * a.n;
    float sum = 0.0f;
    for (int64_t i = ThreadX(); i < a.n; i += BlockDimX()) sum += ToFloat(x[i]);
    const float mean = BlockAllReduce(sum, SumOp(), 0.0f, scratch) / static_cast<float>(a.n);
    float sq = 0.0f;
    for (int64_t i = ThreadX(); i < a.n; i += BlockDimX()) {
      const float d = ToFloat(x[i]) - mean;
      sq += d * d;
    }
    const float var = BlockAllReduce(sq, SumOp(), 0.0f, scratch) / static_cast<float>(a.n);
    const float inv_std = 1.0f / sqrtf(var + a.epsilon);
    for (int64_t i = ThreadX(); i < a.n; i += BlockDimX()) {
      float v = (ToFloat(x[i]) - mean) * inv_std * LoadAsFloat(a.scale, a.scale_type, i);
      if (a.bias != nullptr) v += LoadAsFloat(a.bias, a.scale_type, i);
      y[i] = FromFloat<T>(v);
    }
    if (ThreadX() == 0) {
      if (a.mean != nullptr) a.mean[row] = mean;
      if (a.inv_std != nullptr) a.inv_std[row] = inv_std;
    }
  }
}

}  // namespace

int LaunchLayerNorm(const LayerNormArgs& a, const LaunchContext& context) {
  if (a.rows == 0) return 0;
  if (a.n <= 0 || a.scale == nullptr) return kUnsupportedArgs;
  return DispatchFloatType(a.type, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return ToCode(Launch(LaunchMode::kCooperative, LayerNormKernel<T>, Dim3(GridFor(a.rows, 1, 65535)),
                         Dim3(RowBlockThreads(a.n)), StreamOf(context), a));
  });
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS
