// MaxPool / AveragePool over 1-3 spatial dims (stored as D,H,W): one thread
// per output element.
#include "backends/gpu/kernels/kernel_common.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {
namespace {

template <typename T>
BRAID_KERNEL void PoolKernel(BRAID_PARAM(PoolArgs) a) {
  const int64_t np = a.out_size[0] * a.out_size[1] * a.out_size[2];
  const int64_t in_plane = a.in_size[0] * a.in_size[1] * a.in_size[2];
  const int64_t total = a.batch_channels * np;
  for (int64_t idx = GlobalThreadId(); idx < total; idx += GlobalThreadCount()) {
    const int64_t p = idx % np;
    const int64_t nc = idx / np;
    const int64_t o[3] = {p / (a.out_size[1] * a.out_size[2]), (p / a.out_size[2]) % a.out_size[1], p % a.out_size[2]};
    const T* x = static_cast<const T*>(a.x) + nc * in_plane;
    float best = -INFINITY, sum = 0.0f;
    int64_t count = 0, padded_count = 0;
    for (int64_t kd = 0; kd < a.kernel[0]; ++kd) {
      const int64_t id = o[0] * a.stride[0] - a.pad[0] + kd * a.dilation[0];
      const bool pd = id >= -a.pad[0] && id < a.in_size[0] + a.pad_end[0];
      for (int64_t kh = 0; kh < a.kernel[1]; ++kh) {
        const int64_t ih = o[1] * a.stride[1] - a.pad[1] + kh * a.dilation[1];
        const bool ph = ih >= -a.pad[1] && ih < a.in_size[1] + a.pad_end[1];
        for (int64_t kw = 0; kw < a.kernel[2]; ++kw) {
          const int64_t iw = o[2] * a.stride[2] - a.pad[2] + kw * a.dilation[2];
          const bool pw = iw >= -a.pad[2] && iw < a.in_size[2] + a.pad_end[2];
          if (pd && ph && pw) ++padded_count;
          if (id < 0 || id >= a.in_size[0] || ih < 0 || ih >= a.in_size[1] || iw < 0 || iw >= a.in_size[2]) continue;
          const float v = ToFloat(x[(id * a.in_size[1] + ih) * a.in_size[2] + iw]);
          best = (v != v || best != best) ? v + best : fmaxf(best, v);
          sum += v;
          ++count;
        }
      }
    }
    float r;
    if (a.is_max) {
      r = best;
    } else {
      const int64_t divisor = a.count_include_pad ? padded_count : count;
      r = divisor > 0 ? sum / static_cast<float>(divisor) : 0.0f;
    }
    static_cast<T*>(a.y)[idx] = FromFloat<T>(r);
  }
}

}  // namespace

int LaunchPool(const PoolArgs& a, const LaunchContext& context) {
  const int64_t total = a.batch_channels * a.out_size[0] * a.out_size[1] * a.out_size[2];
  if (total == 0) return 0;
  constexpr int kThreads = 256;
  return DispatchFloatType(a.type, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return ToCode(Launch(LaunchMode::kIndependent, PoolKernel<T>, Dim3(GridFor(total, kThreads)), Dim3(kThreads),
                         StreamOf(context), a));
  });
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS
