// Fused attention: softmax(scale * Q K^T + mask) V for one query row per
// block. Scores stay in shared memory; the row max and sum go through
// shuffle-based block reductions. Bounded by kAttentionMaxKeys keys and
// kAttentionMaxHeadDim query dims (larger shapes run unfused).
#include "backends/gpu/kernels/kernel_common.h"
#include "backends/gpu/vocab/warp_ops.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {
namespace {

inline constexpr int kAttentionThreads = 128;

template <typename T>
BRAID_KERNEL void AttentionKernel(BRAID_PARAM(AttentionArgs) a) {
  BRAID_SHARED float q_row[kAttentionMaxHeadDim];
  BRAID_SHARED float scores[kAttentionMaxKeys];
  BRAID_SHARED float scratch[kBlockReduceScratch];
  const int tid = ThreadX();
  for (int64_t work = BlockX(); work < a.batch_count * a.sq; work += GridDimX()) {
    const int64_t b = work / a.sq, i = work % a.sq;
    const T* q = static_cast<const T*>(a.q) + BatchOffset(b, a.batch_rank, a.batch_dims, a.q_batch_strides) +
                 i * a.q_stride_s;
    const T* k = static_cast<const T*>(a.k) + BatchOffset(b, a.batch_rank, a.batch_dims, a.k_batch_strides);
    const T* v = static_cast<const T*>(a.v) + BatchOffset(b, a.batch_rank, a.batch_dims, a.v_batch_strides);
    const int64_t mask_base =
        a.mask != nullptr ? BatchOffset(b, a.batch_rank, a.batch_dims, a.mask_batch_strides) + i * a.mask_stride_q : 0;
    for (int64_t c = tid; c < a.d; c += BlockDimX()) q_row[c] = ToFloat(q[c * a.q_stride_d]);
    SyncThreads();
    float local_max = -INFINITY;
    for (int64_t j = tid; j < a.sk; j += BlockDimX()) {
      float dot = 0.0f;
      for (int64_t c = 0; c < a.d; ++c) dot += q_row[c] * ToFloat(k[j * a.k_stride_s + c * a.k_stride_d]);
      float s = dot * a.scale;
      if (a.mask != nullptr) s += LoadAsFloat(a.mask, a.mask_type, mask_base + j * a.mask_stride_k);
      scores[j] = s;
      local_max = fmaxf(local_max, s);
    }
    const float row_max = BlockAllReduce(local_max, MaxOp(), -INFINITY, scratch);
    float local_sum = 0.0f;
    for (int64_t j = tid; j < a.sk; j += BlockDimX()) {
      const float e = expf(scores[j] - row_max);
      scores[j] = e;
      local_sum += e;
    }
    const float inv_sum = 1.0f / BlockAllReduce(local_sum, SumOp(), 0.0f, scratch);  // also publishes scores
    T* out = static_cast<T*>(a.out) + work * a.dv;
    for (int64_t c = tid; c < a.dv; c += BlockDimX()) {
      float acc = 0.0f;
      for (int64_t j = 0; j < a.sk; ++j) acc += scores[j] * ToFloat(v[j * a.v_stride_s + c * a.v_stride_d]);
      out[c] = FromFloat<T>(acc * inv_sum);
    }
    SyncThreads();  // q_row and scores are rewritten by the next row
  }
}

}  // namespace

int LaunchAttention(const AttentionArgs& a, const LaunchContext& context) {
  if (a.batch_count == 0 || a.sq == 0 || a.dv == 0) return 0;
  if (a.sk < 1 || a.sk > kAttentionMaxKeys || a.d < 1 || a.d > kAttentionMaxHeadDim || a.batch_rank < 0 ||
      a.batch_rank > kMaxBatchRank) {
    return kUnsupportedArgs;
  }
  return DispatchFloatType(a.type, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return ToCode(Launch(LaunchMode::kCooperative, AttentionKernel<T>, Dim3(GridFor(a.batch_count * a.sq, 1, 65535)),
                         Dim3(kAttentionThreads), StreamOf(context), a));
  });
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS
