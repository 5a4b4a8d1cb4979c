#include "scheduler/health.h"

#include <gtest/gtest.h>

namespace braid::scheduler {
namespace {

HealthOptions Options() {
  HealthOptions o;
  o.failures_to_open = 3;
  o.open_cooldown = Milliseconds(100);
  o.max_open_cooldown = Milliseconds(400);
  o.error_rate_to_open = 0.5;
  o.error_rate_min_samples = 10;
  o.error_rate_alpha = 0.2;
  return o;
}

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailures) {
  CircuitBreaker b(Options());
  EXPECT_FALSE(b.RecordFailure(0, false));
  EXPECT_FALSE(b.RecordFailure(0, false));
  EXPECT_FALSE(b.RecordSuccess(0));  // resets the streak
  EXPECT_FALSE(b.RecordFailure(0, false));
  EXPECT_FALSE(b.RecordFailure(0, false));
  EXPECT_TRUE(b.RecordFailure(Milliseconds(7), false));
  EXPECT_EQ(b.state(), CircuitState::kOpen);
  EXPECT_EQ(b.retry_at(), Milliseconds(107));
  EXPECT_EQ(b.times_opened(), 1);
}

TEST(CircuitBreakerTest, HardFailureOpensAtOnce) {
  CircuitBreaker b(Options());
  EXPECT_TRUE(b.RecordFailure(0, true));
  EXPECT_EQ(b.state(), CircuitState::kOpen);
}

TEST(CircuitBreakerTest, OpensOnAHighErrorRateWithoutAStreak) {
  CircuitBreaker b(Options());
  bool opened = false;
  for (int i = 0; i < 40 && !opened; ++i) {
    opened = (i % 3 == 2) ? b.RecordSuccess(0) : b.RecordFailure(0, false);
  }
  EXPECT_TRUE(opened);
  EXPECT_EQ(b.state(), CircuitState::kOpen);
}

TEST(CircuitBreakerTest, HalfOpenProbeClosesOrReopensWithBackoff) {
  CircuitBreaker b(Options());
  b.RecordFailure(0, true);
  EXPECT_FALSE(b.TryHalfOpen(Milliseconds(99)));
  EXPECT_TRUE(b.TryHalfOpen(Milliseconds(100)));
  EXPECT_EQ(b.state(), CircuitState::kHalfOpen);
  EXPECT_TRUE(b.RecordFailure(Milliseconds(100), false));  // probe failed
  EXPECT_EQ(b.state(), CircuitState::kOpen);
  EXPECT_EQ(b.retry_at(), Milliseconds(300));  // cooldown doubled
  b.ExtendOpen(Milliseconds(300));
  EXPECT_EQ(b.retry_at(), Milliseconds(700));  // capped at 400 ms
  EXPECT_TRUE(b.TryHalfOpen(Milliseconds(700)));
  EXPECT_TRUE(b.RecordSuccess(Milliseconds(701)));
  EXPECT_EQ(b.state(), CircuitState::kClosed);
  b.RecordFailure(Milliseconds(800), true);
  EXPECT_EQ(b.retry_at(), Milliseconds(900));  // back to the first cooldown
}

TEST(CircuitBreakerTest, StateNames) {
  EXPECT_STREQ(CircuitStateName(CircuitState::kClosed), "closed");
  EXPECT_STREQ(CircuitStateName(CircuitState::kOpen), "open");
  EXPECT_STREQ(CircuitStateName(CircuitState::kHalfOpen), "half-open");
}

}  // namespace
}  // namespace braid::scheduler
