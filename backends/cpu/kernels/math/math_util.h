// Helpers shared by the math kernel family: axis normalization, reading
// axes from tensors, and a parallel element-wise map.
#ifndef BRAID_BACKENDS_CPU_KERNELS_MATH_MATH_UTIL_H_
#define BRAID_BACKENDS_CPU_KERNELS_MATH_MATH_UTIL_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "backends/cpu/kernel.h"
#include "braid/tensor.h"

namespace braid::backends::cpu {

// `axis` in [-rank, rank) mapped to [0, rank), or an InvalidArgument error
// naming the axis and rank (prefixed by the node through ctx/init).
inline absl::StatusOr<int64_t> NormalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    return absl::InvalidArgumentError(absl::StrCat("axis ", axis, " is out of range for rank ", rank));
  }
  return axis < 0 ? axis + rank : axis;
}

// Product of shape[begin, end).
inline int64_t DimProduct(const Shape& shape, int64_t begin, int64_t end) {
  int64_t p = 1;
  for (int64_t i = begin; i < end; ++i) p *= shape[i];
  return p;
}

// The values of a 0-D or 1-D int32/int64 tensor (axes, k, shift counts).
inline absl::StatusOr<std::vector<int64_t>> ReadInt64s(const Tensor& t, const char* what) {
  if (t.rank() > 1) return absl::InvalidArgumentError(absl::StrCat(what, " must be a scalar or 1-D tensor"));
  std::vector<int64_t> v(static_cast<size_t>(t.num_elements()));
  if (t.dtype() == DataType::kInt64) {
    for (int64_t i = 0; i < t.num_elements(); ++i) v[i] = t.data<int64_t>()[i];
  } else if (t.dtype() == DataType::kInt32) {
    for (int64_t i = 0; i < t.num_elements(); ++i) v[i] = t.data<int32_t>()[i];
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " must be int32 or int64, got ", DataTypeName(t.dtype())));
  }
  return v;
}

// `st` with the node's name and op prefixed to its message (code kept).
inline absl::Status WithNode(const KernelContext& ctx, const absl::Status& st) {
  if (st.ok()) return st;
  return absl::Status(st.code(),
                      absl::StrCat("node '", ctx.node().name(), "' (", ctx.node().op_type(), "): ", st.message()));
}

// y[i] = op(x[i]) for i in [0, n), split across the session's threads.
template <typename In, typename Out, typename Op>
void ParallelMap(const KernelContext& ctx, const In* x, Out* y, int64_t n, Op op, double cost_per_element = 1.0) {
  ctx.ParallelFor(n, cost_per_element, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) y[i] = op(x[i]);
  });
}

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNELS_MATH_MATH_UTIL_H_
