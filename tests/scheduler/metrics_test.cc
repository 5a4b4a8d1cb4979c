#include "scheduler/metrics.h"

#include <gtest/gtest.h>

namespace braid::scheduler {
namespace {

TEST(HistogramTest, BucketsAreMonotonicAndCoverTheirValues) {
  for (int64_t v : {0LL, 1LL, 7LL, 8LL, 9LL, 100LL, 12345LL, 1LL << 30, (1LL << 40) - 1}) {
    const int b = Histogram::BucketOf(v);
    EXPECT_LE(Histogram::BucketLow(b), v) << v;
    if (b + 1 < Histogram::kBuckets) {
      EXPECT_GT(Histogram::BucketLow(b + 1), v) << v;
    }
  }
  EXPECT_EQ(Histogram::BucketOf(int64_t{1} << 50), Histogram::kBuckets - 1);
}

TEST(HistogramTest, QuantilesWithinTheBucketResolution) {
  Histogram h;
  EXPECT_EQ(h.Quantile(0.5), 0);
  for (int i = 1; i <= 10000; ++i) h.Add(i * 1000);
  EXPECT_EQ(h.count(), 10000);
  EXPECT_EQ(h.max(), 10000000);
  EXPECT_NEAR(h.mean(), 5000500.0, 1.0);
  EXPECT_NEAR(static_cast<double>(h.Quantile(0.5)), 5e6, 5e6 * 0.07);
  EXPECT_NEAR(static_cast<double>(h.Quantile(0.99)), 9.9e6, 9.9e6 * 0.07);
  EXPECT_LE(h.Quantile(1.0), h.max());
}

TEST(HistogramTest, MergeAddsCounts) {
  Histogram a, b;
  a.Add(10);
  b.Add(20);
  b.Add(30);
  a.Merge(b);
  EXPECT_EQ(a.count(), 3);
  EXPECT_EQ(a.sum(), 60);
  EXPECT_EQ(a.max(), 30);
  Histogram empty;
  a.Merge(empty);
  EXPECT_EQ(a.count(), 3);
}

}  // namespace
}  // namespace braid::scheduler
