// Softmax / LogSoftmax along the middle dim of [outer][n][inner]. Rows
// (inner == 1) use one block per row with shuffle-based max and sum;
// strided layouts use one thread per (outer, inner) column.
#include "backends/gpu/kernels/kernel_common.h"
#include "backends/gpu/vocab/warp_ops.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {
namespace {

template <typename T>
BRAID_KERNEL void SoftmaxRowsKernel(BRAID_PARAM(SoftmaxArgs) s) {
  BRAID_SHARED float scratch[kBlockReduceScratch];
  for (int64_t row = BlockX(); row < s.outer; row += GridDimX()) {
    const T* x = static_cast<const T*>(s.in) + row * s.n;
    T* y = static_cast<T*>(s.out) + row * s.n;
    float m = -INFINITY;
    for (int64_t i = ThreadX(); i < s.n; i += BlockDimX()) m = fmaxf(m, ToFloat(x[i]));
    m = BlockAllReduce(m, MaxOp(), -INFINITY, scratch);
    float sum = 0.0f;
    for (int64_t i = ThreadX(); i < s.n; i += BlockDimX()) sum += expf(ToFloat(x[i]) - m);
    sum = BlockAllReduce(sum, SumOp(), 0.0f, scratch);
    const float log_sum = logf(sum);
    const float inv_sum = 1.0f / sum;
    for (int64_t i = ThreadX(); i < s.n; i += BlockDimX()) {
      const float d = ToFloat(x[i]) - m;
      y[i] = FromFloat<T>(s.log ? d - log_sum : expf(d) * inv_sum);
    }
  }
}

template <typename T>
BRAID_KERNEL void SoftmaxColumnsKernel(BRAID_PARAM(SoftmaxArgs) s) {
  const int64_t total = s.outer * s.inner;
  for (int64_t idx = GlobalThreadId(); idx < total; idx += GlobalThreadCount()) {
    const int64_t o = idx / s.inner, j = idx % s.inner;
    const int64_t base = o * s.n * s.inner + j;
    const T* x = static_cast<const T*>(s.in) + base;
    T* y = static_cast<T*>(s.out) + base;
    float m = -INFINITY;
    for (int64_t i = 0; i < s.n; ++i) m = fmaxf(m, ToFloat(x[i * s.inner]));
    float sum = 0.0f;
    for (int64_t i = 0; i < s.n; ++i) sum += expf(ToFloat(x[i * s.inner]) - m);
    const float log_sum = logf(sum);
    for (int64_t i = 0; i < s.n; ++i) {
      const float d = ToFloat(x[i * s.inner]) - m;
      y[i * s.inner] = FromFloat<T>(s.log ? d - log_sum : expf(d) / sum);
    }
  }
}

}  // namespace

int LaunchSoftmax(const SoftmaxArgs& s, const LaunchContext& context) {
  if (s.outer == 0 || s.n == 0 || s.inner == 0) return 0;
  return DispatchFloatType(s.type, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (s.inner == 1) {
      return ToCode(Launch(LaunchMode::kCooperative, SoftmaxRowsKernel<T>, Dim3(GridFor(s.outer, 1, 65535)),
                           Dim3(RowBlockThreads(s.n)), StreamOf(context), s));
    }
    constexpr int kThreads = 256;
    return ToCode(Launch(LaunchMode::kIndependent, SoftmaxColumnsKernel<T>, Dim3(GridFor(s.outer * s.inner, kThreads)),
                         Dim3(kThreads), StreamOf(context), s));
  });
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS
