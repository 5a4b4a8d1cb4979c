// A fixed set of threads running queued tasks (Session::RunAsync).
#ifndef BRAID_RUNTIME_WORKER_POOL_H_
#define BRAID_RUNTIME_WORKER_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace braid::runtime {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  // Finishes queued tasks, then joins the threads.
  ~WorkerPool();
  // Queues `task`; thread-safe.
  void Submit(std::function<void()> task);

 private:
  void Loop();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace braid::runtime

#endif  // BRAID_RUNTIME_WORKER_POOL_H_
