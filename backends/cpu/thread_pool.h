// Intra-op parallelism for CPU kernels, on a oneTBB task arena of a fixed
// number of threads (one per session). Thread-safe.
#ifndef BRAID_BACKENDS_CPU_THREAD_POOL_H_
#define BRAID_BACKENDS_CPU_THREAD_POOL_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "tbb/task_arena.h"

namespace braid::backends::cpu {

class ThreadPool {
 public:
  // `threads` <= 0 means all hardware threads.
  explicit ThreadPool(int threads);
  ~ThreadPool();

  int num_threads() const { return threads_; }
  // Runs `fn` inside the arena so nested ParallelFor calls use its threads.
  void Execute(const std::function<void()>& fn) const;
  // Splits [0, n) into chunks worth at least ~kMinChunkCost scalar ops and
  // runs fn(begin, end) on them in parallel; inline when the loop is small.
  void ParallelFor(int64_t n, double cost_per_item, const std::function<void(int64_t, int64_t)>& fn) const;

  static constexpr double kMinChunkCost = 16384;

 private:
  int threads_;
  std::unique_ptr<tbb::task_arena> arena_;
};

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_THREAD_POOL_H_
