// The fleet simulator: runs the real Scheduler on a VirtualClock against
// simulated devices, a workload and a fault script, and measures what
// clients would see. Deterministic for a seed (wall time aside).
#ifndef BRAID_SCHEDULER_SIM_SIMULATOR_H_
#define BRAID_SCHEDULER_SIM_SIMULATOR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "scheduler/sim/fault_script.h"
#include "scheduler/sim/scenario.h"

namespace braid::scheduler::sim {

struct SimProgress {
  std::string policy;
  double fraction = 0;  // of the arrival window
  double sim_time_s = 0;
  int64_t submitted = 0;
  int64_t answered = 0;
  double wall_s = 0;
};

struct SimOptions {
  std::string policy = "ect";
  std::optional<uint64_t> seed;        // overrides the scenario's
  double load_scale = 1.0;             // multiplies workload.rate_rps
  std::optional<double> duration_s;    // overrides the scenario's
  std::optional<int64_t> max_requests; // overrides the scenario's
  int timeline_buckets = 120;
  // Called at about every tenth of the arrival window and once at the end
  // (from the simulating thread).
  std::function<void(const SimProgress&)> progress;
  // Called with every answer, the request's model index and deadline
  // (kNoDeadline if none), on the simulating thread; for checks and traces.
  std::function<void(const Response&, int model, Nanos deadline)> on_answer;
};

struct TimeBucket {
  double start_s = 0;
  double end_s = 0;
  int64_t completed = 0;  // answered OK in this bucket
  int64_t ok_in_slo = 0;
  int64_t failed = 0;     // answered with any error
  double p50_ms = 0;
  double p99_ms = 0;
  std::vector<int64_t> per_vendor;  // OK answers by vendor
};

struct VendorResult {
  std::string name;
  int devices = 0;
  int64_t served = 0;              // OK answers
  double share = 0;                // of all OK answers
  double share_outside_faults = 0; // of OK answers while no fault window was open and all vendors were up
  double energy_j = 0;
};

struct ModelResult {
  std::string name;
  int64_t submitted = 0;
  int64_t ok = 0;
  int64_t ok_in_slo = 0;
  double slo_ms = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

struct SimResult {
  std::string scenario;
  std::string policy;
  uint64_t seed = 0;
  double load_scale = 1;
  double offered_rps = 0;    // mean arrival rate
  double duration_s = 0;     // arrival window
  double sim_end_s = 0;      // when the last answer came
  int devices = 0;
  int64_t submitted = 0;
  int64_t answered = 0;
  int64_t lost = 0;              // submitted - answered: must be 0
  int64_t duplicate_answers = 0; // must be 0
  int64_t ok = 0;
  int64_t ok_in_slo = 0;
  int64_t deadline_exceeded = 0;
  int64_t resource_exhausted = 0;
  int64_t cancelled = 0;
  int64_t unavailable = 0;
  int64_t other_errors = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;  // OK answers
  double slo_attainment = 0;  // ok_in_slo / submitted
  double goodput_rps = 0;     // ok_in_slo / duration
  double throughput_rps = 0;  // ok / duration
  double energy_j_per_request = 0;  // device busy energy / OK answers
  int64_t redispatched = 0;
  int64_t batches = 0;
  double mean_batch_size = 0;
  double max_vendor_share = 1;  // the scenario's limit
  std::vector<VendorResult> vendors;
  std::vector<ModelResult> models;
  std::vector<TimeBucket> timeline;
  std::vector<FaultWindow> faults;
  std::vector<std::string> events;  // scheduler events, "t=12.345s vendor-down nvidia: ..."
  std::vector<std::string> models_below_vendor_redundancy;  // at the start
  double wall_s = 0;
  int64_t sim_events = 0;
};

absl::StatusOr<SimResult> RunSimulation(const Scenario& scenario, const SimOptions& options);

}  // namespace braid::scheduler::sim

#endif  // BRAID_SCHEDULER_SIM_SIMULATOR_H_
