// Helpers shared by the shape and data-movement kernels: element dispatch by
// storage size, run copies, axis normalization and reading index/shape
// tensors. All functions are stateless and thread-safe.
#ifndef BRAID_BACKENDS_CPU_KERNELS_TENSOR_TENSOR_UTIL_H_
#define BRAID_BACKENDS_CPU_KERNELS_TENSOR_TENSOR_UTIL_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "backends/cpu/kernel.h"
#include "braid/tensor.h"

namespace braid::backends::cpu {

// A 16-byte element (complex128) moved as raw bytes.
struct Bytes16 {
  uint64_t lo;
  uint64_t hi;
  bool operator==(const Bytes16&) const = default;
};

// Calls f(T{}) with an element type that has the storage size of `type`:
// uint8_t/uint16_t/uint32_t/uint64_t/Bytes16 for plain data, std::string for
// strings. For ops that move elements without looking at their values.
template <typename F>
absl::Status DispatchByStorage(DataType type, F&& f) {
  if (type == DataType::kString) return f(std::string{});
  switch (DataTypeSize(type)) {
    case 1: return f(uint8_t{});
    case 2: return f(uint16_t{});
    case 4: return f(uint32_t{});
    case 8: return f(uint64_t{});
    case 16: return f(Bytes16{});
    default:
      return absl::UnimplementedError(absl::StrCat("element type ", DataTypeName(type), " not supported"));
  }
}

// dst[0, n) = src[0, n); memcpy for plain data.
template <typename T>
inline void CopyRun(T* dst, const T* src, int64_t n) {
  if constexpr (std::is_trivially_copyable_v<T>) {
    if (n == 1) {
      *dst = *src;
    } else if (n > 0) {
      std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(T));
    }
  } else {
    std::copy(src, src + n, dst);
  }
}

template <typename T>
inline void FillRun(T* dst, const T& value, int64_t n) {
  std::fill(dst, dst + n, value);
}

// Normalizes `axis` in [-rank, rank) to [0, rank); the error (from
// ctx.Error, so it names the node) names the axis. Ctx: KernelContext or
// KernelInit.
template <typename Ctx>
absl::StatusOr<int64_t> NormalizeAxis(const Ctx& ctx, int64_t axis, int64_t rank, const char* what = "axis") {
  if (axis < -rank || axis >= rank) {
    return ctx.Error(
        absl::StrCat(what, " ", axis, " is out of range for rank ", rank, " (valid: [", -rank, ", ", rank, "))"));
  }
  return axis < 0 ? axis + rank : axis;
}

// The values of an integer tensor (int8..uint64) widened to int64.
// Errors come from ctx.Error, naming the node and `what`.
absl::StatusOr<std::vector<int64_t>> ReadInt64s(const KernelContext& ctx, const Tensor& t, const char* what);

// Elements of `shape` strides (row-major, in elements).
inline std::vector<int64_t> ContiguousStrides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size());
  int64_t s = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

// Product of shape[begin, end).
inline int64_t DimProduct(const Shape& shape, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end && i < shape.size(); ++i) p *= shape[i];
  return p;
}

// Checks every index in idx[0, n) lies in [-dim, dim); the error names the
// first offending index, its position and the axis.
template <typename I>
absl::Status CheckIndices(const KernelContext& ctx, const I* idx, int64_t n, int64_t dim, int64_t axis) {
  for (int64_t i = 0; i < n; ++i) {
    int64_t v = static_cast<int64_t>(idx[i]);
    if (v < -dim || v >= dim) {
      return ctx.Error(absl::StrCat("index ", v, " at position ", i, " is out of range for axis ", axis, " of size ",
                                    dim, " (valid: [", -dim, ", ", dim, "))"));
    }
  }
  return absl::OkStatus();
}

// A tensor of `shape` viewing t's elements from `offset` on (no copy). The
// view keeps t's storage alive. Precondition: host tensor, offset plus the
// element count of `shape` within t.
inline Tensor SubView(const Tensor& t, int64_t offset, Shape shape) {
  auto keep = std::make_shared<Tensor>(t);
  auto* base = static_cast<std::byte*>(const_cast<void*>(t.raw_data()));
  return Tensor::Wrap(t.dtype(), std::move(shape), base + offset * static_cast<int64_t>(DataTypeSize(t.dtype())),
                      std::shared_ptr<void>(keep), t.location());
}

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNELS_TENSOR_TENSOR_UTIL_H_
