// DeviceAllocator: a caching allocator over GpuApi. Freed blocks are kept
// by size class and reused, since device malloc/free synchronize and are
// slow on real GPUs.
//
// Ownership: buffers come back as shared_ptr whose deleter returns the block
// to the cache; the deleter keeps the allocator (and through it the
// GpuApi) alive, so buffers may outlive the Device that made them.
// Callers must only drop a buffer once no queued work still uses it.
// Thread-safety: all methods are thread-safe.
#ifndef BRAID_BACKENDS_GPU_EXEC_DEVICE_ALLOCATOR_H_
#define BRAID_BACKENDS_GPU_EXEC_DEVICE_ALLOCATOR_H_

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>

#include "absl/status/statusor.h"
#include "backends/gpu/exec/gpu_api.h"

namespace braid::backends::gpu {

class DeviceAllocator : public std::enable_shared_from_this<DeviceAllocator> {
 public:
  // Largest total of cached (free) bytes kept; above it, freed blocks go
  // back to the device.
  static constexpr size_t kMaxCachedBytes = size_t{1} << 30;

  static std::shared_ptr<DeviceAllocator> Create(std::shared_ptr<GpuApi> api);
  ~DeviceAllocator();
  DeviceAllocator(const DeviceAllocator&) = delete;
  DeviceAllocator& operator=(const DeviceAllocator&) = delete;

  // A block of at least `bytes` (never null, even for 0 bytes). On device
  // out-of-memory the cache is released and the allocation retried once.
  absl::StatusOr<std::shared_ptr<void>> Allocate(size_t bytes);

  // Returns every cached block to the device.
  void ReleaseCache();

  size_t cached_bytes() const;

 private:
  explicit DeviceAllocator(std::shared_ptr<GpuApi> api) : api_(std::move(api)) {}
  static size_t SizeClass(size_t bytes);
  void Recycle(void* ptr, size_t size_class);

  std::shared_ptr<GpuApi> api_;
  mutable std::mutex mu_;
  std::multimap<size_t, void*> free_;  // size class -> block
  size_t cached_bytes_ = 0;
};

}  // namespace braid::backends::gpu

#endif  // BRAID_BACKENDS_GPU_EXEC_DEVICE_ALLOCATOR_H_
