#include "scheduler/sim/workload.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace braid::scheduler::sim {
namespace {

TEST(WorkloadTest, PoissonRateAndModelMix) {
  WorkloadSpec spec;
  spec.rate_rps = 1000;
  spec.no_deadline_fraction = 0.2;
  ArrivalProcess p(spec, {1, 3}, 42);
  std::vector<int> per_model(2, 0);
  int no_deadline = 0;
  Arrival a;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    a = p.Next();
    ++per_model[a.model];
    no_deadline += a.has_deadline ? 0 : 1;
  }
  EXPECT_NEAR(ToSeconds(a.time), n / 1000.0, 0.5);  // ~20 s
  EXPECT_NEAR(per_model[1] / static_cast<double>(n), 0.75, 0.02);
  EXPECT_NEAR(no_deadline / static_cast<double>(n), 0.2, 0.02);
}

TEST(WorkloadTest, SameSeedSameStream) {
  WorkloadSpec spec;
  ArrivalProcess a(spec, {1, 1, 1}, 7), b(spec, {1, 1, 1}, 7), c(spec, {1, 1, 1}, 8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const Arrival x = a.Next(), y = b.Next(), z = c.Next();
    EXPECT_EQ(x.time, y.time);
    EXPECT_EQ(x.model, y.model);
    differs |= x.time != z.time;
  }
  EXPECT_TRUE(differs);
}

TEST(WorkloadTest, BurstsAndDiurnalSwings) {
  WorkloadSpec bursty;
  bursty.pattern = ArrivalPattern::kBursty;
  bursty.rate_rps = 100;
  bursty.burst_factor = 5;
  bursty.burst_on_s = 2;
  bursty.burst_period_s = 10;
  ArrivalProcess p(bursty, {1}, 1);
  EXPECT_DOUBLE_EQ(p.RateAt(Seconds(1)), 100);
  EXPECT_DOUBLE_EQ(p.RateAt(Seconds(9)), 500);
  EXPECT_NEAR(p.MeanRate(Seconds(100)), 180, 1);
  int in_burst = 0, outside = 0;
  for (Arrival a = p.Next(); a.time < Seconds(100); a = p.Next()) {
    const double phase = std::fmod(ToSeconds(a.time), 10.0);
    (phase >= 8 ? in_burst : outside)++;
  }
  EXPECT_NEAR(in_burst / 20.0, 500, 60);   // 20 s of bursts
  EXPECT_NEAR(outside / 80.0, 100, 15);    // 80 s outside

  WorkloadSpec diurnal;
  diurnal.pattern = ArrivalPattern::kDiurnal;
  diurnal.rate_rps = 100;
  diurnal.diurnal_period_s = 40;
  diurnal.diurnal_amplitude = 0.5;
  ArrivalProcess d(diurnal, {1}, 1);
  EXPECT_NEAR(d.RateAt(Seconds(10)), 150, 1e-9);
  EXPECT_NEAR(d.RateAt(Seconds(30)), 50, 1e-9);
  EXPECT_NEAR(d.MeanRate(Seconds(40)), 100, 0.5);
}

TEST(WorkloadTest, PatternNames) {
  for (auto p : {ArrivalPattern::kPoisson, ArrivalPattern::kBursty, ArrivalPattern::kDiurnal}) {
    EXPECT_EQ(ParseArrivalPattern(ArrivalPatternName(p)).value(), p);
  }
  EXPECT_FALSE(ParseArrivalPattern("spiky").ok());
}

}  // namespace
}  // namespace braid::scheduler::sim
