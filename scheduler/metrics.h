// Scheduler metrics: counters and histograms per model, device, vendor and
// tenant, readable through Scheduler::Metrics() as a consistent snapshot.
#ifndef BRAID_SCHEDULER_METRICS_H_
#define BRAID_SCHEDULER_METRICS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace braid::scheduler {

// A log-linear histogram of non-negative integers (8 sub-buckets per power
// of two: quantiles within ~9%; values from 2^40 up share the last bucket).
// Allocates its buckets on the first Add. Not thread-safe.
class Histogram {
 public:
  static constexpr int kSubBits = 3;
  static constexpr int kMaxBits = 40;
  static constexpr int kBuckets = (kMaxBits - kSubBits + 1) << kSubBits;

  void Add(int64_t value);
  void Merge(const Histogram& other);
  int64_t count() const { return count_; }
  int64_t sum() const { return sum_; }
  int64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0.0; }
  // The value below which a fraction q of the samples lie (bucket midpoint,
  // clamped to the observed max); 0 when empty.
  int64_t Quantile(double q) const;

  static int BucketOf(int64_t value);
  static int64_t BucketLow(int bucket);

 private:
  std::vector<int64_t> buckets_;  // empty until the first Add
  int64_t count_ = 0;
  int64_t sum_ = 0;
  int64_t max_ = 0;
};

// Counters and histograms for one model, device, vendor or tenant.
struct MetricSet {
  int64_t submitted = 0;          // requests accepted for placement (per model/tenant)
  int64_t placed = 0;             // placements onto a device's queue (retries too)
  int64_t completed = 0;          // answered OK
  int64_t failed = 0;             // answered with an error from the model/device
  int64_t deadline_exceeded = 0;  // answered DeadlineExceeded
  int64_t rejected = 0;           // answered ResourceExhausted (admission control)
  int64_t cancelled = 0;          // answered Cancelled
  int64_t unavailable = 0;        // answered Unavailable
  int64_t redispatched = 0;       // moved off a failed, wedged or drained device
  int64_t device_errors = 0;      // batches the device failed (per device/vendor)
  int64_t timeouts = 0;           // batches the watchdog gave up on
  int64_t batches = 0;
  Histogram queue_ns;    // submit to batch start
  Histogram run_ns;      // batch start to finish
  Histogram batch_size;  // per batch
  Histogram latency_ns;  // submit to answer, for OK answers
};

// A copy of all metrics, taken under the scheduler's lock.
struct MetricsSnapshot {
  MetricSet total;
  std::map<std::string, MetricSet> per_model;
  std::map<std::string, MetricSet> per_device;
  std::map<std::string, MetricSet> per_vendor;
  std::map<std::string, MetricSet> per_tenant;
  int64_t outstanding = 0;  // requests submitted and not yet answered
  int64_t parked = 0;       // waiting for any device to become usable
};

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_METRICS_H_
