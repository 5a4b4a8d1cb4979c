// Device health: a circuit breaker per device fed by batch outcomes and the
// watchdog, and the options for vendor-wide outage detection.
#ifndef BRAID_SCHEDULER_HEALTH_H_
#define BRAID_SCHEDULER_HEALTH_H_

#include "scheduler/types.h"

namespace braid::scheduler {

struct HealthOptions {
  // Closed -> Open after this many device faults in a row ...
  int failures_to_open = 3;
  // ... or when the weighted fault rate reaches this (after min_samples).
  double error_rate_to_open = 0.5;
  int error_rate_min_samples = 20;
  double error_rate_alpha = 0.05;
  // Open -> HalfOpen after the cooldown (if the target's CheckHealth passes);
  // each failed probe doubles it, up to max_open_cooldown.
  Nanos open_cooldown = Seconds(1);
  Nanos max_open_cooldown = Seconds(8);
  // The watchdog gives up on a batch that has run longer than
  // max(watchdog_min, watchdog_factor * its estimated latency).
  double watchdog_factor = 8.0;
  Nanos watchdog_min = Milliseconds(100);
  // Until a (model, device) estimate is confident (see
  // SchedulerOptions::confident_after), the limit is at least this: a
  // prior can be far off.
  Nanos watchdog_unproven = Seconds(30);
  // A vendor is down when at least this fraction of its devices (and at
  // least vendor_down_min_devices) have open or half-open circuits; its
  // devices then take no traffic but half-open probes.
  double vendor_down_fraction = 0.5;
  int vendor_down_min_devices = 2;
};

enum class CircuitState { kClosed, kOpen, kHalfOpen };
const char* CircuitStateName(CircuitState state);

// One device's circuit breaker. Closed: traffic flows. Open: no traffic
// until the cooldown ends. HalfOpen: one probe batch of real traffic; its
// success closes the circuit, its failure reopens it with a longer
// cooldown. Not thread-safe (the scheduler's lock guards it).
class CircuitBreaker {
 public:
  CircuitBreaker() = default;
  explicit CircuitBreaker(const HealthOptions& options);

  CircuitState state() const { return state_; }
  // Each returns true when the state changed.
  bool RecordSuccess(Nanos now);
  // `hard` faults (a hung batch, a lost device) open the circuit at once.
  bool RecordFailure(Nanos now, bool hard);
  // Open -> HalfOpen, when the cooldown has passed.
  bool TryHalfOpen(Nanos now);
  // Keeps the circuit open for another (doubled) cooldown from `now`.
  void ExtendOpen(Nanos now);

  Nanos retry_at() const { return retry_at_; }
  double error_rate() const { return error_rate_; }
  int consecutive_failures() const { return consecutive_failures_; }
  int64_t times_opened() const { return times_opened_; }

 private:
  void Open(Nanos now);

  HealthOptions options_;
  CircuitState state_ = CircuitState::kClosed;
  int consecutive_failures_ = 0;
  int samples_ = 0;
  double error_rate_ = 0;
  Nanos cooldown_ = 0;
  Nanos retry_at_ = 0;
  int64_t times_opened_ = 0;
};

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_HEALTH_H_
