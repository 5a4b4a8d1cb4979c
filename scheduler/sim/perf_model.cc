#include "scheduler/sim/perf_model.h"

#include <algorithm>

namespace braid::scheduler::sim {

const std::vector<DevicePreset>& BuiltinPresets() {
  // Peak dense FP16/BF16 rates, HBM bandwidth and board power from vendor
  // datasheets (MI450-class: scaled from announced figures). Launch
  // overheads are typical measured orders of magnitude. All are estimates.
  static const std::vector<DevicePreset> presets = {
      {"mi300x", "amd", "AMD Instinct MI300X (estimate: datasheet 1307 TFLOPS FP16 dense, 5.3 TB/s, 750 W)",
       1307.4, 5.3, 6.0, 750, 0.55, 0.8, 4, 0.05, 1},
      {"mi450", "amd",
       "AMD MI450-class (estimate: ~10 PFLOPS FP16 dense, 19.6 TB/s, 2300 W, scaled from announced "
       "FP8/FP4 figures)",
       10000, 19.6, 5.0, 2300, 0.5, 0.8, 8, 0.05, 1},
      {"h100", "nvidia", "NVIDIA H100 SXM (estimate: datasheet 989 TFLOPS BF16 dense, 3.35 TB/s, 700 W)", 989.4,
       3.35, 4.0, 700, 0.6, 0.8, 4, 0.05, 1},
      {"h200", "nvidia", "NVIDIA H200 SXM (estimate: datasheet 989 TFLOPS BF16 dense, 4.8 TB/s, 700 W)", 989.4,
       4.8, 4.0, 700, 0.6, 0.8, 4, 0.05, 1},
  };
  return presets;
}

absl::StatusOr<DevicePreset> FindPreset(std::string_view name, const std::vector<DevicePreset>& extra) {
  for (const DevicePreset& p : extra) {
    if (p.name == name) return p;
  }
  for (const DevicePreset& p : BuiltinPresets()) {
    if (p.name == name) return p;
  }
  std::string known;
  for (const DevicePreset& p : BuiltinPresets()) known += (known.empty() ? "" : ", ") + p.name;
  for (const DevicePreset& p : extra) known += ", " + p.name;
  return absl::NotFoundError("unknown device preset '" + std::string(name) + "' (known: " + known + ")");
}

Nanos ServiceTime(const DevicePreset& device, const SimModel& model, int batch) {
  const double b = std::max(batch, 1);
  const double efficiency = device.compute_efficiency * b / (b + device.batch_half);
  // In seconds, converted to nanoseconds at the end.
  const double compute_s = b * model.gflops_per_item * 1e9 / (device.peak_tflops * 1e12 * efficiency);
  const double bytes = (model.weights_mb + b * model.activation_mb_per_item) * 1e6;
  const double memory_s = bytes / (device.memory_tbps * 1e12 * device.memory_efficiency);
  const double launch_s = model.kernels * device.launch_overhead_us * 1e-6;
  return static_cast<Nanos>((launch_s + std::max(compute_s, memory_s)) * 1e9);
}

TargetInfo TargetInfoOf(const DevicePreset& device, const std::string& name) {
  TargetInfo info;
  info.name = name;
  info.vendor = device.vendor;
  info.kind = device.name;
  info.peak_gflops = device.peak_tflops * 1e3;
  info.memory_bandwidth_gbps = device.memory_tbps * 1e3;
  info.launch_overhead_us = device.launch_overhead_us;
  info.busy_watts = device.busy_watts;
  info.max_concurrent_batches = device.max_concurrent_batches;
  return info;
}

ModelCost ModelCostOf(const SimModel& model) {
  ModelCost cost;
  cost.flops_per_item = model.gflops_per_item * 1e9;
  cost.bytes_per_item = model.activation_mb_per_item * 1e6;
  cost.bytes_per_batch = model.weights_mb * 1e6;
  cost.kernel_launches = model.kernels;
  return cost;
}

}  // namespace braid::scheduler::sim
