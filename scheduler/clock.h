// Clocks: where the scheduler reads the time and arms its timers.
//
// The scheduler core never sleeps and never reads a system clock directly;
// it asks a Clock. RealClock is a steady clock with a timer thread (serving
// real requests); VirtualClock (virtual_clock.h) is a discrete-event loop on
// simulated time (the fleet simulator and deterministic tests).
#ifndef BRAID_SCHEDULER_CLOCK_H_
#define BRAID_SCHEDULER_CLOCK_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "scheduler/types.h"

namespace braid::scheduler {

class Clock {
 public:
  virtual ~Clock() = default;
  // The current time. Thread-safe.
  virtual Nanos Now() const = 0;
  // Runs `fn` once, at or after `when`, on the clock's own context (a timer
  // thread, or the event loop); never inside this call. Callbacks due at the
  // same time run in the order they were armed. Thread-safe.
  virtual void RunAt(Nanos when, std::function<void()> fn) = 0;
};

// A monotonic real-time clock (std::chrono::steady_clock, nanoseconds since
// construction) with one timer thread that runs the callbacks. Callbacks
// still pending at destruction are dropped; the destructor waits for a
// callback that is running. Thread-safe.
class RealClock final : public Clock {
 public:
  RealClock();
  ~RealClock() override;
  RealClock(const RealClock&) = delete;
  RealClock& operator=(const RealClock&) = delete;

  Nanos Now() const override;
  void RunAt(Nanos when, std::function<void()> fn) override;

 private:
  struct Timer {
    Nanos when;
    uint64_t seq;
    std::function<void()> fn;
  };
  struct Later {
    bool operator()(const Timer& a, const Timer& b) const {
      return a.when != b.when ? a.when > b.when : a.seq > b.seq;
    }
  };
  void Loop();

  const int64_t origin_ns_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Timer> heap_;  // guarded by mu_
  uint64_t next_seq_ = 0;    // guarded by mu_
  bool stop_ = false;        // guarded by mu_
  std::thread thread_;
};

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_CLOCK_H_
