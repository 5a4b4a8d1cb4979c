// The built-in CPU backend: one host device, "cpu", that runs every op with
// a registered kernel. Also the fallback for nodes no GPU claims.
#ifndef BRAID_BACKENDS_CPU_CPU_DEVICE_H_
#define BRAID_BACKENDS_CPU_CPU_DEVICE_H_

#include <map>
#include <memory>
#include <mutex>

#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/thread_pool.h"
#include "braid/backend.h"

namespace braid::backends::cpu {

class CpuDevice : public Device {
 public:
  explicit CpuDevice(const KernelRegistry& registry);

  const DeviceInfo& info() const override { return info_; }
  absl::Status CanRun(const graph::Node& node) const override;
  absl::StatusOr<std::unique_ptr<Executable>> Compile(const graph::Graph& subgraph,
                                                      const CompileOptions& options) override;
  absl::StatusOr<Tensor> CopyFromHost(const Tensor& host) override { return host; }
  absl::StatusOr<Tensor> CopyToHost(const Tensor& t) override { return t; }

  const KernelRegistry& registry() const { return registry_; }
  // The shared thread pool for `threads` intra-op threads (0 = all).
  std::shared_ptr<const ThreadPool> Pool(int threads);

 private:
  const KernelRegistry& registry_;
  DeviceInfo info_;
  std::mutex mu_;
  std::map<int, std::shared_ptr<const ThreadPool>> pools_;
};

class CpuBackend : public Backend {
 public:
  CpuBackend() = default;
  std::string name() const override { return "cpu"; }
  BackendAvailability availability() const override { return {true, ""}; }
  std::vector<DeviceInfo> ListDevices() const override;
  absl::StatusOr<std::unique_ptr<Device>> OpenDevice(int ordinal) override;
};

// Static facts about this host (cores, memory, estimated rates).
DeviceInfo HostDeviceInfo();

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_CPU_DEVICE_H_
