#include "backends/gpu/emulator/emu_backend.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/gpu/emulator/emu_runtime.h"
#include "backends/gpu/exec/gpu_device.h"
#include "backends/gpu/exec/target_gpu_api.h"

namespace braid::backends::gpu {
namespace {

DeviceInfo EmulatedDeviceInfo(int ordinal) {
  const emu::EmulatedDeviceConfig& config = emu::DeviceConfig(ordinal);
  const bool amd = config.warp_size == 64;
  DeviceInfo info;
  info.name = config.name;
  info.backend = "emu";
  info.vendor = amd ? "amd" : "nvidia";
  info.emulated = true;
  info.description = absl::StrCat("emulated ", amd ? "AMD" : "NVIDIA", " GPU on the CPU (warp size ",
                                  config.warp_size, ", ", emu::WorkerThreads(), " host threads)");
  info.arch = amd ? "emulated-wave64" : "emulated-wave32";
  info.warp_size = config.warp_size;
  info.compute_units = emu::WorkerThreads();
  info.memory_bytes = 0;  // host memory; no separate limit
  // Estimates measured on the emulator, far below any real GPU.
  info.peak_gflops = 0.5 * emu::WorkerThreads();
  info.memory_bandwidth_gbps = 2.0;
  info.launch_overhead_us = 5.0;
  return info;
}

class EmulatorBackend : public Backend {
 public:
  std::string name() const override { return "emu"; }
  BackendAvailability availability() const override { return {true, ""}; }
  std::vector<DeviceInfo> ListDevices() const override {
    std::vector<DeviceInfo> devices;
    for (int i = 0; i < emu::kNumEmulatedDevices; ++i) devices.push_back(EmulatedDeviceInfo(i));
    return devices;
  }
  absl::StatusOr<std::unique_ptr<Device>> OpenDevice(int ordinal) override {
    if (ordinal < 0 || ordinal >= emu::kNumEmulatedDevices) {
      return absl::NotFoundError(absl::StrCat("emu has no device ", ordinal, " (it has ",
                                              emu::kNumEmulatedDevices, ")"));
    }
    auto api = std::make_shared<target_emu::TargetGpuApi>(ordinal, EmulatedDeviceInfo(ordinal));
    return std::unique_ptr<Device>(new GpuDevice(std::move(api)));
  }
};

}  // namespace

std::unique_ptr<Backend> CreateEmulatorBackend() { return std::make_unique<EmulatorBackend>(); }

}  // namespace braid::backends::gpu
