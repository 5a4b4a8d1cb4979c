// Vocabulary of the scheduler: time, request ids and priorities.
//
// Time is a signed count of nanoseconds on the scheduler's Clock (a real
// steady clock, or the simulator's virtual clock); it is an integer so that
// simulated runs are exact and deterministic.
#ifndef BRAID_SCHEDULER_TYPES_H_
#define BRAID_SCHEDULER_TYPES_H_

#include <cstdint>
#include <limits>

namespace braid::scheduler {

// Nanoseconds on the scheduler's clock: absolute times and durations alike.
using Nanos = int64_t;

// "No deadline": later than every real time.
inline constexpr Nanos kNoDeadline = std::numeric_limits<Nanos>::max();

constexpr Nanos Microseconds(double us) { return static_cast<Nanos>(us * 1e3); }
constexpr Nanos Milliseconds(double ms) { return static_cast<Nanos>(ms * 1e6); }
constexpr Nanos Seconds(double s) { return static_cast<Nanos>(s * 1e9); }
constexpr double ToSeconds(Nanos t) { return static_cast<double>(t) * 1e-9; }
constexpr double ToMilliseconds(Nanos t) { return static_cast<double>(t) * 1e-6; }

// Saturating addition, so that kNoDeadline stays kNoDeadline.
constexpr Nanos AddSat(Nanos a, Nanos b) {
  if (b > 0 && a > std::numeric_limits<Nanos>::max() - b) return std::numeric_limits<Nanos>::max();
  if (b < 0 && a < std::numeric_limits<Nanos>::min() - b) return std::numeric_limits<Nanos>::min();
  return a + b;
}

// Identifies one submitted request for Cancel(). Never 0 for a real request.
using RequestId = uint64_t;
inline constexpr RequestId kInvalidRequestId = 0;

// Priorities run from 0 (lowest, the default) to kNumPriorities - 1;
// out-of-range values are clamped.
inline constexpr int kNumPriorities = 4;

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_TYPES_H_
