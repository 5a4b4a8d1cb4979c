#include "scheduler/virtual_clock.h"

#include <algorithm>
#include <utility>

namespace braid::scheduler {

void VirtualClock::RunAt(Nanos when, std::function<void()> fn) {
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
    fns_[slot] = std::move(fn);
  } else {
    slot = static_cast<uint32_t>(fns_.size());
    fns_.push_back(std::move(fn));
  }
  heap_.push_back(Event{std::max(when, now_), next_seq_++, slot});
  std::push_heap(heap_.begin(), heap_.end(), Later());
}

bool VirtualClock::Step() {
  if (heap_.empty()) return false;
  std::pop_heap(heap_.begin(), heap_.end(), Later());
  const Event event = heap_.back();
  heap_.pop_back();
  now_ = event.when;
  std::function<void()> fn = std::move(fns_[event.slot]);
  fns_[event.slot] = nullptr;
  free_.push_back(event.slot);
  ++events_run_;
  fn();
  return true;
}

int64_t VirtualClock::RunUntil(Nanos until) {
  int64_t n = 0;
  while (!heap_.empty() && heap_.front().when <= until) {
    Step();
    ++n;
  }
  now_ = std::max(now_, until);
  return n;
}

int64_t VirtualClock::RunUntilIdle() {
  int64_t n = 0;
  while (Step()) ++n;
  return n;
}

}  // namespace braid::scheduler
