// Health and failover on the virtual clock: re-dispatch of failed and hung
// batches, circuit breaking, vendor outages, drains, parking. Every request
// is answered exactly once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "scheduler/scheduler.h"
#include "scheduler/virtual_clock.h"
#include "tests/scheduler/test_targets.h"

namespace braid::scheduler {
namespace {

using ::braid::scheduler::testing::MakeInfo;
using ::braid::scheduler::testing::ManualTarget;

class FailoverTest : public ::testing::Test {
 protected:
  // `per_vendor` devices of vendor "amd" and as many of "nvidia".
  void Build(int per_vendor, SchedulerOptions options = {}, std::string policy = "round-robin") {
    options.on_event = [this](const SchedulerEvent& e) {
      events_.push_back(std::string(SchedulerEventName(e.kind)) + " " + (e.device.empty() ? e.vendor : e.device));
    };
    scheduler_ = Scheduler::Create(&clock_, MakePolicy(policy).value(), std::move(options)).value();
    ASSERT_TRUE(scheduler_->RegisterModel(ModelConfig{"m", 1, 0, 64, {}}).ok());
    for (const char* vendor : {"amd", "nvidia"}) {
      for (int i = 0; i < per_vendor; ++i) {
        devices_.push_back(std::make_unique<ManualTarget>(
            MakeInfo(std::string(vendor) + std::to_string(i), vendor)));
        ASSERT_TRUE(scheduler_->AddDevice(devices_.back().get()).ok());
      }
    }
  }
  uint64_t Submit(Nanos deadline = kNoDeadline) {
    Request r;
    r.model = "m";
    r.deadline = deadline;
    const uint64_t n = submitted_++;
    scheduler_->Submit(std::move(r), [this, n](Response resp) {
      ++answer_count_[n];
      answers_[n] = std::move(resp);
    });
    return n;
  }
  // Every submitted request answered exactly once.
  void ExpectAllAnsweredOnce() {
    EXPECT_EQ(answer_count_.size(), submitted_);
    for (const auto& [n, count] : answer_count_) EXPECT_EQ(count, 1) << "request " << n;
  }
  ManualTarget& dev(int i) { return *devices_[i]; }
  bool Has(const std::string& event) const {
    return std::find(events_.begin(), events_.end(), event) != events_.end();
  }

  VirtualClock clock_;
  std::vector<std::unique_ptr<ManualTarget>> devices_;
  uint64_t submitted_ = 0;
  std::map<uint64_t, int> answer_count_;
  std::map<uint64_t, Response> answers_;
  std::vector<std::string> events_;
  std::unique_ptr<Scheduler> scheduler_;  // last: its shutdown answers into the maps
};

TEST_F(FailoverTest, FailedBatchIsRedispatchedToAnotherDevice) {
  Build(1);
  const uint64_t id = Submit();
  ASSERT_EQ(dev(0).started.size(), 1u);  // round-robin: amd0 first
  dev(0).Fail(0);
  ASSERT_EQ(dev(1).started.size(), 1u);
  dev(1).Complete(0);
  ExpectAllAnsweredOnce();
  EXPECT_TRUE(answers_[id].status.ok()) << answers_[id].status;
  EXPECT_EQ(answers_[id].attempts, 2);
  EXPECT_EQ(answers_[id].device, 1);
  const MetricsSnapshot m = scheduler_->Metrics();
  EXPECT_EQ(m.total.redispatched, 1);
  EXPECT_EQ(m.per_device.at("amd0").device_errors, 1);
  EXPECT_EQ(m.per_device.at("amd0").redispatched, 1);
}

TEST_F(FailoverTest, CircuitOpensThenProbesAndCloses) {
  SchedulerOptions options;
  options.health.failures_to_open = 2;
  options.health.open_cooldown = Milliseconds(100);
  Build(1, options);
  // Two failures in a row on amd0 open its circuit.
  for (int i = 0; i < 4; ++i) Submit();  // round-robin: each device runs one, queues one
  ASSERT_EQ(dev(0).started.size(), 1u);
  dev(0).Fail(0);
  EXPECT_EQ(scheduler_->Devices()[0].circuit, CircuitState::kClosed);
  ASSERT_EQ(dev(0).started.size(), 2u);
  dev(0).Fail(1);
  EXPECT_EQ(scheduler_->Devices()[0].circuit, CircuitState::kOpen);
  EXPECT_TRUE(Has("circuit-opened amd0"));
  // Everything goes to nvidia0 while amd0 is open.
  const size_t before = dev(0).started.size();
  for (int i = 0; i < 4; ++i) Submit();
  EXPECT_EQ(dev(0).started.size(), before);
  dev(1).CompleteAll();
  dev(1).CompleteAll();
  // After the cooldown, the health check passes: half-open, one probe.
  clock_.RunUntil(clock_.Now() + Milliseconds(100));
  EXPECT_EQ(scheduler_->Devices()[0].circuit, CircuitState::kHalfOpen);
  Submit();
  Submit();
  Submit();
  EXPECT_EQ(dev(0).unfinished(), 1);  // exactly one probe
  dev(0).CompleteAll();
  EXPECT_EQ(scheduler_->Devices()[0].circuit, CircuitState::kClosed);
  EXPECT_TRUE(Has("circuit-closed amd0"));
  dev(1).CompleteAll();
  dev(0).CompleteAll();
  dev(1).CompleteAll();
  ExpectAllAnsweredOnce();
  for (const auto& [n, r] : answers_) EXPECT_TRUE(r.status.ok()) << n << ": " << r.status;
}

TEST_F(FailoverTest, FailingHealthCheckKeepsTheCircuitOpen) {
  SchedulerOptions options;
  options.health.failures_to_open = 1;
  options.health.open_cooldown = Milliseconds(100);
  Build(1, options);
  Submit();
  dev(0).healthy = false;
  dev(0).Fail(0);
  dev(1).CompleteAll();
  clock_.RunUntil(Milliseconds(1000));
  EXPECT_EQ(scheduler_->Devices()[0].circuit, CircuitState::kOpen);
  dev(0).healthy = true;
  clock_.RunUntil(Milliseconds(20000));
  EXPECT_EQ(scheduler_->Devices()[0].circuit, CircuitState::kHalfOpen);
  ExpectAllAnsweredOnce();
}

TEST_F(FailoverTest, WatchdogMovesAHungBatchAndIgnoresItsLateResult) {
  SchedulerOptions options;
  options.health.watchdog_min = Milliseconds(50);
  options.health.watchdog_unproven = Milliseconds(50);
  Build(1, options);
  const uint64_t id = Submit();
  ASSERT_EQ(dev(0).started.size(), 1u);
  clock_.RunUntil(Milliseconds(49));
  EXPECT_TRUE(dev(1).started.empty());
  clock_.RunUntil(Milliseconds(50));
  ASSERT_EQ(dev(1).started.size(), 1u);
  EXPECT_TRUE(dev(0).started[0].job.cancelled->load());
  EXPECT_EQ(scheduler_->Devices()[0].circuit, CircuitState::kOpen);
  dev(1).Complete(0);
  dev(0).Complete(0);  // the hung device wakes up: ignored
  ExpectAllAnsweredOnce();
  EXPECT_TRUE(answers_[id].status.ok());
  EXPECT_EQ(answers_[id].device, 1);
  EXPECT_EQ(scheduler_->Metrics().per_device.at("amd0").timeouts, 1);
}

TEST_F(FailoverTest, VendorOutageMovesQueuedWorkToTheOtherVendor) {
  SchedulerOptions options;
  options.health.failures_to_open = 1;
  Build(4, options);
  // Two requests per device: one running, one queued.
  for (int i = 0; i < 16; ++i) Submit();
  for (int d = 4; d < 8; ++d) dev(d).Fail(0);  // all of nvidia fails
  EXPECT_TRUE(Has("vendor-down nvidia"));
  const std::vector<VendorStatus> vendors = scheduler_->Vendors();
  EXPECT_TRUE(vendors[1].down);
  EXPECT_FALSE(vendors[0].down);
  // Queued and failed nvidia requests now sit on amd; new ones go there too.
  for (int i = 0; i < 8; ++i) Submit();
  for (int d = 4; d < 8; ++d) EXPECT_EQ(dev(d).unfinished(), 0);
  for (int round = 0; round < 10; ++round) {
    for (int d = 0; d < 4; ++d) dev(d).CompleteAll();
  }
  ExpectAllAnsweredOnce();
  for (const auto& [n, r] : answers_) {
    EXPECT_TRUE(r.status.ok()) << n << ": " << r.status;
    EXPECT_LT(r.device, 4) << n;
  }
}

TEST_F(FailoverTest, DrainMovesQueuedWorkFinishesInFlightThenReports) {
  Build(1);
  for (int i = 0; i < 4; ++i) Submit();  // amd0 and nvidia0: one running, one queued each
  bool drained = false;
  ASSERT_TRUE(scheduler_->Drain("amd0", [&] { drained = true; }).ok());
  EXPECT_FALSE(drained);
  EXPECT_TRUE(scheduler_->Devices()[0].draining);
  EXPECT_EQ(scheduler_->Devices()[0].queued, 0);
  for (int i = 0; i < 2; ++i) Submit();
  EXPECT_EQ(dev(0).started.size(), 1u);  // nothing new on amd0
  dev(0).CompleteAll();
  EXPECT_TRUE(drained);
  for (int round = 0; round < 6; ++round) dev(1).CompleteAll();
  ExpectAllAnsweredOnce();
  for (const auto& [n, r] : answers_) EXPECT_TRUE(r.status.ok()) << r.status;
  ASSERT_TRUE(scheduler_->Resume("amd0").ok());
  Submit();
  Submit();
  EXPECT_EQ(dev(0).started.size(), 2u);
  EXPECT_EQ(scheduler_->Drain("nope").code(), absl::StatusCode::kNotFound);
}

TEST_F(FailoverTest, DrainVendorReportsOnceWhenAllItsDevicesAreIdle) {
  Build(2);
  for (int i = 0; i < 8; ++i) Submit();
  int drained = 0;
  ASSERT_TRUE(scheduler_->DrainVendor("nvidia", [&] { ++drained; }).ok());
  for (int i = 0; i < 4; ++i) Submit();
  dev(2).CompleteAll();
  EXPECT_EQ(drained, 0);
  dev(3).CompleteAll();
  EXPECT_EQ(drained, 1);
  for (int round = 0; round < 8; ++round) {
    dev(0).CompleteAll();
    dev(1).CompleteAll();
  }
  EXPECT_EQ(dev(2).started.size(), 1u);
  EXPECT_EQ(dev(3).started.size(), 1u);
  ExpectAllAnsweredOnce();
  ASSERT_TRUE(scheduler_->ResumeVendor("nvidia").ok());
}

TEST_F(FailoverTest, RequestsParkUntilADeviceReturnsOrTheirDeadline) {
  SchedulerOptions options;
  options.health.failures_to_open = 1;
  options.health.open_cooldown = Milliseconds(100);
  options.health.vendor_down_min_devices = 1;
  Build(1, options);
  Submit();
  Submit();
  dev(0).Fail(0);
  dev(1).Fail(0);  // both circuits open; the two requests are parked
  const uint64_t with_deadline = Submit(clock_.Now() + Milliseconds(50));
  const uint64_t without = Submit();
  EXPECT_EQ(scheduler_->Metrics().parked, 4);
  clock_.RunUntil(Milliseconds(50));
  ASSERT_EQ(answer_count_.count(with_deadline), 1u);
  EXPECT_EQ(answers_[with_deadline].status.code(), absl::StatusCode::kDeadlineExceeded);
  clock_.RunUntil(Milliseconds(100));  // half-open: probes take parked work
  dev(0).CompleteAll();
  dev(1).CompleteAll();
  for (int round = 0; round < 4; ++round) {
    dev(0).CompleteAll();
    dev(1).CompleteAll();
  }
  ExpectAllAnsweredOnce();
  EXPECT_TRUE(answers_[without].status.ok()) << answers_[without].status;
}

TEST_F(FailoverTest, GivesUpAfterMaxAttempts) {
  SchedulerOptions options;
  options.max_attempts = 3;
  options.health.failures_to_open = 100;
  Build(1, options);
  const uint64_t id = Submit();
  for (int i = 0; i < 3; ++i) {
    for (int d = 0; d < 2; ++d) {
      for (size_t k = 0; k < dev(d).started.size(); ++k) {
        if (!dev(d).started[k].finished) dev(d).Fail(k);
      }
    }
  }
  ExpectAllAnsweredOnce();
  EXPECT_EQ(answers_[id].status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(answers_[id].attempts, 3);
}

}  // namespace
}  // namespace braid::scheduler
