// Many threads submitting, cancelling, draining and reading metrics at once
// on a real clock with threaded targets: every request is answered exactly
// once. Built with -DBRAID_ENABLE_TSAN=ON in CI to catch data races.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "scheduler/clock.h"
#include "scheduler/scheduler.h"
#include "tests/scheduler/test_targets.h"

namespace braid::scheduler {
namespace {

using ::braid::scheduler::testing::MakeInfo;
using ::braid::scheduler::testing::ThreadedTarget;

TEST(ConcurrencyTest, ConcurrentSubmitCancelDrainAndMetrics) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 1500;
  RealClock clock;
  std::vector<std::unique_ptr<ThreadedTarget>> targets;
  for (int i = 0; i < 4; ++i) {
    targets.push_back(std::make_unique<ThreadedTarget>(
        MakeInfo("dev" + std::to_string(i), i % 2 == 0 ? "amd" : "nvidia")));
  }
  std::unique_ptr<Scheduler> scheduler;
  {
    SchedulerOptions options;
    options.share.max_vendor_share = 0.6;
    scheduler = Scheduler::Create(&clock, MakePolicy("ect").value(), options).value();
    ASSERT_TRUE(scheduler->RegisterModel(ModelConfig{"a", 8, Microseconds(100), 4096, {}}).ok());
    ASSERT_TRUE(scheduler->RegisterModel(ModelConfig{"b", 4, Microseconds(50), 4096, {}}).ok());
    for (auto& t : targets) ASSERT_TRUE(scheduler->AddDevice(t.get()).ok());
  }

  std::vector<std::atomic<int>> answered(kThreads * kPerThread);
  std::vector<std::atomic<RequestId>> ids(kThreads * kPerThread);
  std::atomic<int> ok{0}, cancelled{0}, deadline{0}, exhausted{0}, other{0};
  std::atomic<bool> done_submitting{false};

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int n = t * kPerThread + i;
        Request r;
        r.model.assign(1, i % 3 == 0 ? 'b' : 'a');
        r.priority = i % 4;
        r.tenant = "tenant" + std::to_string(t % 3);
        if (i % 5 == 0) r.deadline = clock.Now() + Microseconds(500);
        ids[n] = scheduler->Submit(std::move(r), [&, n](Response resp) {
          answered[n].fetch_add(1);
          switch (resp.status.code()) {
            case absl::StatusCode::kOk:
              ok.fetch_add(1);
              break;
            case absl::StatusCode::kCancelled:
              cancelled.fetch_add(1);
              break;
            case absl::StatusCode::kDeadlineExceeded:
              deadline.fetch_add(1);
              break;
            case absl::StatusCode::kResourceExhausted:  // admission control under load
              exhausted.fetch_add(1);
              break;
            default:
              other.fetch_add(1);
          }
        });
      }
    });
  }
  // A canceller, a drainer and a metrics reader run alongside.
  threads.emplace_back([&] {
    for (int k = 0; !done_submitting.load(); ++k) {
      const RequestId id = ids[(k * 7919) % (kThreads * kPerThread)].load();
      if (id != kInvalidRequestId) scheduler->Cancel(id);
      std::this_thread::yield();
    }
  });
  threads.emplace_back([&] {
    for (int k = 0; !done_submitting.load(); ++k) {
      const std::string name = "dev" + std::to_string(k % 4);
      EXPECT_TRUE(scheduler->Drain(name).ok());
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      EXPECT_TRUE(scheduler->Resume(name).ok());
    }
  });
  threads.emplace_back([&] {
    while (!done_submitting.load()) {
      const MetricsSnapshot m = scheduler->Metrics();
      EXPECT_GE(m.total.submitted, m.total.completed);
      scheduler->Devices();
      scheduler->Vendors();
      std::this_thread::yield();
    }
  });
  for (int t = 0; t < kThreads; ++t) threads[t].join();
  done_submitting = true;
  for (size_t t = kThreads; t < threads.size(); ++t) threads[t].join();

  // Liveness bound (not a performance assertion): everything is answered.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  auto all_answered = [&] {
    for (auto& a : answered) {
      if (a.load() == 0) return false;
    }
    return true;
  };
  while (!all_answered() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (int n = 0; n < kThreads * kPerThread; ++n) ASSERT_EQ(answered[n].load(), 1) << "request " << n;
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(ok + cancelled + deadline + exhausted, kThreads * kPerThread);
  EXPECT_GT(ok.load(), 0);
  const MetricsSnapshot m = scheduler->Metrics();
  EXPECT_EQ(m.total.submitted, kThreads * kPerThread);
  EXPECT_EQ(m.total.completed, ok.load());
  EXPECT_EQ(m.total.cancelled, cancelled.load());
  EXPECT_EQ(m.total.rejected, exhausted.load());
  EXPECT_EQ(m.outstanding, 0);
  scheduler.reset();
}

TEST(ConcurrencyTest, RealClockRunsTimersInOrder) {
  RealClock clock;
  std::mutex mu;
  std::vector<int> order;
  std::atomic<int> fired{0};
  const Nanos now = clock.Now();
  for (int i = 4; i >= 0; --i) {
    clock.RunAt(now + Milliseconds(2 * i), [&, i] {
      std::lock_guard<std::mutex> lock(mu);
      order.push_back(i);
      fired.fetch_add(1);
    });
  }
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (fired.load() < 5 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_GE(clock.Now(), now + Milliseconds(8));
}

}  // namespace
}  // namespace braid::scheduler
