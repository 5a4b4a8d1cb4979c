// Performance model of simulated devices: how long a batch of a model takes
// on a device, from peak FLOP/s, memory bandwidth, launch overhead and a
// batch-size efficiency curve. Presets are estimates from public datasheets.
#ifndef BRAID_SCHEDULER_SIM_PERF_MODEL_H_
#define BRAID_SCHEDULER_SIM_PERF_MODEL_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "scheduler/target.h"
#include "scheduler/types.h"

namespace braid::scheduler::sim {

struct DevicePreset {
  std::string name;         // "mi300x"
  std::string vendor;       // "amd"
  std::string description;  // says where the figures come from
  double peak_tflops = 0;   // dense FP16/BF16
  double memory_tbps = 0;
  double launch_overhead_us = 0;
  double busy_watts = 0;
  // Achievable fractions of peak: compute efficiency approaches
  // compute_efficiency as the batch grows (half of it at batch_half).
  double compute_efficiency = 0.6;
  double memory_efficiency = 0.8;
  double batch_half = 4;
  double noise_sigma = 0.05;  // log-normal service-time noise
  int max_concurrent_batches = 1;
};

// AMD MI300X, an MI450-class part, NVIDIA H100 SXM and H200 SXM.
const std::vector<DevicePreset>& BuiltinPresets();
absl::StatusOr<DevicePreset> FindPreset(std::string_view name, const std::vector<DevicePreset>& extra = {});

// A model as the simulator sees it: its cost and its serving settings.
struct SimModel {
  std::string name;
  double gflops_per_item = 1;
  double weights_mb = 100;            // read once per batch
  double activation_mb_per_item = 1;  // read + written per item
  int kernels = 50;                   // launches per run
  int max_batch = 8;
  double max_queue_delay_ms = 2;
  double slo_ms = 50;                 // also each request's deadline
  double traffic_weight = 1;          // share of arrivals, relative
  int queue_capacity = 256;
};

// Mean service time of a batch (before noise), in ns.
Nanos ServiceTime(const DevicePreset& device, const SimModel& model, int batch);

// What the device reports to the scheduler: rates and the compiled-plan cost.
TargetInfo TargetInfoOf(const DevicePreset& device, const std::string& name);
ModelCost ModelCostOf(const SimModel& model);

}  // namespace braid::scheduler::sim

#endif  // BRAID_SCHEDULER_SIM_PERF_MODEL_H_
