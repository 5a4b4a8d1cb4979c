#include "backends/cpu/kernels/math/reduce_plan.h"

#include "absl/strings/str_cat.h"
#include "backends/cpu/kernels/math/math_util.h"

namespace braid::backends::cpu {

absl::StatusOr<ReducePlan> MakeReducePlan(const Shape& shape, const std::vector<int64_t>& axes, bool keepdims) {
  const int64_t rank = static_cast<int64_t>(shape.size());
  std::vector<bool> mask(shape.size(), axes.empty());
  for (int64_t a : axes) {
    BRAID_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(a, rank));
    mask[axis] = true;
  }
  ReducePlan plan;
  for (int64_t i = 0; i < rank; ++i) {
    if (!mask[i]) {
      plan.out_shape.push_back(shape[i]);
    } else if (keepdims) {
      plan.out_shape.push_back(1);
    }
  }
  // Merge adjacent dims of equal kind; size-1 dims change nothing.
  struct D {
    int64_t size;
    bool reduced;
  };
  std::vector<D> dims;
  for (int64_t i = 0; i < rank; ++i) {
    if (shape[i] == 1) continue;
    if (!dims.empty() && dims.back().reduced == mask[i]) {
      dims.back().size *= shape[i];
    } else {
      dims.push_back({shape[i], static_cast<bool>(mask[i])});
    }
  }
  int reduced_groups = 0;
  for (const D& d : dims) reduced_groups += d.reduced ? 1 : 0;
  if (reduced_groups <= 1) {
    plan.blocked = true;
    bool seen = false;
    for (const D& d : dims) {
      if (d.reduced) {
        plan.reduced = d.size;
        seen = true;
      } else if (seen) {
        plan.inner *= d.size;
      } else {
        plan.outer *= d.size;
      }
    }
    return plan;
  }
  plan.blocked = false;
  std::vector<int64_t> strides(dims.size());
  int64_t stride = 1;
  for (size_t i = dims.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= dims[i].size;
  }
  std::vector<int64_t> red_dims, red_strides;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i].reduced) {
      red_dims.push_back(dims[i].size);
      red_strides.push_back(strides[i]);
      plan.reduced *= dims[i].size;
    } else {
      plan.kept_dims.push_back(dims[i].size);
      plan.kept_strides.push_back(strides[i]);
      plan.outer *= dims[i].size;
    }
  }
  plan.reduced_offsets.resize(static_cast<size_t>(plan.reduced));
  for (int64_t r = 0; r < plan.reduced; ++r) {
    int64_t rem = r, off = 0;
    for (size_t i = red_dims.size(); i-- > 0;) {
      off += (rem % red_dims[i]) * red_strides[i];
      rem /= red_dims[i];
    }
    plan.reduced_offsets[r] = off;
  }
  return plan;
}

absl::StatusOr<ReduceAxes> ResolveReduceAxes(const KernelContext& ctx,
                                             const std::optional<std::vector<int64_t>>& attr_axes,
                                             bool noop_with_empty_axes) {
  ReduceAxes result;
  if (attr_axes.has_value()) {
    result.axes = *attr_axes;
  } else if (ctx.has_input(1)) {
    BRAID_ASSIGN_OR_RETURN(result.axes, ReadInt64s(ctx.input(1), "axes"));
  }
  result.noop = result.axes.empty() && noop_with_empty_axes;
  return result;
}

}  // namespace braid::backends::cpu
