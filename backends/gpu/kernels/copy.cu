// Data movement: strided copies (Transpose, Slice, Concat, Split, Expand,
// Tile), tiled 2-D transposes, Gather and Pad. Type-agnostic: elements are
// moved as 1/2/4/8-byte words.
#include "backends/gpu/kernels/kernel_common.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {
namespace {

template <typename W>
BRAID_KERNEL void StridedCopyKernel(BRAID_PARAM(StridedCopyArgs) a) {
  const W* src = static_cast<const W*>(a.src);
  W* dst = static_cast<W*>(a.dst);
  for (int64_t idx = GlobalThreadId(); idx < a.count; idx += GlobalThreadCount()) {
    int64_t rem = idx, s = 0, d = 0;
    for (int k = a.rank - 1; k >= 0; --k) {
      const int64_t c = rem % a.dims[k];
      rem /= a.dims[k];
      s += c * a.src_strides[k];
      d += c * a.dst_strides[k];
    }
    dst[d] = src[s];
  }
}

inline constexpr int kTransposeTile = 32;  // tile edge in elements (unrelated to warps)
inline constexpr int kTransposeRows = 8;  // block is kTransposeTile x kTransposeRows threads

template <typename W>
BRAID_KERNEL void Transpose2DKernel(BRAID_PARAM(Transpose2DArgs) a) {
  BRAID_SHARED W tile[kTransposeTile][kTransposeTile + 1];
  const int64_t tiles_c = (a.cols + kTransposeTile - 1) / kTransposeTile;
  const int64_t tiles_r = (a.rows + kTransposeTile - 1) / kTransposeTile;
  const int64_t tiles = tiles_c * tiles_r;
  for (int64_t t = BlockX(); t < tiles * a.batch; t += GridDimX()) {
    const int64_t b = t / tiles;
    const int64_t r0 = ((t % tiles) / tiles_c) * kTransposeTile;
    const int64_t c0 = ((t % tiles) % tiles_c) * kTransposeTile;
    const W* src = static_cast<const W*>(a.src) + b * a.rows * a.cols;
    W* dst = static_cast<W*>(a.dst) + b * a.rows * a.cols;
    for (int i = ThreadY(); i < kTransposeTile; i += kTransposeRows) {
      const int64_t r = r0 + i, c = c0 + ThreadX();
      if (r < a.rows && c < a.cols) tile[i][ThreadX()] = src[r * a.cols + c];
    }
    SyncThreads();
    for (int i = ThreadY(); i < kTransposeTile; i += kTransposeRows) {
      const int64_t c = c0 + i, r = r0 + ThreadX();
      if (r < a.rows && c < a.cols) dst[c * a.rows + r] = tile[ThreadX()][i];
    }
    SyncThreads();
  }
}

template <typename W>
BRAID_KERNEL void GatherKernel(BRAID_PARAM(GatherArgs) a) {
  const W* data = static_cast<const W*>(a.data);
  W* out = static_cast<W*>(a.out);
  const int64_t total = a.outer * a.num_indices * a.inner;
  for (int64_t idx = GlobalThreadId(); idx < total; idx += GlobalThreadCount()) {
    const int64_t n = idx % a.inner;
    const int64_t i = (idx / a.inner) % a.num_indices;
    const int64_t o = idx / (a.inner * a.num_indices);
    int64_t index = a.index_type == ElemType::kI64 ? static_cast<const int64_t*>(a.indices)[i]
                                                   : static_cast<const int32_t*>(a.indices)[i];
    if (index < 0) index += a.axis_dim;
    if (index < 0 || index >= a.axis_dim) {
      AtomicExch(a.error_flag, 1);
      out[idx] = W(0);
      continue;
    }
    out[idx] = data[(o * a.axis_dim + index) * a.inner + n];
  }
}

// Maps an output coordinate to the input for the non-constant pad modes.
BRAID_DEVICE int64_t PadSource(int64_t i, int64_t n, PadMode mode) {
  switch (mode) {
    case PadMode::kEdge: return i < 0 ? 0 : (i >= n ? n - 1 : i);
    case PadMode::kWrap: return ((i % n) + n) % n;
    case PadMode::kReflect: {
      if (n == 1) return 0;
      const int64_t period = 2 * (n - 1);
      int64_t m = ((i % period) + period) % period;
      return m < n ? m : period - m;
    }
    default: return i;
  }
}

template <typename W>
BRAID_KERNEL void PadKernel(BRAID_PARAM(PadArgs) a) {
  const W* src = static_cast<const W*>(a.src);
  W* dst = static_cast<W*>(a.dst);
  W constant;
  memcpy(&constant, &a.constant_bits, sizeof(W));
  for (int64_t idx = GlobalThreadId(); idx < a.count; idx += GlobalThreadCount()) {
    int64_t rem = idx, offset = 0, in_stride = 1;
    bool inside = true;
    for (int k = a.rank - 1; k >= 0; --k) {
      const int64_t c = rem % a.out_dims[k];
      rem /= a.out_dims[k];
      int64_t s = c - a.pad_begin[k];
      if (s < 0 || s >= a.in_dims[k]) {
        if (a.mode == PadMode::kConstant || a.in_dims[k] == 0) {
          inside = false;
          break;
        }
        s = PadSource(s, a.in_dims[k], a.mode);
      }
      offset += s * in_stride;
      in_stride *= a.in_dims[k];
    }
    dst[idx] = inside ? src[offset] : constant;
  }
}

}  // namespace

int LaunchStridedCopy(const StridedCopyArgs& a, const LaunchContext& context) {
  if (a.count == 0) return 0;
  if (a.rank < 0 || a.rank > kMaxRank) return kUnsupportedArgs;
  constexpr int kThreads = 256;
  return DispatchElemBytes(a.elem_bytes, [&](auto tag) {
    using W = typename decltype(tag)::type;
    return ToCode(Launch(LaunchMode::kIndependent, StridedCopyKernel<W>, Dim3(GridFor(a.count, kThreads)),
                         Dim3(kThreads), StreamOf(context), a));
  });
}

int LaunchTranspose2D(const Transpose2DArgs& a, const LaunchContext& context) {
  if (a.batch == 0 || a.rows == 0 || a.cols == 0) return 0;
  const int64_t tiles = ((a.rows + kTransposeTile - 1) / kTransposeTile) *
                        ((a.cols + kTransposeTile - 1) / kTransposeTile) * a.batch;
  return DispatchElemBytes(a.elem_bytes, [&](auto tag) {
    using W = typename decltype(tag)::type;
    return ToCode(Launch(LaunchMode::kCooperative, Transpose2DKernel<W>, Dim3(GridFor(tiles, 1, 65535)),
                         Dim3(kTransposeTile, kTransposeRows), StreamOf(context), a));
  });
}

int LaunchGather(const GatherArgs& a, const LaunchContext& context) {
  const int64_t total = a.outer * a.num_indices * a.inner;
  if (total == 0) return 0;
  if (a.error_flag == nullptr || (a.index_type != ElemType::kI64 && a.index_type != ElemType::kI32)) {
    return kUnsupportedArgs;
  }
  constexpr int kThreads = 256;
  return DispatchElemBytes(a.elem_bytes, [&](auto tag) {
    using W = typename decltype(tag)::type;
    return ToCode(Launch(LaunchMode::kIndependent, GatherKernel<W>, Dim3(GridFor(total, kThreads)), Dim3(kThreads),
                         StreamOf(context), a));
  });
}

int LaunchPad(const PadArgs& a, const LaunchContext& context) {
  if (a.count == 0) return 0;
  if (a.rank < 0 || a.rank > kMaxRank) return kUnsupportedArgs;
  constexpr int kThreads = 256;
  return DispatchElemBytes(a.elem_bytes, [&](auto tag) {
    using W = typename decltype(tag)::type;
    return ToCode(Launch(LaunchMode::kIndependent, PadKernel<W>, Dim3(GridFor(a.count, kThreads)), Dim3(kThreads),
                         StreamOf(context), a));
  });
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS
