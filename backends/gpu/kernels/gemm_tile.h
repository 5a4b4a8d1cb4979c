// The shared-memory tiled GEMM core used by MatMul/Gemm and by the implicit
// GEMM convolution: a 256-thread block computes a 64x64 tile of C, 4x4
// outputs per thread, walking K in steps of 16 through shared memory.
#ifndef BRAID_BACKENDS_GPU_KERNELS_GEMM_TILE_H_
#define BRAID_BACKENDS_GPU_KERNELS_GEMM_TILE_H_

#include "backends/gpu/kernels/kernel_common.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {

inline constexpr int kTileM = 64;
inline constexpr int kTileN = 64;
inline constexpr int kTileK = 16;
inline constexpr int kGemmThreads = 256;
inline constexpr int kThreadsPerRow = 16;  // kTileN / 4 outputs per thread
inline constexpr int kMicro = 4;

// Row (i) / column (j) of this thread's micro-tile element within the tile.
BRAID_DEVICE int TileRow(int i) { return ThreadX() / kThreadsPerRow + kThreadsPerRow * i; }
BRAID_DEVICE int TileCol(int j) { return ThreadX() % kThreadsPerRow + kThreadsPerRow * j; }

// Accumulates the (m0, n0) tile of A[M][K] x B[K][N] into acc. `load_a(m, k)`
// and `load_b(k, n)` return float elements for in-range coordinates.
// Called by all kGemmThreads threads of the block (contains barriers).
template <typename LoadA, typename LoadB>
BRAID_DEVICE void AccumulateTile(int64_t m0, int64_t n0, int64_t M, int64_t N, int64_t K, const LoadA& load_a,
                                 const LoadB& load_b, float (&acc)[kMicro][kMicro]) {
  BRAID_SHARED float as[kTileK][kTileM + 4];
  BRAID_SHARED float bs[kTileK][kTileN + 4];
  const int tid = ThreadX();
  for (int64_t k0 = 0; k0 < K; k0 += kTileK) {
    for (int e = tid; e < kTileM * kTileK; e += kGemmThreads) {
      const int r = e / kTileK, c = e % kTileK;
      const int64_t gm = m0 + r, gk = k0 + c;
      as[c][r] = (gm < M && gk < K) ? load_a(gm, gk) : 0.0f;
    }
    for (int e = tid; e < kTileK * kTileN; e += kGemmThreads) {
      const int r = e / kTileN, c = e % kTileN;
      const int64_t gk = k0 + r, gn = n0 + c;
      bs[r][c] = (gk < K && gn < N) ? load_b(gk, gn) : 0.0f;
    }
    SyncThreads();
    for (int kk = 0; kk < kTileK; ++kk) {
      float a[kMicro], b[kMicro];
      for (int i = 0; i < kMicro; ++i) a[i] = as[kk][TileRow(i)];
      for (int j = 0; j < kMicro; ++j) b[j] = bs[kk][TileCol(j)];
      for (int i = 0; i < kMicro; ++i) {
        for (int j = 0; j < kMicro; ++j) acc[i][j] += a[i] * b[j];
      }
    }
    SyncThreads();
  }
}

// Epilogue value for accumulator `acc` at (m, n); `bias_base` is the bias
// pointer's element offset for the current batch.
BRAID_DEVICE float ApplyEpilogue(const Epilogue& e, float acc, float alpha, int64_t bias_base, int64_t m, int64_t n) {
  float v = acc * alpha;
  if (e.bias != nullptr) v += e.beta * LoadAsFloat(e.bias, e.bias_type, bias_base + m * e.bias_stride_m + n * e.bias_stride_n);
  return ApplyActivation(e.activation, v, e.act_alpha, e.act_beta);
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS

#endif  // BRAID_BACKENDS_GPU_KERNELS_GEMM_TILE_H_
