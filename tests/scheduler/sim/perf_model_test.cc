#include "scheduler/sim/perf_model.h"

#include <gtest/gtest.h>

#include "scheduler/sim/scenario.h"
#include "scheduler/sim/sim_device.h"

namespace braid::scheduler::sim {
namespace {

TEST(PerfModelTest, PresetsCoverBothVendorsAndSayTheyAreEstimates) {
  for (const char* name : {"mi300x", "mi450", "h100", "h200"}) {
    auto p = FindPreset(name);
    ASSERT_TRUE(p.ok()) << name;
    EXPECT_NE(p->description.find("estimate"), std::string::npos) << name;
    EXPECT_GT(p->peak_tflops, 0);
    EXPECT_GT(p->memory_tbps, 0);
    EXPECT_GT(p->busy_watts, 0);
  }
  EXPECT_EQ(FindPreset("mi300x")->vendor, "amd");
  EXPECT_EQ(FindPreset("h200")->vendor, "nvidia");
  EXPECT_EQ(FindPreset("b300").status().code(), absl::StatusCode::kNotFound);
  DevicePreset custom = *FindPreset("h100");
  custom.name = "h100-lowpower";
  EXPECT_TRUE(FindPreset("h100-lowpower", {custom}).ok());
}

TEST(PerfModelTest, BatchingAmortizesAndBandwidthMatters) {
  const std::vector<SimModel> models = DefaultServingModels();
  const DevicePreset h100 = *FindPreset("h100");
  const DevicePreset h200 = *FindPreset("h200");
  for (const SimModel& m : models) {
    Nanos previous = 0;
    for (int b = 1; b <= m.max_batch; b *= 2) {
      const Nanos t = ServiceTime(h100, m, b);
      EXPECT_GT(t, previous) << m.name << " batch " << b;
      if (b > 1) {
        EXPECT_LT(t / b, previous / (b / 2)) << m.name << ": per-item time falls with the batch";
      }
      previous = t;
    }
  }
  // The generation model is memory-bound: the H200's bandwidth wins.
  EXPECT_LT(ServiceTime(h200, models[0], 8), ServiceTime(h100, models[0], 8));
  // The encoder is compute-bound: equal FLOP/s, nearly equal time.
  EXPECT_NEAR(static_cast<double>(ServiceTime(h200, models[1], 16)),
              static_cast<double>(ServiceTime(h100, models[1], 16)), 0.05 * ServiceTime(h100, models[1], 16));
}

TEST(PerfModelTest, TargetInfoAndCostUseSchedulerUnits) {
  const DevicePreset p = *FindPreset("mi300x");
  const TargetInfo info = TargetInfoOf(p, "mi300x-0");
  EXPECT_EQ(info.name, "mi300x-0");
  EXPECT_EQ(info.kind, "mi300x");
  EXPECT_DOUBLE_EQ(info.peak_gflops, p.peak_tflops * 1e3);
  EXPECT_DOUBLE_EQ(info.memory_bandwidth_gbps, p.memory_tbps * 1e3);
  SimModel m;
  m.gflops_per_item = 2;
  m.weights_mb = 3;
  const ModelCost c = ModelCostOf(m);
  EXPECT_DOUBLE_EQ(c.flops_per_item, 2e9);
  EXPECT_DOUBLE_EQ(c.bytes_per_batch, 3e6);
}

TEST(SimDeviceTest, RunsFailsWedgesAndSlowsOnTheVirtualClock) {
  VirtualClock clock;
  const std::vector<SimModel> models = DefaultServingModels();
  DevicePreset preset = *FindPreset("h100");
  preset.noise_sigma = 0;
  SimDevice device("h100-0", preset, &models, &clock, 1);
  const Nanos service = ServiceTime(preset, models[2], 4);
  std::vector<std::pair<Nanos, absl::Status>> done;
  auto start = [&](int items) {
    BatchJob job;
    job.model = models[2].name;
    job.inputs.resize(items);
    device.StartBatch(std::move(job), [&](BatchResult r) {
      done.emplace_back(clock.Now(), r.status);
      if (r.status.ok()) {
        EXPECT_EQ(r.outputs.size(), 4u);
      }
    });
  };
  start(4);
  EXPECT_TRUE(done.empty());  // never inside StartBatch
  clock.RunUntilIdle();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].first, service);
  EXPECT_EQ(device.busy_ns(), service);

  device.SetSlowdown(3);
  start(4);
  clock.RunUntilIdle();
  EXPECT_EQ(done[1].first - done[0].first, 3 * service);
  device.SetSlowdown(1);

  device.Wedge();
  start(4);
  clock.RunUntil(clock.Now() + Seconds(10));
  EXPECT_EQ(done.size(), 2u);  // held
  EXPECT_TRUE(device.CheckHealth().ok());  // a wedge is invisible to a health check
  device.Unwedge();
  clock.RunUntilIdle();
  EXPECT_EQ(done.size(), 3u);

  start(4);
  device.Fail();
  clock.RunUntilIdle();
  ASSERT_EQ(done.size(), 4u);
  EXPECT_EQ(done[3].second.code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(device.CheckHealth().ok());
  start(4);
  clock.RunUntilIdle();
  EXPECT_EQ(done[4].second.code(), absl::StatusCode::kUnavailable);
  device.Recover();
  start(4);
  clock.RunUntilIdle();
  EXPECT_TRUE(done[5].second.ok());
  EXPECT_EQ(device.batches_failed(), 2);
}

}  // namespace
}  // namespace braid::scheduler::sim
