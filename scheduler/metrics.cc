#include "scheduler/metrics.h"

#include <algorithm>
#include <bit>

namespace braid::scheduler {

int Histogram::BucketOf(int64_t value) {
  if (value <= 0) return 0;
  const uint64_t v = static_cast<uint64_t>(value);
  if (v < (uint64_t{1} << kSubBits)) return static_cast<int>(v);
  if (v >= (uint64_t{1} << kMaxBits)) return kBuckets - 1;
  const int msb = 63 - std::countl_zero(v);
  const int shift = msb - kSubBits;
  const int sub = static_cast<int>((v >> shift) & ((1u << kSubBits) - 1));
  return ((shift + 1) << kSubBits) + sub;
}

int64_t Histogram::BucketLow(int bucket) {
  if (bucket < (1 << kSubBits)) return bucket;
  const int shift = (bucket >> kSubBits) - 1;
  const int64_t sub = bucket & ((1 << kSubBits) - 1);
  return ((int64_t{1} << kSubBits) + sub) << shift;
}

void Histogram::Add(int64_t value) {
  value = std::max<int64_t>(value, 0);
  if (buckets_.empty()) buckets_.assign(kBuckets, 0);
  ++buckets_[BucketOf(value)];
  ++count_;
  sum_ += value;
  max_ = std::max(max_, value);
}

void Histogram::Merge(const Histogram& other) {
  if (other.buckets_.empty()) return;
  if (buckets_.empty()) buckets_.assign(kBuckets, 0);
  for (int i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

int64_t Histogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  const double target = std::clamp(q, 0.0, 1.0) * static_cast<double>(count_);
  int64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen > 0 && static_cast<double>(seen) >= target) {
      const int64_t low = BucketLow(i);
      const int64_t high = i + 1 < kBuckets ? BucketLow(i + 1) : low;
      return std::min(low + (high - low) / 2, max_);
    }
  }
  return max_;
}

}  // namespace braid::scheduler
