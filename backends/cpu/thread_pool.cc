#include "backends/cpu/thread_pool.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "tbb/blocked_range.h"
#include "tbb/parallel_for.h"
#include "tbb/task_arena.h"

namespace braid::backends::cpu {

ThreadPool::ThreadPool(int threads)
    : threads_(threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency())),
      arena_(std::make_unique<tbb::task_arena>(threads_)) {}

ThreadPool::~ThreadPool() = default;

void ThreadPool::Execute(const std::function<void()>& fn) const { arena_->execute(fn); }

void ThreadPool::ParallelFor(int64_t n, double cost_per_item,
                             const std::function<void(int64_t, int64_t)>& fn) const {
  if (n <= 0) return;
  double total = static_cast<double>(n) * std::max(cost_per_item, 1.0);
  if (threads_ == 1 || n == 1 || total < 2 * kMinChunkCost) {
    fn(0, n);
    return;
  }
  int64_t grain = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(kMinChunkCost / std::max(cost_per_item, 1.0))));
  // At most a few chunks per thread keeps scheduling overhead low.
  grain = std::max<int64_t>(grain, n / (threads_ * 8));
  tbb::parallel_for(tbb::blocked_range<int64_t>(0, n, grain),
                    [&](const tbb::blocked_range<int64_t>& r) { fn(r.begin(), r.end()); });
}

}  // namespace braid::backends::cpu
