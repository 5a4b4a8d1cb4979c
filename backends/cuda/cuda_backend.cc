#include "backends/cuda/cuda_backend.h"

#include <cuda_runtime_api.h>

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "backends/cuda/cuda_blas.h"
#include "backends/gpu/exec/gpu_device.h"
#include "backends/gpu/exec/target_gpu_api.h"

#ifndef BRAID_CUDA_ARCHITECTURES
#define BRAID_CUDA_ARCHITECTURES ""
#endif

namespace braid::backends::cuda {
namespace {

using gpu::target_cuda::ToStatus;

// The oldest SM this build has code for (the PTX of newer ones JITs upward).
int OldestBuiltSm() {
  int oldest = 0;
  for (absl::string_view a : absl::StrSplit(BRAID_CUDA_ARCHITECTURES, ',')) {
    int sm = 0;
    // "80", "90", "90-real", "80-virtual": the leading number.
    std::string digits;
    for (char c : a) {
      if (c < '0' || c > '9') break;
      digits.push_back(c);
    }
    if (absl::SimpleAtoi(digits, &sm) && (oldest == 0 || sm < oldest)) oldest = sm;
  }
  return oldest;
}

int Attribute(cudaDeviceAttr attr, int ordinal) {
  int v = 0;
  if (cudaDeviceGetAttribute(&v, attr, ordinal) != cudaSuccess) {
    (void)cudaGetLastError();
    return 0;
  }
  return v;
}

absl::StatusOr<DeviceInfo> QueryDevice(int ordinal) {
  cudaDeviceProp prop;
  absl::Status s = ToStatus(cudaGetDeviceProperties(&prop, ordinal), "cudaGetDeviceProperties", __FILE__, __LINE__);
  if (!s.ok()) return s;
  DeviceInfo info;
  info.name = absl::StrCat("cuda:", ordinal);
  info.backend = "cuda";
  info.vendor = "nvidia";
  info.description = prop.name;
  info.arch = absl::StrCat("sm_", prop.major, prop.minor);
  info.warp_size = prop.warpSize;
  info.compute_units = prop.multiProcessorCount;
  info.memory_bytes = static_cast<int64_t>(prop.totalGlobalMem);
  // Datasheet-style estimates: 128 FP32 lanes per SM (Ampere/Hopper) doing
  // FMAs at the boost clock; DDR bandwidth from clock and bus width.
  const double clock_ghz = Attribute(cudaDevAttrClockRate, ordinal) / 1e6;
  const double mem_ghz = Attribute(cudaDevAttrMemoryClockRate, ordinal) / 1e6;
  info.peak_gflops = 2.0 * 128.0 * prop.multiProcessorCount * clock_ghz;
  info.memory_bandwidth_gbps = 2.0 * mem_ghz * (Attribute(cudaDevAttrGlobalMemoryBusWidth, ordinal) / 8.0);
  info.launch_overhead_us = 4.0;
  return info;
}

class CudaBackend : public Backend {
 public:
  std::string name() const override { return "cuda"; }

  BackendAvailability availability() const override {
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
      (void)cudaGetLastError();
      return {false, std::string(ToStatus(e, "cudaGetDeviceCount", __FILE__, __LINE__).message())};
    }
    if (count == 0) return {false, "the CUDA runtime reports no NVIDIA GPU"};
    return {true, ""};
  }

  std::vector<DeviceInfo> ListDevices() const override {
    std::vector<DeviceInfo> devices;
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess) {
      (void)cudaGetLastError();
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
    if (!a.available) return absl::UnavailableError(absl::StrCat("CUDA backend unavailable: ", a.reason));
    int count = 0;
    (void)cudaGetDeviceCount(&count);
    if (ordinal < 0 || ordinal >= count) {
      return absl::NotFoundError(absl::StrCat("cuda has no device ", ordinal, " (it has ", count, ")"));
    }
    absl::StatusOr<DeviceInfo> info = QueryDevice(ordinal);
    if (!info.ok()) return info.status();
    cudaDeviceProp prop;
    if (cudaGetDeviceProperties(&prop, ordinal) == cudaSuccess && prop.major * 10 + prop.minor < OldestBuiltSm()) {
      return absl::FailedPreconditionError(
          absl::StrCat("device ", info->name, " is ", info->arch, "; this build targets SM '",
                       BRAID_CUDA_ARCHITECTURES, "' (set BRAID_CUDA_ARCHITECTURES when configuring)"));
    }
    std::shared_ptr<gpu::GpuApi> api = MakeCudaApi(ordinal, *std::move(info));
    return std::unique_ptr<Device>(new gpu::GpuDevice(std::move(api)));
  }
};

}  // namespace

std::unique_ptr<Backend> CreateCudaBackend() { return std::make_unique<CudaBackend>(); }

}  // namespace braid::backends::cuda

// The module's entry point (braid/backend.h).
extern "C" __attribute__((visibility("default"))) braid::Backend* BraidCreateBackend(int abi_version) {
  if (abi_version != braid::kBackendAbiVersion) return nullptr;
  return braid::backends::cuda::CreateCudaBackend().release();
}
