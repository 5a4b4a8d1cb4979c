// The copy engine behind Transpose, Slice, Expand, Tile, DepthToSpace and
// SpaceToDepth: gathers a strided view of a tensor into contiguous memory.
#ifndef BRAID_BACKENDS_CPU_KERNELS_TENSOR_STRIDED_COPY_H_
#define BRAID_BACKENDS_CPU_KERNELS_TENSOR_STRIDED_COPY_H_

#include <cstdint>
#include <span>

#include "absl/status/status.h"
#include "backends/cpu/kernel.h"
#include "braid/tensor.h"

namespace braid::backends::cpu {

// Writes the row-major elements of `shape` to `dst`, taking element
// (i_0, ..., i_n) from src[i_0 * strides[0] + ... + i_n * strides[n]].
// Strides count elements and may be zero (broadcast) or negative. `src` and
// `dst` must not overlap and must hold elements of `dtype` (strings are
// assigned, everything else moved as raw bytes). Dims of size 1 are dropped
// and adjacent dims merged; contiguous runs are memcpy'd, runs with stride 0
// filled, and permutations whose innermost input dim moved are copied in
// cache-sized tiles. Work is split with ctx.ParallelFor.
absl::Status StridedCopy(const KernelContext& ctx, DataType dtype, void* dst, const Shape& shape, const void* src,
                         std::span<const int64_t> strides);

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNELS_TENSOR_STRIDED_COPY_H_
