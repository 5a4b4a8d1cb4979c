#include "scheduler/cost_model.h"

#include <cmath>

namespace braid::scheduler {

LatencyCurve PriorCurve(const ModelCost& cost, const TargetInfo& target) {
  LatencyCurve curve;
  // GFLOP/s == flop/ns and GB/s == byte/ns, so these quotients are in ns.
  curve.fixed_ns = std::max(cost.kernel_launches, 0) * target.launch_overhead_us * 1e3;
  if (target.memory_bandwidth_gbps > 0) {
    curve.fixed_ns += cost.bytes_per_batch / target.memory_bandwidth_gbps;
    curve.per_item_ns += cost.bytes_per_item / target.memory_bandwidth_gbps;
  }
  if (target.peak_gflops > 0) curve.per_item_ns += cost.flops_per_item / target.peak_gflops;
  if (curve.fixed_ns + curve.per_item_ns < 1e3) curve.fixed_ns = 1e3 - curve.per_item_ns;
  return curve;
}

LatencyEstimator::LatencyEstimator(LatencyCurve prior, double alpha)
    : prior_(prior), current_(prior), alpha_(std::clamp(alpha, 1e-3, 1.0)) {}

void LatencyEstimator::Observe(int batch_size, Nanos latency) {
  if (latency <= 0) return;
  const double b = std::max(batch_size, 1);
  const double y = static_cast<double>(latency);
  const double ratio = y / std::max<double>(prior_.At(batch_size), 1.0);
  ratio_ = observations_ == 0 ? ratio : (1 - alpha_) * ratio_ + alpha_ * ratio;
  ++observations_;

  const double keep = 1 - alpha_;
  w_ = keep * w_ + 1;
  sb_ = keep * sb_ + b;
  sbb_ = keep * sbb_ + b * b;
  sy_ = keep * sy_ + y;
  sby_ = keep * sby_ + b * y;

  current_ = LatencyCurve{prior_.fixed_ns * ratio_, prior_.per_item_ns * ratio_};
  // Fit latency = fixed + per_item * b when batch sizes vary enough (a
  // weighted variance of at least 1/4) and the fit is physical.
  const double mean_b = sb_ / w_;
  const double var_b = sbb_ / w_ - mean_b * mean_b;
  if (observations_ >= 8 && var_b >= 0.25) {
    const double mean_y = sy_ / w_;
    const double cov = sby_ / w_ - mean_b * mean_y;
    const double slope = cov / var_b;
    const double intercept = mean_y - slope * mean_b;
    if (slope >= 0 && intercept >= 0 && std::isfinite(slope) && std::isfinite(intercept)) {
      current_ = LatencyCurve{intercept, slope};
    }
  }
}

}  // namespace braid::scheduler
