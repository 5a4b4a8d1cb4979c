#include "backends/cpu/kernels/control/tensor_util.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "backends/cpu/dispatch.h"

namespace braid::backends::cpu::control {

void CopyElements(const Tensor& src, int64_t src_offset, Tensor& dst, int64_t dst_offset, int64_t count) {
  if (count <= 0) return;
  if (src.dtype() == DataType::kString) {
    const std::string* s = src.data<std::string>() + src_offset;
    std::string* d = dst.data<std::string>() + dst_offset;
    for (int64_t i = 0; i < count; ++i) d[i] = s[i];
    return;
  }
  size_t elem = DataTypeSize(src.dtype());
  std::memcpy(static_cast<std::byte*>(dst.raw_data()) + dst_offset * elem,
              static_cast<const std::byte*>(src.raw_data()) + src_offset * elem, static_cast<size_t>(count) * elem);
}

void FillZero(Tensor& dst, int64_t offset, int64_t count) {
  if (count <= 0) return;
  if (dst.dtype() == DataType::kString) {
    std::string* d = dst.data<std::string>() + offset;
    for (int64_t i = 0; i < count; ++i) d[i].clear();
    return;
  }
  size_t elem = DataTypeSize(dst.dtype());
  std::memset(static_cast<std::byte*>(dst.raw_data()) + offset * elem, 0, static_cast<size_t>(count) * elem);
}

absl::StatusOr<int64_t> NormalizeAxis(int64_t axis, int64_t rank, std::string_view what) {
  if (axis < -rank || axis >= rank) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(what), " ", axis, " is out of range for rank ", rank));
  }
  return axis < 0 ? axis + rank : axis;
}

int64_t DimProduct(const Shape& shape, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end && i < shape.size(); ++i) p *= shape[i];
  return p;
}

absl::StatusOr<Tensor> SliceAxis(const Tensor& t, int64_t axis, int64_t index) {
  if (axis < 0 || axis >= t.rank() || index < 0 || index >= t.dim(axis)) {
    return absl::InvalidArgumentError(
        absl::StrCat("slice ", index, " along axis ", axis, " is out of range for shape ", ShapeToString(t.shape())));
  }
  Shape out_shape = t.shape();
  out_shape.erase(out_shape.begin() + axis);
  int64_t outer = DimProduct(t.shape(), 0, static_cast<size_t>(axis));
  int64_t inner = DimProduct(t.shape(), static_cast<size_t>(axis) + 1, t.shape().size());
  int64_t len = t.dim(axis);
  if (outer == 1) {
    // Contiguous: a view that keeps the source storage alive.
    auto keep = std::make_shared<Tensor>(t);
    size_t elem = DataTypeSize(t.dtype());
    void* data = const_cast<std::byte*>(static_cast<const std::byte*>(t.raw_data())) + index * inner * elem;
    return Tensor::Wrap(t.dtype(), std::move(out_shape), data, std::shared_ptr<void>(keep, keep.get()), t.location());
  }
  BRAID_ASSIGN_OR_RETURN(Tensor out, Tensor::Create(t.dtype(), std::move(out_shape)));
  for (int64_t o = 0; o < outer; ++o) CopyElements(t, (o * len + index) * inner, out, o * inner, inner);
  return out;
}

void StackInto(std::span<const Tensor> parts, int64_t axis, Tensor& out) {
  if (parts.empty()) return;
  const Shape& ps = parts[0].shape();
  int64_t outer = DimProduct(ps, 0, static_cast<size_t>(axis));
  int64_t inner = DimProduct(ps, static_cast<size_t>(axis), ps.size());
  int64_t n = static_cast<int64_t>(parts.size());
  if (outer == 1) {
    for (int64_t t = 0; t < n; ++t) CopyElements(parts[t], 0, out, t * inner, inner);
    return;
  }
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t t = 0; t < n; ++t) CopyElements(parts[t], o * inner, out, (o * n + t) * inner, inner);
  }
}

absl::StatusOr<int64_t> ReadIntScalar(const Tensor& t, std::string_view what) {
  if (t.num_elements() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), " must have one element, got shape ", ShapeToString(t.shape())));
  }
  switch (t.dtype()) {
    case DataType::kInt64: return t.data<int64_t>()[0];
    case DataType::kInt32: return t.data<int32_t>()[0];
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(what), " must be int32 or int64, got ", DataTypeName(t.dtype())));
  }
}

absl::StatusOr<bool> ReadBoolScalar(const Tensor& t, std::string_view what) {
  if (t.num_elements() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), " must have one element, got shape ", ShapeToString(t.shape())));
  }
  if (t.dtype() != DataType::kBool) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(what), " must be bool, got ", DataTypeName(t.dtype())));
  }
  return t.data<bool>()[0];
}

absl::StatusOr<double> ReadNumberScalar(const Tensor& t, std::string_view what) {
  if (t.num_elements() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), " must have one element, got shape ", ShapeToString(t.shape())));
  }
  double v = 0;
  absl::Status st = DispatchNumeric(t.dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    v = static_cast<double>(CastTo<ComputeType<T>>(t.data<T>()[0]));
    return absl::OkStatus();
  });
  if (!st.ok()) return absl::InvalidArgumentError(absl::StrCat(std::string(what), ": ", st.message()));
  return v;
}

}  // namespace braid::backends::cpu::control
