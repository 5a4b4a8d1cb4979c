// GpuApi: what the vendor-neutral executable layer needs from one opened GPU
// (real or emulated): memory, streams, copies and the kernel library.
//
// One implementation (target_gpu_api.cc) is written against the neutral
// host vocabulary and compiled once per target (HIP, CUDA, emulator);
// vendor modules may extend it (for example with a vendor BLAS).
// Thread-safety: every method may be called concurrently.
#ifndef BRAID_BACKENDS_GPU_EXEC_GPU_API_H_
#define BRAID_BACKENDS_GPU_EXEC_GPU_API_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "backends/gpu/kernels/kernel_table.h"
#include "braid/backend.h"

namespace braid::backends::gpu {

class GpuApi {
 public:
  virtual ~GpuApi() = default;

  // Static facts reported through Device::info().
  virtual const DeviceInfo& info() const = 0;
  // This target's kernel launchers.
  virtual const kernels::KernelTable& kernels() const = 0;

  // Makes this device current for the calling host thread (kernel launches
  // go to the current device). Executables call it before launching.
  virtual absl::Status MakeCurrent() = 0;

  // Device memory. Allocate fails with ResourceExhausted when the device is
  // out of memory. Free accepts only pointers from Allocate.
  virtual absl::StatusOr<void*> Allocate(size_t bytes) = 0;
  virtual void Free(void* ptr) = 0;

  // Streams are opaque handles (the vendor stream type).
  virtual absl::StatusOr<void*> CreateStream() = 0;
  virtual void DestroyStream(void* stream) = 0;
  // Blocks until all work queued on `stream` is complete; surfaces
  // asynchronous kernel failures.
  virtual absl::Status Synchronize(void* stream) = 0;

  // Events mark points on a stream, for device-side timing. ElapsedMs waits
  // for `stop` and returns the milliseconds between the two recorded events.
  virtual absl::StatusOr<void*> CreateEvent() = 0;
  virtual void DestroyEvent(void* event) = 0;
  virtual absl::Status RecordEvent(void* event, void* stream) = 0;
  virtual absl::StatusOr<float> ElapsedMs(void* start, void* stop) = 0;

  // Stream-ordered copies and fills. Host memory must stay valid until the
  // stream is synchronized.
  virtual absl::Status CopyHostToDevice(void* dst, const void* src, size_t bytes, void* stream) = 0;
  virtual absl::Status CopyDeviceToHost(void* dst, const void* src, size_t bytes, void* stream) = 0;
  virtual absl::Status CopyDeviceToDevice(void* dst, const void* src, size_t bytes, void* stream) = 0;
  virtual absl::Status Memset(void* dst, int value, size_t bytes, void* stream) = 0;

  // Turns a launcher result into a Status naming `kernel` and the call site.
  virtual absl::Status LaunchStatus(int code, const char* kernel, const char* file, int line) const = 0;

  // Runs a GEMM with a vendor library when one is available and wins for
  // these arguments; returns false to use the kernel library instead.
  virtual absl::StatusOr<bool> VendorGemm(const kernels::GemmArgs& args, void* stream) { return false; }
};

}  // namespace braid::backends::gpu

#endif  // BRAID_BACKENDS_GPU_EXEC_GPU_API_H_
