// Placement policies through the scheduler: round-robin, least-outstanding,
// expected completion time, energy-aware, and vendor-share limits.
#include <gtest/gtest.h>

#include <map>

#include "scheduler/policy.h"
#include "scheduler/scheduler.h"
#include "scheduler/virtual_clock.h"
#include "tests/scheduler/test_targets.h"

namespace braid::scheduler {
namespace {

using ::braid::scheduler::testing::MakeInfo;
using ::braid::scheduler::testing::ManualTarget;

class PolicyTest : public ::testing::Test {
 protected:
  void Build(const std::string& policy, std::vector<TargetInfo> infos, SchedulerOptions options = {},
             int max_batch = 1) {
    scheduler_ = Scheduler::Create(&clock_, MakePolicy(policy).value(), std::move(options)).value();
    ModelConfig model{"m", max_batch, 0, 1000, {}};
    model.cost.flops_per_item = 1e9;  // 1 ms at 1000 GFLOP/s
    ASSERT_TRUE(scheduler_->RegisterModel(model).ok());
    for (TargetInfo& info : infos) {
      devices_.push_back(std::make_unique<ManualTarget>(std::move(info)));
      ASSERT_TRUE(scheduler_->AddDevice(devices_.back().get()).ok());
    }
  }
  // Submits one request; returns the device it was queued or started on.
  int SubmitAndGetDevice(Nanos deadline = kNoDeadline) {
    auto load = [this] {
      std::vector<int> out;
      for (const DeviceStatus& d : scheduler_->Devices()) out.push_back(d.queued + d.inflight_requests);
      return out;
    };
    const std::vector<int> before = load();
    Request r;
    r.model = "m";
    r.deadline = deadline;
    scheduler_->Submit(std::move(r), [](Response) {});
    const std::vector<int> after = load();
    for (size_t i = 0; i < after.size(); ++i) {
      if (after[i] > before[i]) return static_cast<int>(i);
    }
    return -1;
  }

  VirtualClock clock_;
  std::vector<std::unique_ptr<ManualTarget>> devices_;
  std::unique_ptr<Scheduler> scheduler_;
};

TEST(PolicyFactoryTest, NamesAndErrors) {
  for (const std::string& name : PolicyNames()) {
    auto p = MakePolicy(name);
    ASSERT_TRUE(p.ok()) << name;
    EXPECT_EQ((*p)->name(), name);
  }
  EXPECT_EQ(MakePolicy("random").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PolicyTest, RoundRobinCyclesThroughDevices) {
  Build("round-robin", {MakeInfo("a", "amd"), MakeInfo("b", "amd"), MakeInfo("c", "nvidia")});
  std::vector<int> order;
  for (int i = 0; i < 6; ++i) order.push_back(SubmitAndGetDevice());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 0, 1, 2}));
}

TEST_F(PolicyTest, LeastOutstandingAvoidsLoadedDevices) {
  Build("least-outstanding", {MakeInfo("a", "amd"), MakeInfo("b", "amd"), MakeInfo("c", "amd")});
  std::vector<int> first;
  for (int i = 0; i < 3; ++i) first.push_back(SubmitAndGetDevice());
  EXPECT_EQ(first, (std::vector<int>{0, 1, 2}));
  devices_[1]->CompleteAll();
  devices_[2]->CompleteAll();
  // a has 1 outstanding, b and c none: the next two go to b and c, then a
  // and b and c share the rest evenly.
  EXPECT_EQ(SubmitAndGetDevice(), 1);
  EXPECT_EQ(SubmitAndGetDevice(), 2);
  std::map<int, int> count;
  for (int i = 0; i < 9; ++i) ++count[SubmitAndGetDevice()];
  EXPECT_EQ(count[0], 3);
  EXPECT_EQ(count[1], 3);
  EXPECT_EQ(count[2], 3);
}

TEST_F(PolicyTest, ExpectedCompletionPrefersTheFasterDevice) {
  TargetInfo slow = MakeInfo("slow", "amd");
  TargetInfo fast = MakeInfo("fast", "nvidia");
  fast.peak_gflops = 10000;
  Build("ect", {slow, fast});
  EXPECT_EQ(SubmitAndGetDevice(), 1);
}

TEST_F(PolicyTest, ExpectedCompletionSpillsWhenTheFastDeviceIsBacklogged) {
  TargetInfo slow = MakeInfo("slow", "amd");   // ~1 ms per request
  TargetInfo fast = MakeInfo("fast", "amd");   // ~0.25 ms per request
  fast.peak_gflops = 4000;
  Build("ect", {slow, fast});
  std::map<int, int> count;
  for (int i = 0; i < 20; ++i) ++count[SubmitAndGetDevice()];
  // Queued work counts: the fast device takes about 4 of every 5.
  EXPECT_GT(count[1], count[0]);
  EXPECT_GE(count[0], 2);
}

TEST_F(PolicyTest, EnergyAwarePicksTheFrugalDeviceWhenTheDeadlineAllows) {
  TargetInfo hungry = MakeInfo("hungry", "amd");
  hungry.peak_gflops = 2000;  // 0.5 ms, 1000 W
  hungry.busy_watts = 1000;
  TargetInfo frugal = MakeInfo("frugal", "amd");  // 1 ms, 100 W
  frugal.busy_watts = 100;
  Build("ect-energy", {hungry, frugal});
  EXPECT_EQ(SubmitAndGetDevice(Milliseconds(100)), 1);
  // Plain ECT takes the faster device.
  scheduler_.reset();
  devices_.clear();
  Build("ect", {hungry, frugal});
  EXPECT_EQ(SubmitAndGetDevice(Milliseconds(100)), 0);
}

TEST_F(PolicyTest, VendorShareLimitHoldsAgainstAFasterVendor) {
  TargetInfo fast = MakeInfo("fast", "nvidia");
  fast.peak_gflops = 100000;
  SchedulerOptions options;
  options.share.max_vendor_share = 0.6;
  options.share.strict = true;
  Build("ect", {MakeInfo("slow", "amd"), fast}, options);
  std::map<int, int> count;
  for (int i = 0; i < 1000; ++i) {
    ++count[SubmitAndGetDevice()];
    for (auto& d : devices_) d->CompleteAll();
    clock_.RunUntil(clock_.Now() + Milliseconds(1));
  }
  EXPECT_NEAR(count[1] / 1000.0, 0.6, 0.02);
  const std::vector<VendorStatus> vendors = scheduler_->Vendors();
  EXPECT_LE(vendors[1].share, 0.6 + 1e-9);
}

TEST_F(PolicyTest, WithoutAShareLimitTheFasterVendorTakesEverything) {
  TargetInfo fast = MakeInfo("fast", "nvidia");
  fast.peak_gflops = 100000;
  Build("ect", {MakeInfo("slow", "amd"), fast});
  std::map<int, int> count;
  for (int i = 0; i < 100; ++i) {
    ++count[SubmitAndGetDevice()];
    for (auto& d : devices_) d->CompleteAll();
    clock_.RunUntil(clock_.Now() + Milliseconds(1));
  }
  EXPECT_EQ(count[1], 100);
}

TEST_F(PolicyTest, RedundancyReportNamesModelsOnOneVendor) {
  Build("ect", {MakeInfo("a", "amd"), MakeInfo("b", "nvidia")});
  EXPECT_TRUE(scheduler_->ModelsBelowVendorRedundancy().empty());
  ASSERT_TRUE(scheduler_->RegisterModel(ModelConfig{"solo", 1, 0, 10, {}}).ok());
  ManualTarget extra(MakeInfo("c", "amd"));
  ASSERT_TRUE(scheduler_->AddDevice(&extra, {"solo"}).ok());
  EXPECT_EQ(scheduler_->ModelsBelowVendorRedundancy(), (std::vector<std::string>{"solo"}));
}

}  // namespace
}  // namespace braid::scheduler
