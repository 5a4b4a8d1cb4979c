// MatMul / Gemm: batched, broadcast, strided A and B, tiled through shared
// memory, float32 accumulation, bias/activation epilogue.
#include "backends/gpu/kernels/gemm_tile.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {
namespace {

template <typename T>
struct StridedLoader {
  const T* base;
  int64_t stride_row, stride_col;
  BRAID_DEVICE float operator()(int64_t r, int64_t c) const { return ToFloat(base[r * stride_row + c * stride_col]); }
};

template <typename T>
BRAID_KERNEL void GemmKernel(BRAID_PARAM(GemmArgs) g) {
  const int64_t m0 = static_cast<int64_t>(BlockY()) * kTileM;
  const int64_t n0 = static_cast<int64_t>(BlockX()) * kTileN;
  for (int64_t batch = BlockZ(); batch < g.batch_count; batch += GridDimZ()) {
    const T* a = static_cast<const T*>(g.a) + BatchOffset(batch, g.batch_rank, g.batch_dims, g.a_batch_strides);
    const T* b = static_cast<const T*>(g.b) + BatchOffset(batch, g.batch_rank, g.batch_dims, g.b_batch_strides);
    T* c = static_cast<T*>(g.c) + BatchOffset(batch, g.batch_rank, g.batch_dims, g.c_batch_strides);
    const int64_t bias_base = BatchOffset(batch, g.batch_rank, g.batch_dims, g.epilogue.bias_batch_strides);
    float acc[kMicro][kMicro] = {};
    AccumulateTile(m0, n0, g.m, g.n, g.k, StridedLoader<T>{a, g.a_stride_m, g.a_stride_k},
                   StridedLoader<T>{b, g.b_stride_k, g.b_stride_n}, acc);
    for (int i = 0; i < kMicro; ++i) {
      const int64_t m = m0 + TileRow(i);
      if (m >= g.m) continue;
      for (int j = 0; j < kMicro; ++j) {
        const int64_t n = n0 + TileCol(j);
        if (n >= g.n) continue;
        c[m * g.c_stride_m + n] = FromFloat<T>(ApplyEpilogue(g.epilogue, acc[i][j], g.alpha, bias_base, m, n));
      }
    }
  }
}

}  // namespace

int LaunchGemm(const GemmArgs& g, const LaunchContext& context) {
  if (g.m == 0 || g.n == 0 || g.batch_count == 0) return 0;
  if (g.batch_rank < 0 || g.batch_rank > kMaxBatchRank || g.m < 0 || g.n < 0 || g.k < 0) return kUnsupportedArgs;
  const int64_t grid_y = (g.m + kTileM - 1) / kTileM;
  if (grid_y > 65535) return kUnsupportedArgs;
  const Dim3 grid(GridFor(g.n, kTileN, int64_t{1} << 30), static_cast<unsigned>(grid_y),
                  GridFor(g.batch_count, 1, 65535));
  return DispatchFloatType(g.type, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return ToCode(Launch(LaunchMode::kCooperative, GemmKernel<T>, grid, Dim3(kGemmThreads), StreamOf(context), g));
  });
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS
