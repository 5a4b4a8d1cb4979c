// Element-type-agnostic tensor helpers shared by the control kernels:
// copying element ranges (strings included), slicing and stacking along an
// axis, and reading small scalar inputs.
#ifndef BRAID_BACKENDS_CPU_KERNELS_CONTROL_TENSOR_UTIL_H_
#define BRAID_BACKENDS_CPU_KERNELS_CONTROL_TENSOR_UTIL_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/cpu/kernel.h"
#include "braid/tensor.h"

namespace braid::backends::cpu::control {

// Copies `count` elements from src[src_offset..] to dst[dst_offset..].
// Precondition: same dtype, host tensors, ranges in bounds.
void CopyElements(const Tensor& src, int64_t src_offset, Tensor& dst, int64_t dst_offset, int64_t count);

// Sets `count` elements of dst from `offset` to zero (empty strings).
void FillZero(Tensor& dst, int64_t offset, int64_t count);

// Normalizes `axis` against `rank` (negative counts from the back). Error
// names `what` when out of [-rank, rank-1].
absl::StatusOr<int64_t> NormalizeAxis(int64_t axis, int64_t rank, std::string_view what);

// The sub-tensor at `index` along `axis`, with that axis removed. Along
// axis 0 this is a view sharing the input's storage; otherwise a copy.
absl::StatusOr<Tensor> SliceAxis(const Tensor& t, int64_t axis, int64_t index);

// Product of shape[begin, end).
int64_t DimProduct(const Shape& shape, size_t begin, size_t end);

// Stacks equally shaped and typed `parts` into `out` along a new axis
// `axis` (0 <= axis <= rank of a part) in the given order. `out` must have
// the stacked shape.
void StackInto(std::span<const Tensor> parts, int64_t axis, Tensor& out);

// Reads a one-element integer tensor (int32 or int64) as int64.
absl::StatusOr<int64_t> ReadIntScalar(const Tensor& t, std::string_view what);
// Reads a one-element bool tensor.
absl::StatusOr<bool> ReadBoolScalar(const Tensor& t, std::string_view what);
// Reads a one-element floating or integer tensor as double.
absl::StatusOr<double> ReadNumberScalar(const Tensor& t, std::string_view what);

}  // namespace braid::backends::cpu::control

#endif  // BRAID_BACKENDS_CPU_KERNELS_CONTROL_TENSOR_UTIL_H_
