// TargetGpuApi: the GpuApi of one device of the target this translation
// unit is built for (HIP, CUDA or the emulator), written once against the
// neutral host vocabulary. Vendor modules construct it with the DeviceInfo
// they enumerated and may override VendorGemm.
#ifndef BRAID_BACKENDS_GPU_EXEC_TARGET_GPU_API_H_
#define BRAID_BACKENDS_GPU_EXEC_TARGET_GPU_API_H_

#include "absl/status/status.h"
#include "backends/gpu/exec/gpu_api.h"
#include "backends/gpu/vocab/gpu_host.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {

// A vendor error as a Status: "<what> failed: <name> (<description>) at
// file:line". Out-of-memory maps to ResourceExhausted, everything else to
// Internal. OK for kSuccess.
absl::Status ToStatus(Error error, const char* what, const char* file, int line);

// Returns from the enclosing function when a vocabulary call fails.
#define BRAID_GPU_RETURN_IF_ERROR(expr)                                                          \
  do {                                                                                           \
    const auto braid_gpu_error_ = (expr);                                                        \
    if (braid_gpu_error_ != kSuccess) return ToStatus(braid_gpu_error_, #expr, __FILE__, __LINE__); \
  } while (0)

class TargetGpuApi : public GpuApi {
 public:
  // `ordinal`: the vendor device ordinal; `info` is reported as is.
  TargetGpuApi(int ordinal, DeviceInfo info) : ordinal_(ordinal), info_(std::move(info)) {}

  const DeviceInfo& info() const override { return info_; }
  const kernels::KernelTable& kernels() const override;
  absl::Status MakeCurrent() override;
  absl::StatusOr<void*> Allocate(size_t bytes) override;
  void Free(void* ptr) override;
  absl::StatusOr<void*> CreateStream() override;
  void DestroyStream(void* stream) override;
  absl::Status Synchronize(void* stream) override;
  absl::StatusOr<void*> CreateEvent() override;
  void DestroyEvent(void* event) override;
  absl::Status RecordEvent(void* event, void* stream) override;
  absl::StatusOr<float> ElapsedMs(void* start, void* stop) override;
  absl::Status CopyHostToDevice(void* dst, const void* src, size_t bytes, void* stream) override;
  absl::Status CopyDeviceToHost(void* dst, const void* src, size_t bytes, void* stream) override;
  absl::Status CopyDeviceToDevice(void* dst, const void* src, size_t bytes, void* stream) override;
  absl::Status Memset(void* dst, int value, size_t bytes, void* stream) override;
  absl::Status LaunchStatus(int code, const char* kernel, const char* file, int line) const override;

 protected:
  int ordinal() const { return ordinal_; }

 private:
  int ordinal_;
  DeviceInfo info_;
};

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS

#endif  // BRAID_BACKENDS_GPU_EXEC_TARGET_GPU_API_H_
