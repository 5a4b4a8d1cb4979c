#include "braid/tensor.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace braid {
namespace {

constexpr size_t kAlignment = 64;

// Storage for a host tensor: aligned bytes, or constructed std::string objects.
std::shared_ptr<void> AllocateHost(DataType dtype, int64_t count, size_t bytes) {
  size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0) rounded = kAlignment;
  void* raw = ::operator new(rounded, std::align_val_t(kAlignment), std::nothrow);
  if (raw == nullptr) return nullptr;
  if (dtype == DataType::kString) {
    auto* strings = static_cast<std::string*>(raw);
    for (int64_t i = 0; i < count; ++i) new (strings + i) std::string();
    return std::shared_ptr<void>(raw, [count](void* p) {
      auto* s = static_cast<std::string*>(p);
      for (int64_t i = 0; i < count; ++i) s[i].~basic_string();
      ::operator delete(p, std::align_val_t(kAlignment));
    });
  }
  std::memset(raw, 0, rounded);
  return std::shared_ptr<void>(raw, [](void* p) { ::operator delete(p, std::align_val_t(kAlignment)); });
}

}  // namespace

absl::StatusOr<int64_t> ShapeElementCount(const Shape& shape) {
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0) return absl::InvalidArgumentError(absl::StrCat("negative dimension in shape ", ShapeToString(shape)));
    if (d != 0 && count > INT64_MAX / d) {
      return absl::InvalidArgumentError(absl::StrCat("element count of shape ", ShapeToString(shape), " overflows int64"));
    }
    count *= d;
  }
  return count;
}

std::string ShapeToString(const Shape& shape) { return absl::StrCat("[", absl::StrJoin(shape, ","), "]"); }

absl::StatusOr<Tensor> Tensor::Create(DataType dtype, Shape shape) {
  if (dtype == DataType::kUndefined || !IsKnownDataType(static_cast<int32_t>(dtype))) {
    return absl::InvalidArgumentError("cannot create a tensor of undefined element type");
  }
  absl::StatusOr<int64_t> count = ShapeElementCount(shape);
  if (!count.ok()) return count.status();
  size_t elem = DataTypeSize(dtype);
  if (*count > kMaxAllocationBytes / static_cast<int64_t>(elem)) {
    return absl::ResourceExhaustedError(absl::StrCat("tensor of ", DataTypeName(dtype), ShapeToString(shape),
                                                     " exceeds the ", kMaxAllocationBytes, "-byte allocation limit"));
  }
  size_t bytes = static_cast<size_t>(*count) * elem;
  std::shared_ptr<void> storage = AllocateHost(dtype, *count, bytes);
  if (storage == nullptr) {
    return absl::ResourceExhaustedError(
        absl::StrCat("out of host memory allocating ", bytes, " bytes for ", DataTypeName(dtype), ShapeToString(shape)));
  }
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.num_elements_ = *count;
  t.data_ = storage.get();
  t.storage_ = std::move(storage);
  return t;
}

Tensor Tensor::Wrap(DataType dtype, Shape shape, void* data, std::shared_ptr<void> keep_alive,
                    MemoryLocation location) {
  Tensor t;
  t.dtype_ = dtype;
  t.num_elements_ = ShapeElementCount(shape).value_or(0);
  t.shape_ = std::move(shape);
  t.data_ = data;
  // A null keep_alive still needs a distinct non-null identity for SharesStorageWith.
  t.storage_ = keep_alive ? std::move(keep_alive) : std::shared_ptr<void>(data, [](void*) {});
  t.location_ = std::move(location);
  return t;
}

absl::StatusOr<Tensor> Tensor::Reshaped(Shape shape) const {
  absl::StatusOr<int64_t> count = ShapeElementCount(shape);
  if (!count.ok()) return count.status();
  if (*count != num_elements_) {
    return absl::InvalidArgumentError(absl::StrCat("cannot reshape ", ShapeToString(shape_), " (", num_elements_,
                                                   " elements) to ", ShapeToString(shape), " (", *count,
                                                   " elements)"));
  }
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

absl::StatusOr<Tensor> Tensor::Clone() const {
  if (!location_.is_host()) {
    return absl::FailedPreconditionError(absl::StrCat("Clone of a tensor on device ", location_.device_name));
  }
  absl::StatusOr<Tensor> copy = Create(dtype_, shape_);
  if (!copy.ok()) return copy.status();
  if (dtype_ == DataType::kString) {
    for (int64_t i = 0; i < num_elements_; ++i) copy->data<std::string>()[i] = data<std::string>()[i];
  } else if (byte_size() > 0) {
    std::memcpy(copy->raw_data(), data_, byte_size());
  }
  return copy;
}

}  // namespace braid
