// Execution targets for scheduler tests: a manual target whose batches the
// test finishes by hand, and a threaded target that finishes batches on its
// own worker thread (for real-clock tests).
#ifndef BRAID_TESTS_SCHEDULER_TEST_TARGETS_H_
#define BRAID_TESTS_SCHEDULER_TEST_TARGETS_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "scheduler/scheduler.h"
#include "scheduler/target.h"

namespace braid::scheduler::testing {

inline TargetInfo MakeInfo(std::string name, std::string vendor, std::string kind = "gpu") {
  TargetInfo info;
  info.name = std::move(name);
  info.vendor = std::move(vendor);
  info.kind = std::move(kind);
  info.peak_gflops = 1000;
  info.memory_bandwidth_gbps = 1000;
  info.launch_overhead_us = 10;
  info.busy_watts = 300;
  return info;
}

// Holds every started batch until the test finishes it. Single-threaded
// (virtual clock) use only.
class ManualTarget : public ExecutionTarget {
 public:
  explicit ManualTarget(TargetInfo info) : info_(std::move(info)) {}
  const TargetInfo& info() const override { return info_; }
  void StartBatch(BatchJob job, BatchDone done) override {
    started.push_back(Started{std::move(job), std::move(done), false});
  }
  absl::Status CheckHealth() override { return healthy ? absl::OkStatus() : absl::UnavailableError("down"); }

  // Finishes started batch `i` successfully; each output echoes its inputs.
  void Complete(size_t i) {
    Started& s = started.at(i);
    s.finished = true;
    BatchResult r;
    for (const NamedValues& in : s.job.inputs) r.outputs.emplace_back(in);
    BatchDone done = std::move(s.done);  // `started` may grow during the call
    done(std::move(r));
  }
  void Fail(size_t i, absl::Status status = absl::UnavailableError("injected device failure")) {
    Started& s = started.at(i);
    s.finished = true;
    BatchResult r;
    r.status = std::move(status);
    BatchDone done = std::move(s.done);
    done(std::move(r));
  }
  // Finishes every unfinished batch successfully; returns how many.
  int CompleteAll() {
    int n = 0;
    for (size_t i = 0; i < started.size(); ++i) {
      if (!started[i].finished) {
        Complete(i);
        ++n;
      }
    }
    return n;
  }
  int unfinished() const {
    int n = 0;
    for (const Started& s : started) n += s.finished ? 0 : 1;
    return n;
  }

  struct Started {
    BatchJob job;
    BatchDone done;
    bool finished;
  };
  std::vector<Started> started;
  bool healthy = true;

 private:
  TargetInfo info_;
};

// Finishes each batch on its own worker thread, echoing inputs as outputs.
// Thread-safe.
class ThreadedTarget : public ExecutionTarget {
 public:
  explicit ThreadedTarget(TargetInfo info) : info_(std::move(info)) {
    worker_ = std::thread([this] { Loop(); });
  }
  ~ThreadedTarget() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  const TargetInfo& info() const override { return info_; }
  void StartBatch(BatchJob job, BatchDone done) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.emplace_back(std::move(job), std::move(done));
    }
    cv_.notify_all();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      auto [job, done] = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      BatchResult r;
      for (NamedValues& in : job.inputs) r.outputs.emplace_back(std::move(in));
      done(std::move(r));
      lock.lock();
    }
  }

  TargetInfo info_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<BatchJob, BatchDone>> queue_;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace braid::scheduler::testing

#endif  // BRAID_TESTS_SCHEDULER_TEST_TARGETS_H_
