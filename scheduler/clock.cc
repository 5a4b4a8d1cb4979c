#include "scheduler/clock.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace braid::scheduler {
namespace {

int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

RealClock::RealClock() : origin_ns_(SteadyNanos()) { thread_ = std::thread([this] { Loop(); }); }

RealClock::~RealClock() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Nanos RealClock::Now() const { return SteadyNanos() - origin_ns_; }

void RealClock::RunAt(Nanos when, std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    heap_.push_back(Timer{when, next_seq_++, std::move(fn)});
    std::push_heap(heap_.begin(), heap_.end(), Later());
  }
  cv_.notify_all();
}

void RealClock::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    if (heap_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const Nanos due = heap_.front().when;
    const Nanos now = Now();
    if (due > now) {
      cv_.wait_for(lock, std::chrono::nanoseconds(due - now));
      continue;
    }
    std::pop_heap(heap_.begin(), heap_.end(), Later());
    std::function<void()> fn = std::move(heap_.back().fn);
    heap_.pop_back();
    lock.unlock();
    fn();
    lock.lock();
  }
}

}  // namespace braid::scheduler
