#include "scheduler/vendor_share.h"

#include <algorithm>

namespace braid::scheduler {

VendorShareTracker::VendorShareTracker(int num_models, int num_vendors,
                                       const ShareLimitOptions& options)
    : options_(options),
      num_models_(num_models),
      num_vendors_(std::min(num_vendors, 64)),
      bucket_width_(std::max<Nanos>(options.window / kBuckets, 1)),
      counts_(static_cast<size_t>(num_models + 1) * num_vendors_ * kBuckets, 0),
      sums_(static_cast<size_t>(num_models + 1) * num_vendors_, 0) {}

void VendorShareTracker::Advance(Nanos now) {
  const int64_t bucket = now / bucket_width_;
  if (bucket <= current_) return;
  const int64_t steps = std::min<int64_t>(bucket - current_, kBuckets);
  for (int64_t s = 1; s <= steps; ++s) {
    const int b = static_cast<int>((current_ + s) % kBuckets);
    for (int row = 0; row <= num_models_; ++row) {
      for (int v = 0; v < num_vendors_; ++v) {
        int64_t& cell = Cell(row, v, b);
        sums_[static_cast<size_t>(row) * num_vendors_ + v] -= cell;
        cell = 0;
      }
    }
  }
  current_ = bucket;
}

void VendorShareTracker::Record(Nanos now, int model, int vendor) {
  if (vendor < 0 || vendor >= num_vendors_ || model < 0 || model >= num_models_) return;
  Advance(now);
  const int b = static_cast<int>(current_ % kBuckets);
  for (int row : {model, num_models_}) {
    ++Cell(row, vendor, b);
    ++sums_[static_cast<size_t>(row) * num_vendors_ + vendor];
  }
}

uint64_t VendorShareTracker::Allowed(Nanos now, int model, uint64_t available) {
  if (!enabled() || model < 0 || model >= num_models_) return available;
  if ((available & (available - 1)) == 0) return available;  // zero or one vendor
  Advance(now);
  uint64_t allowed = 0;
  for (int row : {model, num_models_}) {
    int64_t total = 0;
    for (int v = 0; v < num_vendors_; ++v) {
      if (available >> v & 1) total += sums_[static_cast<size_t>(row) * num_vendors_ + v];
    }
    uint64_t row_allowed = 0;
    for (int v = 0; v < num_vendors_; ++v) {
      if (!(available >> v & 1)) continue;
      const double after = static_cast<double>(sums_[static_cast<size_t>(row) * num_vendors_ + v] + 1);
      if (after <= options_.max_vendor_share * static_cast<double>(total + 1) + 1e-9) {
        row_allowed |= uint64_t{1} << v;
      }
    }
    allowed = row == model ? row_allowed : (allowed & row_allowed);
  }
  return allowed != 0 ? allowed : available;
}

void VendorShareTracker::Reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  std::fill(sums_.begin(), sums_.end(), 0);
}

double VendorShareTracker::Share(Nanos now, int model, int vendor) {
  if (vendor < 0 || vendor >= num_vendors_) return 0;
  Advance(now);
  const int row = model < 0 || model >= num_models_ ? num_models_ : model;
  int64_t total = 0;
  for (int v = 0; v < num_vendors_; ++v) total += sums_[static_cast<size_t>(row) * num_vendors_ + v];
  if (total == 0) return 0;
  return static_cast<double>(sums_[static_cast<size_t>(row) * num_vendors_ + vendor]) / total;
}

}  // namespace braid::scheduler
