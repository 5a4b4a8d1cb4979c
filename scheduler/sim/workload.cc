#include "scheduler/sim/workload.h"

#include <algorithm>
#include <cmath>

namespace braid::scheduler::sim {

const char* ArrivalPatternName(ArrivalPattern pattern) {
  switch (pattern) {
    case ArrivalPattern::kPoisson:
      return "poisson";
    case ArrivalPattern::kBursty:
      return "bursty";
    case ArrivalPattern::kDiurnal:
      return "diurnal";
  }
  return "unknown";
}

absl::StatusOr<ArrivalPattern> ParseArrivalPattern(std::string_view name) {
  if (name == "poisson") return ArrivalPattern::kPoisson;
  if (name == "bursty") return ArrivalPattern::kBursty;
  if (name == "diurnal") return ArrivalPattern::kDiurnal;
  return absl::InvalidArgumentError("unknown arrival pattern '" + std::string(name) +
                                    "' (known: poisson, bursty, diurnal)");
}

ArrivalProcess::ArrivalProcess(const WorkloadSpec& spec, std::vector<double> model_weights, uint64_t seed)
    : spec_(spec), rng_(seed) {
  double total = 0;
  for (double w : model_weights) total += std::max(w, 0.0);
  if (model_weights.empty() || total <= 0) model_weights.assign(std::max<size_t>(model_weights.size(), 1), 1.0);
  total = 0;
  for (double w : model_weights) total += std::max(w, 0.0);
  double acc = 0;
  for (double w : model_weights) {
    acc += std::max(w, 0.0) / total;
    cumulative_.push_back(acc);
  }
  cumulative_.back() = 1.0;
  switch (spec_.pattern) {
    case ArrivalPattern::kPoisson:
      max_rate_ = spec_.rate_rps;
      break;
    case ArrivalPattern::kBursty:
      max_rate_ = spec_.rate_rps * std::max(spec_.burst_factor, 1.0);
      break;
    case ArrivalPattern::kDiurnal:
      max_rate_ = spec_.rate_rps * (1 + std::abs(spec_.diurnal_amplitude));
      break;
  }
  max_rate_ = std::max(max_rate_, 1e-9);
}

double ArrivalProcess::RateAt(Nanos t) const {
  const double s = ToSeconds(t);
  switch (spec_.pattern) {
    case ArrivalPattern::kPoisson:
      return spec_.rate_rps;
    case ArrivalPattern::kBursty: {
      const double period = std::max(spec_.burst_period_s, 1e-9);
      const double phase = std::fmod(s, period);
      return phase >= period - spec_.burst_on_s ? spec_.rate_rps * spec_.burst_factor : spec_.rate_rps;
    }
    case ArrivalPattern::kDiurnal:
      return std::max(0.0, spec_.rate_rps * (1 + spec_.diurnal_amplitude *
                                                     std::sin(6.283185307179586 * s /
                                                              std::max(spec_.diurnal_period_s, 1e-9))));
  }
  return spec_.rate_rps;
}

double ArrivalProcess::MeanRate(Nanos duration) const {
  if (duration <= 0) return RateAt(0);
  const int steps = 10000;
  double sum = 0;
  for (int i = 0; i < steps; ++i) sum += RateAt(duration / steps * i + duration / steps / 2);
  return sum / steps;
}

Arrival ArrivalProcess::Next() {
  // Thinning: candidates at the maximum rate, kept with probability rate/max.
  for (;;) {
    t_s_ += rng_.Exponential(max_rate_);
    const Nanos t = static_cast<Nanos>(t_s_ * 1e9);
    if (spec_.pattern == ArrivalPattern::kPoisson || rng_.Uniform() * max_rate_ < RateAt(t)) {
      Arrival a;
      a.time = t;
      const double u = rng_.Uniform();
      a.model = static_cast<int>(std::lower_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin());
      a.model = std::min<int>(a.model, static_cast<int>(cumulative_.size()) - 1);
      a.has_deadline = rng_.Uniform() >= spec_.no_deadline_fraction;
      a.priority = rng_.Uniform() < spec_.high_priority_fraction ? kNumPriorities - 1 : 0;
      return a;
    }
  }
}

}  // namespace braid::scheduler::sim
