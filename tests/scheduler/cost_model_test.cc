#include "scheduler/cost_model.h"

#include <gtest/gtest.h>

namespace braid::scheduler {
namespace {

TEST(CostModelTest, PriorIsARoofline) {
  TargetInfo t;
  t.peak_gflops = 1000;            // 1000 flop/ns
  t.memory_bandwidth_gbps = 2000;  // 2 bytes/ns
  t.launch_overhead_us = 5;
  ModelCost c;
  c.flops_per_item = 2e6;    // 2000 ns
  c.bytes_per_item = 4e6;    // 2000 ns
  c.bytes_per_batch = 1e9;   // 500000 ns
  c.kernel_launches = 10;    // 50000 ns
  const LatencyCurve curve = PriorCurve(c, t);
  EXPECT_DOUBLE_EQ(curve.fixed_ns, 550000);
  EXPECT_DOUBLE_EQ(curve.per_item_ns, 4000);
  EXPECT_EQ(curve.At(4), 566000);
  EXPECT_EQ(curve.At(0), curve.At(1));
}

TEST(CostModelTest, UnknownRatesGiveAtLeastOneMicrosecond) {
  const LatencyCurve curve = PriorCurve(ModelCost{}, TargetInfo{});
  EXPECT_GE(curve.At(1), 1000);
}

TEST(CostModelTest, ScalesThePriorWhenBatchSizesDoNotVary) {
  LatencyEstimator e(LatencyCurve{1000, 100}, 0.5);
  EXPECT_EQ(e.Estimate(10), 2000);
  for (int i = 0; i < 20; ++i) e.Observe(10, 6000);  // 3x slower than the prior
  EXPECT_NEAR(e.ratio(), 3.0, 1e-6);
  EXPECT_EQ(e.Estimate(10), 6000);
  EXPECT_EQ(e.observations(), 20);
}

TEST(CostModelTest, FitsALineWhenBatchSizesVary) {
  LatencyEstimator e(LatencyCurve{1000, 1000}, 0.1);
  // True curve: 50 us + 10 us per item.
  for (int i = 0; i < 200; ++i) {
    const int b = 1 + i % 8;
    e.Observe(b, 50000 + 10000 * b);
  }
  EXPECT_NEAR(e.current().fixed_ns, 50000, 500);
  EXPECT_NEAR(e.current().per_item_ns, 10000, 100);
  EXPECT_NEAR(static_cast<double>(e.Estimate(16)), 210000, 2000);
}

TEST(CostModelTest, FollowsASlowdown) {
  LatencyEstimator e(LatencyCurve{1000, 0}, 0.2);
  for (int i = 0; i < 50; ++i) e.Observe(1, 1000);
  for (int i = 0; i < 50; ++i) e.Observe(1, 5000);
  EXPECT_NEAR(static_cast<double>(e.Estimate(1)), 5000, 50);
}

}  // namespace
}  // namespace braid::scheduler
