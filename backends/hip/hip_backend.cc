#include "backends/hip/hip_backend.h"

#include <hip/hip_runtime_api.h>

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "backends/gpu/exec/gpu_device.h"
#include "backends/gpu/exec/target_gpu_api.h"
#include "backends/hip/hip_blas.h"

#ifndef BRAID_HIP_ARCHITECTURES
#define BRAID_HIP_ARCHITECTURES ""
#endif

namespace braid::backends::hip {
namespace {

using gpu::target_hip::ToStatus;

// "gfx90a:sramecc+:xnack-" -> "gfx90a".
std::string BaseArch(const char* gcn_arch_name) {
  std::string arch(gcn_arch_name);
  return arch.substr(0, arch.find(':'));
}

bool BuiltFor(const std::string& arch) {
  for (absl::string_view a : absl::StrSplit(BRAID_HIP_ARCHITECTURES, ',')) {
    if (a == arch) return true;
  }
  return false;
}

absl::StatusOr<DeviceInfo> QueryDevice(int ordinal) {
  hipDeviceProp_t prop;
  absl::Status s = ToStatus(hipGetDeviceProperties(&prop, ordinal), "hipGetDeviceProperties", __FILE__, __LINE__);
  if (!s.ok()) return s;
  DeviceInfo info;
  info.name = absl::StrCat("hip:", ordinal);
  info.backend = "hip";
  info.vendor = "amd";
  info.description = prop.name;
  info.arch = BaseArch(prop.gcnArchName);
  info.warp_size = prop.warpSize;
  info.compute_units = prop.multiProcessorCount;
  info.memory_bytes = static_cast<int64_t>(prop.totalGlobalMem);
  // Datasheet-style estimates: FMA on every lane of every CU at the boost
  // clock (kHz), and DDR bandwidth from clock and bus width.
  info.peak_gflops = 2.0 * 64.0 * prop.multiProcessorCount * (prop.clockRate / 1e6);
  info.memory_bandwidth_gbps = 2.0 * (prop.memoryClockRate / 1e6) * (prop.memoryBusWidth / 8.0);
  info.launch_overhead_us = 5.0;
  return info;
}

class HipBackend : public Backend {
 public:
  std::string name() const override { return "hip"; }

  BackendAvailability availability() const override {
    int count = 0;
    const hipError_t e = hipGetDeviceCount(&count);
    if (e != hipSuccess) {
      (void)hipGetLastError();
      return {false, std::string(ToStatus(e, "hipGetDeviceCount", __FILE__, __LINE__).message())};
    }
    if (count == 0) return {false, "the HIP runtime reports no AMD GPU"};
    return {true, ""};
  }

  std::vector<DeviceInfo> ListDevices() const override {
    std::vector<DeviceInfo> devices;
    int count = 0;
    if (hipGetDeviceCount(&count) != hipSuccess) {
      (void)hipGetLastError();
      return devices;
    }
    for (int i = 0; i < count; ++i) {
      absl::StatusOr<DeviceInfo> info = QueryDevice(i);
      if (info.ok()) devices.push_back(*std::move(info));
    }
    return devices;
  }

  absl::StatusOr<std::unique_ptr<Device>> OpenDevice(int ordinal) override {
    BackendAvailability a = availability();
    if (!a.available) return absl::UnavailableError(absl::StrCat("HIP backend unavailable: ", a.reason));
    int count = 0;
    (void)hipGetDeviceCount(&count);
    if (ordinal < 0 || ordinal >= count) {
      return absl::NotFoundError(absl::StrCat("hip has no device ", ordinal, " (it has ", count, ")"));
    }
    absl::StatusOr<DeviceInfo> info = QueryDevice(ordinal);
    if (!info.ok()) return info.status();
    if (!BuiltFor(info->arch)) {
      return absl::FailedPreconditionError(
          absl::StrCat("device ", info->name, " is ", info->arch, "; this build has kernels for '",
                       BRAID_HIP_ARCHITECTURES, "' (set BRAID_HIP_ARCHITECTURES when configuring)"));
    }
    std::shared_ptr<gpu::GpuApi> api = MakeHipApi(ordinal, *std::move(info));
    return std::unique_ptr<Device>(new gpu::GpuDevice(std::move(api)));
  }
};

}  // namespace

std::unique_ptr<Backend> CreateHipBackend() { return std::make_unique<HipBackend>(); }

}  // namespace braid::backends::hip

// The module's entry point (braid/backend.h).
extern "C" __attribute__((visibility("default"))) braid::Backend* BraidCreateBackend(int abi_version) {
  if (abi_version != braid::kBackendAbiVersion) return nullptr;
  return braid::backends::hip::CreateHipBackend().release();
}
