// VirtualClock: simulated time driven by a discrete-event loop.
//
// Time moves only when the owner runs events: each event's callback runs at
// its due time, in (time, arming order), so a run is deterministic. Nothing
// sleeps. Not thread-safe: arm and run events from one thread (the
// simulator's), including from inside callbacks.
#ifndef BRAID_SCHEDULER_VIRTUAL_CLOCK_H_
#define BRAID_SCHEDULER_VIRTUAL_CLOCK_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "scheduler/clock.h"

namespace braid::scheduler {

class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(Nanos start = 0) : now_(start) {}

  Nanos Now() const override { return now_; }
  // Arms `fn` at `when`; a time in the past means "now" (after the events
  // already due now).
  void RunAt(Nanos when, std::function<void()> fn) override;

  // Runs the earliest pending event, advancing the time to it. Returns
  // false when none is pending.
  bool Step();
  // Runs events due at or before `until`, then sets the time to `until`
  // (never backwards). Returns the number of events run.
  int64_t RunUntil(Nanos until);
  // Runs events until none remain. Returns the number run.
  int64_t RunUntilIdle();

  size_t pending() const { return heap_.size(); }
  // Due time of the earliest pending event; kNoDeadline when none.
  Nanos next_due() const { return heap_.empty() ? kNoDeadline : heap_.front().when; }
  int64_t events_run() const { return events_run_; }

 private:
  struct Event {
    Nanos when;
    uint64_t seq;
    uint32_t slot;  // index into fns_
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.when != b.when ? a.when > b.when : a.seq > b.seq;
    }
  };

  Nanos now_;
  uint64_t next_seq_ = 0;
  int64_t events_run_ = 0;
  std::vector<Event> heap_;
  std::vector<std::function<void()>> fns_;  // callbacks, reused through free_
  std::vector<uint32_t> free_;
};

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_VIRTUAL_CLOCK_H_
