// Workloads: request arrivals over time (Poisson, bursty, diurnal) and the
// mix of models they ask for.
#ifndef BRAID_SCHEDULER_SIM_WORKLOAD_H_
#define BRAID_SCHEDULER_SIM_WORKLOAD_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "scheduler/sim/rng.h"
#include "scheduler/types.h"

namespace braid::scheduler::sim {

enum class ArrivalPattern { kPoisson, kBursty, kDiurnal };
const char* ArrivalPatternName(ArrivalPattern pattern);
absl::StatusOr<ArrivalPattern> ParseArrivalPattern(std::string_view name);

struct WorkloadSpec {
  ArrivalPattern pattern = ArrivalPattern::kPoisson;
  double rate_rps = 1000;  // mean arrival rate outside bursts
  // Bursty: for burst_on_s out of every burst_period_s the rate is
  // rate_rps * burst_factor (bursts start at burst_period_s - burst_on_s).
  double burst_factor = 4;
  double burst_on_s = 2;
  double burst_period_s = 20;
  // Diurnal: rate_rps * (1 + amplitude * sin(2 pi t / period)).
  double diurnal_period_s = 60;
  double diurnal_amplitude = 0.5;
  // Fractions of requests without a deadline, and at high priority.
  double no_deadline_fraction = 0;
  double high_priority_fraction = 0;
};

struct Arrival {
  Nanos time = 0;
  int model = 0;
  int priority = 0;
  bool has_deadline = true;
};

// A deterministic arrival stream (non-homogeneous Poisson by thinning).
// Not thread-safe.
class ArrivalProcess {
 public:
  ArrivalProcess(const WorkloadSpec& spec, std::vector<double> model_weights, uint64_t seed);
  // The next arrival after the previous one.
  Arrival Next();
  // The instantaneous rate at `t` (requests/s).
  double RateAt(Nanos t) const;
  // Mean rate over [0, duration).
  double MeanRate(Nanos duration) const;

 private:
  WorkloadSpec spec_;
  std::vector<double> cumulative_;  // normalized model weights
  double max_rate_;
  Rng rng_;
  double t_s_ = 0;
};

}  // namespace braid::scheduler::sim

#endif  // BRAID_SCHEDULER_SIM_WORKLOAD_H_
