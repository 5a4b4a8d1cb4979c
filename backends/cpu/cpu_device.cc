#include "backends/cpu/cpu_device.h"

#include <unistd.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "backends/cpu/cpu_executable.h"

namespace braid::backends::cpu {

DeviceInfo HostDeviceInfo() {
  DeviceInfo info;
  info.name = "cpu";
  info.backend = "cpu";
  info.vendor = "host";
  info.arch = "x86_64";
  info.compute_units = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGE_SIZE);
  info.memory_bytes = pages > 0 && page_size > 0 ? int64_t{pages} * page_size : 0;
  info.description = absl::StrCat("host CPU, ", info.compute_units, " threads");
  // Estimates for the cost model: 2 AVX2 FMA units x 8 lanes x 2 flops at ~2.5 GHz per core.
  info.peak_gflops = 80.0 * info.compute_units;
  info.memory_bandwidth_gbps = 20.0;
  info.launch_overhead_us = 1.0;
  info.warp_size = 1;
  return info;
}

CpuDevice::CpuDevice(const KernelRegistry& registry) : registry_(registry), info_(HostDeviceInfo()) {}

absl::Status CpuDevice::CanRun(const graph::Node& node) const { return registry_.Find(node).status(); }

std::shared_ptr<const ThreadPool> CpuDevice::Pool(int threads) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& pool = pools_[threads];
  if (pool == nullptr) pool = std::make_shared<const ThreadPool>(threads);
  return pool;
}

absl::StatusOr<std::unique_ptr<Executable>> CpuDevice::Compile(const graph::Graph& subgraph,
                                                               const CompileOptions& options) {
  BRAID_ASSIGN_OR_RETURN(std::unique_ptr<CpuExecutable> exe,
                         CpuExecutable::Create(subgraph, registry_, Pool(options.intra_op_threads)));
  return std::unique_ptr<Executable>(std::move(exe));
}

std::vector<DeviceInfo> CpuBackend::ListDevices() const { return {HostDeviceInfo()}; }

absl::StatusOr<std::unique_ptr<Device>> CpuBackend::OpenDevice(int ordinal) {
  if (ordinal != 0) return absl::NotFoundError(absl::StrCat("the CPU backend has one device; no device ", ordinal));
  return std::unique_ptr<Device>(std::make_unique<CpuDevice>(CpuKernelRegistry()));
}

}  // namespace braid::backends::cpu
