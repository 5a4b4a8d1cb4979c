// Vendor-share limits: no vendor above a set fraction of a model's traffic
// or of the fleet's, measured over a sliding time window of placements.
#ifndef BRAID_SCHEDULER_VENDOR_SHARE_H_
#define BRAID_SCHEDULER_VENDOR_SHARE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "scheduler/types.h"

namespace braid::scheduler {

struct ShareLimitOptions {
  // Largest fraction of placements one vendor may take, per model and
  // fleet-wide; 1.0 turns the limit off.
  double max_vendor_share = 1.0;
  // Placements are counted over this window (in kBuckets slices).
  Nanos window = Seconds(10);
  // false (default): a vendor at its limit takes a request only when no
  // other vendor is expected to finish it by its deadline ("when capacity
  // allows"). true: only when no other vendor has room in its queues.
  bool strict = false;
};

// Windowed placement counts per (model, vendor) and per vendor. Not
// thread-safe (the scheduler's lock guards it).
class VendorShareTracker {
 public:
  static constexpr int kBuckets = 10;

  VendorShareTracker() = default;
  VendorShareTracker(int num_models, int num_vendors, const ShareLimitOptions& options);

  bool enabled() const { return options_.max_vendor_share < 1.0 && num_vendors_ > 1; }
  void Record(Nanos now, int model, int vendor);
  // Bit v set: vendor v may take one more placement of `model` without
  // exceeding the limit, counting only vendors in `available` (vendors that
  // could serve the model now). Returns `available` when no vendor fits
  // (a placement has to go somewhere) or the limit is off.
  uint64_t Allowed(Nanos now, int model, uint64_t available);
  // Forgets all counts (when the set of usable vendors changes: shares
  // measured while a vendor was out say nothing about the limit).
  void Reset();
  // Current windowed share of `vendor` in `model`'s placements (model -1:
  // the fleet's); 0 when nothing was placed.
  double Share(Nanos now, int model, int vendor);

 private:
  void Advance(Nanos now);
  int64_t& Cell(int row, int vendor, int bucket) {
    return counts_[(static_cast<size_t>(row) * num_vendors_ + vendor) * kBuckets + bucket];
  }

  ShareLimitOptions options_;
  int num_models_ = 0;
  int num_vendors_ = 0;
  Nanos bucket_width_ = 1;
  int64_t current_ = 0;  // index of the newest bucket (time / width)
  // Rows 0..num_models-1 are models, row num_models is the fleet.
  std::vector<int64_t> counts_;  // [row][vendor][bucket]
  std::vector<int64_t> sums_;    // [row][vendor]: window totals
};

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_VENDOR_SHARE_H_
