#include "scheduler/health.h"

#include <algorithm>

namespace braid::scheduler {

const char* CircuitStateName(CircuitState state) {
  switch (state) {
    case CircuitState::kClosed:
      return "closed";
    case CircuitState::kOpen:
      return "open";
    case CircuitState::kHalfOpen:
      return "half-open";
  }
  return "unknown";
}

CircuitBreaker::CircuitBreaker(const HealthOptions& options)
    : options_(options), cooldown_(options.open_cooldown) {}

bool CircuitBreaker::RecordSuccess(Nanos now) {
  consecutive_failures_ = 0;
  ++samples_;
  error_rate_ *= 1 - options_.error_rate_alpha;
  if (state_ == CircuitState::kHalfOpen) {
    state_ = CircuitState::kClosed;
    cooldown_ = options_.open_cooldown;
    samples_ = 0;
    error_rate_ = 0;
    return true;
  }
  return false;
}

bool CircuitBreaker::RecordFailure(Nanos now, bool hard) {
  ++consecutive_failures_;
  ++samples_;
  error_rate_ = (1 - options_.error_rate_alpha) * error_rate_ + options_.error_rate_alpha;
  switch (state_) {
    case CircuitState::kOpen:
      return false;
    case CircuitState::kHalfOpen:
      cooldown_ = std::min(cooldown_ * 2, options_.max_open_cooldown);
      Open(now);
      return true;
    case CircuitState::kClosed:
      if (hard || consecutive_failures_ >= options_.failures_to_open ||
          (samples_ >= options_.error_rate_min_samples &&
           error_rate_ >= options_.error_rate_to_open)) {
        Open(now);
        return true;
      }
      return false;
  }
  return false;
}

bool CircuitBreaker::TryHalfOpen(Nanos now) {
  if (state_ != CircuitState::kOpen || now < retry_at_) return false;
  state_ = CircuitState::kHalfOpen;
  return true;
}

void CircuitBreaker::ExtendOpen(Nanos now) {
  cooldown_ = std::min(cooldown_ * 2, options_.max_open_cooldown);
  retry_at_ = AddSat(now, cooldown_);
}

void CircuitBreaker::Open(Nanos now) {
  state_ = CircuitState::kOpen;
  ++times_opened_;
  retry_at_ = AddSat(now, std::max<Nanos>(cooldown_, 1));
}

}  // namespace braid::scheduler
