// Tensor: a typed, shaped view of memory that lives on the host or on a device.
//
// A Tensor is a cheap, copyable handle: copies share the same storage
// (reference counted), like a shared_ptr. Storage is freed when the last
// handle goes away. Host tensors own 64-byte aligned memory (or wrap memory
// a caller keeps alive); device tensors carry a device pointer that host code
// must not dereference — `location()` says which one it is.
//
// Thread-safety: distinct Tensor objects may be used from different threads
// even when they share storage; writing the elements while another thread
// reads them is the caller's race.
#ifndef BRAID_TENSOR_H_
#define BRAID_TENSOR_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "braid/data_type.h"

namespace braid {

// Concrete dimensions of a tensor, outermost first. Scalars have none.
using Shape = std::vector<int64_t>;

// Product of dims, or an error when a dim is negative or the product
// overflows int64.
absl::StatusOr<int64_t> ShapeElementCount(const Shape& shape);
// "[2,3,4]".
std::string ShapeToString(const Shape& shape);

// Where a tensor's elements live. device_name is empty for host memory.
struct MemoryLocation {
  std::string device_name;
  bool is_host() const { return device_name.empty(); }
  bool operator==(const MemoryLocation&) const = default;
};

class Tensor {
 public:
  // Largest single allocation Braid will attempt (bytes). Requests above it
  // fail with ResourceExhausted instead of reaching the allocator.
  static constexpr int64_t kMaxAllocationBytes = int64_t{1} << 40;

  // An empty handle: dtype kUndefined, no storage. defined() is false.
  Tensor() = default;

  // Allocates a zero-filled host tensor (strings are empty). Fails with
  // InvalidArgument for negative dims and ResourceExhausted for sizes above
  // kMaxAllocationBytes or when memory runs out.
  static absl::StatusOr<Tensor> Create(DataType dtype, Shape shape);

  // Host tensor holding a copy of `values`. Precondition: values.size()
  // equals the element count of `shape`.
  template <typename T>
  static Tensor FromVector(const std::vector<T>& values, Shape shape);
  template <typename T>
  static Tensor Scalar(T value) {
    return FromVector<T>({value}, {});
  }

  // Wraps memory the caller owns. `keep_alive` (may be null) is held for as
  // long as any handle to the storage exists; `data` must stay valid that long.
  static Tensor Wrap(DataType dtype, Shape shape, void* data,
                     std::shared_ptr<void> keep_alive,
                     MemoryLocation location = {});

  bool defined() const { return dtype_ != DataType::kUndefined; }
  DataType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  int64_t dim(int64_t axis) const { return shape_[axis]; }
  int64_t num_elements() const { return num_elements_; }
  size_t byte_size() const { return static_cast<size_t>(num_elements_) * DataTypeSize(dtype_); }
  const MemoryLocation& location() const { return location_; }

  void* raw_data() { return data_; }
  const void* raw_data() const { return data_; }
  template <typename T>
  T* data() { return static_cast<T*>(data_); }
  template <typename T>
  const T* data() const { return static_cast<const T*>(data_); }
  template <typename T>
  std::span<const T> values() const {
    return {data<T>(), static_cast<size_t>(num_elements_)};
  }
  template <typename T>
  std::span<T> mutable_values() {
    return {data<T>(), static_cast<size_t>(num_elements_)};
  }

  // Same storage, new shape. Fails when the element counts differ.
  absl::StatusOr<Tensor> Reshaped(Shape shape) const;

  // Deep copy into fresh host storage. Precondition: host tensor.
  absl::StatusOr<Tensor> Clone() const;

  // True when both handles refer to the same storage and view.
  bool SharesStorageWith(const Tensor& other) const { return storage_ == other.storage_; }

 private:
  DataType dtype_ = DataType::kUndefined;
  Shape shape_;
  int64_t num_elements_ = 0;
  void* data_ = nullptr;
  std::shared_ptr<void> storage_;
  MemoryLocation location_;
};

template <typename T>
Tensor Tensor::FromVector(const std::vector<T>& values, Shape shape) {
  Tensor t = Create(kDataTypeOf<T>, std::move(shape)).value();
  T* out = t.data<T>();
  for (size_t i = 0; i < values.size() && i < static_cast<size_t>(t.num_elements()); ++i) {
    out[i] = values[i];
  }
  return t;
}

}  // namespace braid

#endif  // BRAID_TENSOR_H_
