#include "backends/gpu/exec/device_allocator.h"

#include <utility>
#include <vector>

namespace braid::backends::gpu {

std::shared_ptr<DeviceAllocator> DeviceAllocator::Create(std::shared_ptr<GpuApi> api) {
  return std::shared_ptr<DeviceAllocator>(new DeviceAllocator(std::move(api)));
}

DeviceAllocator::~DeviceAllocator() { ReleaseCache(); }

size_t DeviceAllocator::SizeClass(size_t bytes) {
  constexpr size_t kMin = 256;
  constexpr size_t kLarge = size_t{1} << 20;
  if (bytes <= kMin) return kMin;
  if (bytes <= kLarge) {
    size_t c = kMin;
    while (c < bytes) c <<= 1;
    return c;
  }
  return (bytes + kLarge - 1) / kLarge * kLarge;
}

absl::StatusOr<std::shared_ptr<void>> DeviceAllocator::Allocate(size_t bytes) {
  const size_t size_class = SizeClass(bytes);
  void* ptr = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = free_.find(size_class);
    if (it != free_.end()) {
      ptr = it->second;
      free_.erase(it);
      cached_bytes_ -= size_class;
    }
  }
  if (ptr == nullptr) {
    absl::StatusOr<void*> fresh = api_->Allocate(size_class);
    if (!fresh.ok() && absl::IsResourceExhausted(fresh.status())) {
      ReleaseCache();
      fresh = api_->Allocate(size_class);
    }
    if (!fresh.ok()) return fresh.status();
    ptr = *fresh;
  }
  std::shared_ptr<DeviceAllocator> self = shared_from_this();
  return std::shared_ptr<void>(ptr, [self, size_class](void* p) { self->Recycle(p, size_class); });
}

void DeviceAllocator::Recycle(void* ptr, size_t size_class) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cached_bytes_ + size_class <= kMaxCachedBytes) {
      free_.emplace(size_class, ptr);
      cached_bytes_ += size_class;
      return;
    }
  }
  api_->Free(ptr);
}

void DeviceAllocator::ReleaseCache() {
  std::vector<void*> blocks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [size, ptr] : free_) blocks.push_back(ptr);
    free_.clear();
    cached_bytes_ = 0;
  }
  for (void* p : blocks) api_->Free(p);
}

size_t DeviceAllocator::cached_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cached_bytes_;
}

}  // namespace braid::backends::gpu
