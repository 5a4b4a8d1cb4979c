// Scheduler behaviour on the virtual clock: batching, max queue delay,
// priorities, deadlines, admission control, cancellation, metrics.
#include "scheduler/scheduler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scheduler/virtual_clock.h"
#include "tests/scheduler/test_targets.h"

namespace braid::scheduler {
namespace {

using ::braid::scheduler::testing::MakeInfo;
using ::braid::scheduler::testing::ManualTarget;

NamedValues Tag(float value) { return {{"x", Value(Tensor::Scalar<float>(value))}}; }
float TagOf(const NamedValues& v) { return v.at(0).second.tensor().values<float>()[0]; }

class SchedulerTest : public ::testing::Test {
 protected:
  void Build(SchedulerOptions options = {}, std::string policy = "ect", ModelConfig model = {}) {
    scheduler_ = Scheduler::Create(&clock_, MakePolicy(policy).value(), std::move(options)).value();
    if (model.name.empty()) {
      model.name = "m";
      model.max_batch_size = 4;
      model.max_queue_delay = Milliseconds(2);
      model.queue_capacity = 16;
    }
    ASSERT_TRUE(scheduler_->RegisterModel(model).ok());
    ASSERT_TRUE(scheduler_->AddDevice(&device_).ok());
  }
  RequestId Submit(float tag, Nanos deadline = kNoDeadline, int priority = 0, std::string model = "m",
                   std::string tenant = "") {
    Request r;
    r.model = std::move(model);
    r.inputs = Tag(tag);
    r.deadline = deadline;
    r.priority = priority;
    r.tenant = std::move(tenant);
    return scheduler_->Submit(std::move(r), [this](Response resp) { answers_.push_back(std::move(resp)); });
  }

  VirtualClock clock_;
  ManualTarget device_{MakeInfo("gpu0", "amd")};
  std::vector<Response> answers_;
  std::unique_ptr<Scheduler> scheduler_;  // last: its shutdown answers into answers_
};

TEST_F(SchedulerTest, FullQueueStartsABatchAtOnce) {
  Build();
  for (int i = 0; i < 4; ++i) Submit(static_cast<float>(i));
  ASSERT_EQ(device_.started.size(), 1u);
  EXPECT_EQ(device_.started[0].job.inputs.size(), 4u);
  EXPECT_EQ(device_.started[0].job.model, "m");
  device_.CompleteAll();
  ASSERT_EQ(answers_.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(answers_[i].status.ok()) << answers_[i].status;
    EXPECT_EQ(TagOf(answers_[i].outputs), static_cast<float>(i));
    EXPECT_EQ(answers_[i].batch_size, 4);
    EXPECT_EQ(answers_[i].attempts, 1);
    EXPECT_EQ(answers_[i].device, 0);
  }
}

TEST_F(SchedulerTest, PartialBatchWaitsExactlyMaxQueueDelay) {
  Build();
  Submit(1);
  EXPECT_TRUE(device_.started.empty());
  clock_.RunUntil(Milliseconds(2) - 1);
  EXPECT_TRUE(device_.started.empty());
  clock_.RunUntil(Milliseconds(2));
  ASSERT_EQ(device_.started.size(), 1u);
  EXPECT_EQ(device_.started[0].job.inputs.size(), 1u);
  device_.CompleteAll();
  ASSERT_EQ(answers_.size(), 1u);
  EXPECT_EQ(answers_[0].start_time, Milliseconds(2));
}

TEST_F(SchedulerTest, RequestsArrivingWhileBusyFormTheNextBatch) {
  Build();
  for (int i = 0; i < 4; ++i) Submit(static_cast<float>(i));
  ASSERT_EQ(device_.started.size(), 1u);
  for (int i = 0; i < 3; ++i) Submit(static_cast<float>(10 + i));
  clock_.RunUntil(Milliseconds(5));
  EXPECT_EQ(device_.started.size(), 1u);  // one batch at a time on this device
  device_.Complete(0);
  ASSERT_EQ(device_.started.size(), 2u);
  EXPECT_EQ(device_.started[1].job.inputs.size(), 3u);
  device_.CompleteAll();
  EXPECT_EQ(answers_.size(), 7u);
}

TEST_F(SchedulerTest, HigherPriorityRunsFirst) {
  ModelConfig model{"m", 2, Milliseconds(1), 16, {}};
  Build({}, "ect", model);
  Submit(0);
  Submit(1);  // batch 1 starts: {0, 1}
  ASSERT_EQ(device_.started.size(), 1u);
  Submit(2, kNoDeadline, 0);
  Submit(3, kNoDeadline, 0);
  Submit(4, kNoDeadline, 3);
  Submit(5, kNoDeadline, 3);
  device_.Complete(0);
  ASSERT_EQ(device_.started.size(), 2u);
  EXPECT_EQ(TagOf(device_.started[1].job.inputs[0]), 4);
  EXPECT_EQ(TagOf(device_.started[1].job.inputs[1]), 5);
}

TEST_F(SchedulerTest, DeadlinePassingInTheQueueIsAnsweredAndNeverRun) {
  Build();
  for (int i = 0; i < 4; ++i) Submit(static_cast<float>(i));  // occupies the device
  Submit(99, Milliseconds(5));
  clock_.RunUntil(Milliseconds(4));
  EXPECT_TRUE(answers_.empty());
  clock_.RunUntil(Milliseconds(5));
  ASSERT_EQ(answers_.size(), 1u);
  EXPECT_EQ(answers_[0].status.code(), absl::StatusCode::kDeadlineExceeded) << answers_[0].status;
  EXPECT_EQ(answers_[0].finish_time, Milliseconds(5));
  device_.CompleteAll();
  clock_.RunUntil(Milliseconds(50));
  for (const auto& s : device_.started) {
    for (const NamedValues& in : s.job.inputs) EXPECT_NE(TagOf(in), 99);
  }
  EXPECT_EQ(answers_.size(), 5u);
}

TEST_F(SchedulerTest, PastDeadlineIsRejectedAtSubmission) {
  Build();
  clock_.RunUntil(Milliseconds(10));
  Submit(1, Milliseconds(9));
  ASSERT_EQ(answers_.size(), 1u);
  EXPECT_EQ(answers_[0].status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(device_.started.empty());
}

TEST_F(SchedulerTest, ConfidentEstimateRejectsAnUnreachableDeadline) {
  Build();
  // Three batches of 4 that each take 10 ms make the estimate confident.
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) Submit(static_cast<float>(i));
    clock_.RunUntil(clock_.Now() + Milliseconds(10));
    device_.CompleteAll();
  }
  ASSERT_EQ(answers_.size(), 12u);
  const Nanos estimate = scheduler_->Devices()[0].estimates[0].second;
  EXPECT_GT(estimate, Milliseconds(5));
  Submit(7, clock_.Now() + Milliseconds(1));
  ASSERT_EQ(answers_.size(), 13u);
  EXPECT_EQ(answers_.back().status.code(), absl::StatusCode::kDeadlineExceeded) << answers_.back().status;
  // A reachable deadline is accepted.
  Submit(8, clock_.Now() + Milliseconds(500));
  EXPECT_EQ(answers_.size(), 13u);
}

TEST_F(SchedulerTest, EstimatesLearnFromObservedLatency) {
  Build();
  const Nanos prior = scheduler_->Devices()[0].estimates[0].second;
  for (int round = 0; round < 20; ++round) {
    Submit(1);
    clock_.RunUntil(clock_.Now() + Milliseconds(2));  // batching delay
    clock_.RunUntil(clock_.Now() + Milliseconds(20));
    device_.CompleteAll();
  }
  const Nanos learned = scheduler_->Devices()[0].estimates[0].second;
  EXPECT_NE(prior, learned);
  EXPECT_NEAR(ToMilliseconds(learned), 20.0, 1.0);
}

TEST_F(SchedulerTest, FullQueuesRejectWithResourceExhausted) {
  ModelConfig model{"m", 1, 0, 2, {}};
  Build({}, "ect", model);
  Submit(0);  // runs
  Submit(1);  // queued
  Submit(2);  // queued: queue full
  Submit(3);
  ASSERT_EQ(answers_.size(), 1u);
  EXPECT_EQ(answers_[0].status.code(), absl::StatusCode::kResourceExhausted) << answers_[0].status;
  device_.CompleteAll();
  device_.CompleteAll();
  device_.CompleteAll();
  EXPECT_EQ(answers_.size(), 4u);
}

TEST_F(SchedulerTest, MaxOutstandingAndTenantLimitsReject) {
  SchedulerOptions options;
  options.max_outstanding = 3;
  options.max_outstanding_per_tenant = 2;
  Build(options);
  Submit(0, kNoDeadline, 0, "m", "a");
  Submit(1, kNoDeadline, 0, "m", "a");
  Submit(2, kNoDeadline, 0, "m", "a");  // tenant a at its limit
  ASSERT_EQ(answers_.size(), 1u);
  EXPECT_EQ(answers_[0].status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(answers_[0].status.message()), ::testing::HasSubstr("tenant 'a'"));
  Submit(3, kNoDeadline, 0, "m", "b");
  Submit(4, kNoDeadline, 0, "m", "b");  // scheduler at max_outstanding
  ASSERT_EQ(answers_.size(), 2u);
  EXPECT_THAT(std::string(answers_[1].status.message()), ::testing::HasSubstr("max_outstanding"));
  const MetricsSnapshot m = scheduler_->Metrics();
  EXPECT_EQ(m.per_tenant.at("a").rejected, 1);
  EXPECT_EQ(m.per_tenant.at("b").rejected, 1);
  EXPECT_EQ(m.outstanding, 3);
}

TEST_F(SchedulerTest, UnknownModelAndUnservedModel) {
  Build();
  ASSERT_TRUE(scheduler_->RegisterModel(ModelConfig{"orphan", 1, 0, 4, {}}).ok());
  Submit(0, kNoDeadline, 0, "nope");
  Submit(0, kNoDeadline, 0, "orphan");
  ASSERT_EQ(answers_.size(), 2u);
  EXPECT_EQ(answers_[0].status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(answers_[1].status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(answers_[1].status.message()), ::testing::HasSubstr("orphan"));
}

TEST_F(SchedulerTest, RegistrationErrors) {
  Build();
  EXPECT_EQ(scheduler_->RegisterModel(ModelConfig{"m", 1, 0, 4, {}}).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(scheduler_->RegisterModel(ModelConfig{"z", 0, 0, 4, {}}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(scheduler_->AddDevice(&device_).status().code(), absl::StatusCode::kAlreadyExists);
  ManualTarget other(MakeInfo("gpu1", "amd"));
  EXPECT_EQ(scheduler_->AddDevice(&other, {"missing"}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(scheduler_->AddDevice(nullptr).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(Scheduler::Create(nullptr, MakeRoundRobinPolicy()).ok());
  SchedulerOptions bad;
  bad.share.max_vendor_share = 0;
  EXPECT_FALSE(Scheduler::Create(&clock_, MakeRoundRobinPolicy(), bad).ok());
}

TEST_F(SchedulerTest, CancelQueuedRequestNeverRuns) {
  Build();
  const RequestId id = Submit(5);
  EXPECT_TRUE(scheduler_->Cancel(id));
  EXPECT_FALSE(scheduler_->Cancel(id));
  ASSERT_EQ(answers_.size(), 1u);
  EXPECT_EQ(answers_[0].status.code(), absl::StatusCode::kCancelled);
  clock_.RunUntil(Milliseconds(10));
  EXPECT_TRUE(device_.started.empty());
}

TEST_F(SchedulerTest, CancelInFlightAnswersOnceAndStopsTheBatch) {
  Build();
  std::vector<RequestId> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(Submit(static_cast<float>(i)));
  ASSERT_EQ(device_.started.size(), 1u);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(scheduler_->Cancel(ids[i]));
  EXPECT_FALSE(device_.started[0].job.cancelled->load());
  EXPECT_TRUE(scheduler_->Cancel(ids[3]));
  EXPECT_TRUE(device_.started[0].job.cancelled->load());
  device_.CompleteAll();
  ASSERT_EQ(answers_.size(), 4u);
  for (const Response& r : answers_) EXPECT_EQ(r.status.code(), absl::StatusCode::kCancelled);
}

TEST_F(SchedulerTest, ShutdownAnswersEverythingOnce) {
  Build();
  for (int i = 0; i < 6; ++i) Submit(static_cast<float>(i));  // 4 running, 2 queued
  scheduler_->Shutdown();
  ASSERT_EQ(answers_.size(), 6u);
  for (const Response& r : answers_) EXPECT_EQ(r.status.code(), absl::StatusCode::kCancelled);
  device_.CompleteAll();  // late completion is ignored
  EXPECT_EQ(answers_.size(), 6u);
  Submit(9);
  ASSERT_EQ(answers_.size(), 7u);
  EXPECT_EQ(answers_.back().status.code(), absl::StatusCode::kUnavailable);
}

TEST_F(SchedulerTest, FutureSubmitAndPerItemErrors) {
  Build();
  Request r;
  r.model = "m";
  r.inputs = Tag(3);
  std::future<Response> f = scheduler_->Submit(std::move(r));
  clock_.RunUntil(Milliseconds(2));
  ASSERT_EQ(device_.started.size(), 1u);
  BatchResult result;
  result.outputs.push_back(absl::InvalidArgumentError("input 'x' has the wrong shape"));
  device_.started[0].finished = true;
  device_.started[0].done(std::move(result));
  const Response resp = f.get();
  EXPECT_EQ(resp.status.code(), absl::StatusCode::kInvalidArgument);
  // A per-item error is the request's answer, not a device fault.
  EXPECT_EQ(scheduler_->Devices()[0].circuit, CircuitState::kClosed);
  EXPECT_EQ(scheduler_->Metrics().per_device.at("gpu0").device_errors, 0);
}

TEST_F(SchedulerTest, MetricsPerModelDeviceVendorTenant) {
  Build();
  for (int i = 0; i < 4; ++i) Submit(static_cast<float>(i), kNoDeadline, 0, "m", "t1");
  clock_.RunUntil(Milliseconds(3));
  device_.CompleteAll();
  Submit(9, kNoDeadline, 0, "m", "t2");
  clock_.RunUntil(Milliseconds(10));
  device_.CompleteAll();
  const MetricsSnapshot m = scheduler_->Metrics();
  EXPECT_EQ(m.total.submitted, 5);
  EXPECT_EQ(m.total.completed, 5);
  EXPECT_EQ(m.total.batches, 2);
  EXPECT_EQ(m.per_model.at("m").completed, 5);
  EXPECT_EQ(m.per_device.at("gpu0").batches, 2);
  EXPECT_EQ(m.per_vendor.at("amd").completed, 5);
  EXPECT_EQ(m.per_tenant.at("t1").completed, 4);
  EXPECT_EQ(m.per_tenant.at("t2").completed, 1);
  EXPECT_EQ(m.total.batch_size.count(), 2);
  EXPECT_DOUBLE_EQ(m.total.batch_size.mean(), 2.5);
  EXPECT_EQ(m.per_model.at("m").run_ns.count(), 2);
  EXPECT_EQ(m.per_model.at("m").latency_ns.count(), 5);
  EXPECT_EQ(m.outstanding, 0);
}

}  // namespace
}  // namespace braid::scheduler
