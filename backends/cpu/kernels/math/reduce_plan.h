// Shape analysis for reductions over a set of axes: the output shape and an
// iteration plan. When the reduced axes form one contiguous block (after
// merging and dropping size-1 dims) the input is viewed as
// [outer, reduced, inner]; otherwise each output element gathers its
// `reduced` inputs through precomputed offsets.
#ifndef BRAID_BACKENDS_CPU_KERNELS_MATH_REDUCE_PLAN_H_
#define BRAID_BACKENDS_CPU_KERNELS_MATH_REDUCE_PLAN_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/cpu/kernel.h"
#include "braid/tensor.h"

namespace braid::backends::cpu {

struct ReducePlan {
  Shape out_shape;
  int64_t outer = 1;    // number of output elements when !blocked
  int64_t reduced = 1;  // inputs per output element
  int64_t inner = 1;    // 1 unless blocked with trailing kept dims
  bool blocked = true;  // [outer, reduced, inner] view is valid
  // When !blocked: input offset of output element o is the sum over kept
  // dims of index * stride (kept_dims outermost first); the inputs of o lie at
  // that offset plus each of reduced_offsets.
  std::vector<int64_t> kept_dims;
  std::vector<int64_t> kept_strides;
  std::vector<int64_t> reduced_offsets;

  int64_t BaseOffset(int64_t o) const {
    int64_t off = 0;
    for (size_t i = kept_dims.size(); i-- > 0;) {
      off += (o % kept_dims[i]) * kept_strides[i];
      o /= kept_dims[i];
    }
    return off;
  }
};

// Plans a reduction of `shape` over `axes` (any order, negative allowed,
// duplicates ignored; empty = all axes unless noop_with_empty_axes, which
// the caller handles). Errors name an out-of-range axis.
absl::StatusOr<ReducePlan> MakeReducePlan(const Shape& shape, const std::vector<int64_t>& axes, bool keepdims);

// Reduction axes of a node: from the `axes` attribute (`attr_axes`, when the
// op's opset still has it) or from optional input 1. `noop` is set when
// noop_with_empty_axes applies (no axes given and the flag set).
struct ReduceAxes {
  std::vector<int64_t> axes;
  bool noop = false;
};
absl::StatusOr<ReduceAxes> ResolveReduceAxes(const KernelContext& ctx, const std::optional<std::vector<int64_t>>& attr_axes,
                                             bool noop_with_empty_axes);

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNELS_MATH_REDUCE_PLAN_H_
