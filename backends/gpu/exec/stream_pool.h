// StreamPool: reusable streams of one device. Each Executable::Run and each
// host/device copy borrows a stream and returns it when done.
// Thread-safety: thread-safe.
#ifndef BRAID_BACKENDS_GPU_EXEC_STREAM_POOL_H_
#define BRAID_BACKENDS_GPU_EXEC_STREAM_POOL_H_

#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/gpu/exec/gpu_api.h"

namespace braid::backends::gpu {

class StreamPool {
 public:
  explicit StreamPool(std::shared_ptr<GpuApi> api) : api_(std::move(api)) {}
  ~StreamPool() {
    for (void* s : free_) api_->DestroyStream(s);
  }
  StreamPool(const StreamPool&) = delete;
  StreamPool& operator=(const StreamPool&) = delete;

  // A borrowed stream, returned to the pool when the handle goes away.
  // The borrower synchronizes the stream before returning it.
  class Lease {
   public:
    Lease(StreamPool* pool, void* stream) : pool_(pool), stream_(stream) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), stream_(o.stream_) { o.pool_ = nullptr; }
    Lease(const Lease&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->Return(stream_);
    }
    void* get() const { return stream_; }

   private:
    StreamPool* pool_;
    void* stream_;
  };

  absl::StatusOr<Lease> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        void* s = free_.back();
        free_.pop_back();
        return Lease(this, s);
      }
    }
    absl::StatusOr<void*> s = api_->CreateStream();
    if (!s.ok()) return s.status();
    return Lease(this, *s);
  }

 private:
  void Return(void* stream) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(stream);
  }

  std::shared_ptr<GpuApi> api_;
  std::mutex mu_;
  std::vector<void*> free_;
};

}  // namespace braid::backends::gpu

#endif  // BRAID_BACKENDS_GPU_EXEC_STREAM_POOL_H_
