// Latency estimates per (model, device): a prior from the compiled plan's
// cost against the device's peak rates, refined online from observed batch
// latencies.
#ifndef BRAID_SCHEDULER_COST_MODEL_H_
#define BRAID_SCHEDULER_COST_MODEL_H_

#include <algorithm>

#include "scheduler/target.h"
#include "scheduler/types.h"

namespace braid::scheduler {

// Batch latency as fixed + per_item * batch_size, in nanoseconds.
struct LatencyCurve {
  double fixed_ns = 0;
  double per_item_ns = 0;
  Nanos At(int batch_size) const {
    return static_cast<Nanos>(fixed_ns + per_item_ns * std::max(batch_size, 1));
  }
};

// The roofline-style prior: launches * overhead + weights / bandwidth fixed,
// flops / peak + activations / bandwidth per item. Rates of 0 count as
// "unknown" and contribute nothing; the result is at least 1 us.
LatencyCurve PriorCurve(const ModelCost& cost, const TargetInfo& target);

// Online estimate for one (model, device). Starts at the prior; each
// observed batch updates an exponentially weighted least-squares fit of
// latency against batch size (used once batch sizes vary enough to fit a
// line), and a weighted ratio observed/prior that scales the prior
// otherwise. Not thread-safe (the scheduler's lock guards it).
class LatencyEstimator {
 public:
  LatencyEstimator() = default;
  LatencyEstimator(LatencyCurve prior, double alpha);

  void Observe(int batch_size, Nanos latency);
  // Estimated latency of a batch of `batch_size` (>= 1).
  Nanos Estimate(int batch_size) const { return current_.At(batch_size); }
  const LatencyCurve& current() const { return current_; }
  const LatencyCurve& prior() const { return prior_; }
  int observations() const { return observations_; }
  // Observed / prior latency, weighted towards recent batches.
  double ratio() const { return ratio_; }

 private:
  LatencyCurve prior_;
  LatencyCurve current_;
  double alpha_ = 0.1;
  double ratio_ = 1.0;
  int observations_ = 0;
  // Exponentially weighted sums for the least-squares fit.
  double w_ = 0, sb_ = 0, sbb_ = 0, sy_ = 0, sby_ = 0;
};

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_COST_MODEL_H_
