// GpuDevice: the braid::Device of every GPU backend (HIP, CUDA, emulator).
// Capability claims, compilation and copies go through the vendor-neutral
// executable layer; the GpuApi supplies memory, streams and kernels.
//
// Thread-safety: all methods are thread-safe. Tensors and executables it
// hands out keep the underlying device resources alive.
#ifndef BRAID_BACKENDS_GPU_EXEC_GPU_DEVICE_H_
#define BRAID_BACKENDS_GPU_EXEC_GPU_DEVICE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "backends/gpu/exec/device_allocator.h"
#include "backends/gpu/exec/gpu_api.h"
#include "backends/gpu/exec/stream_pool.h"
#include "braid/backend.h"

namespace braid::backends::gpu {

class GpuDevice : public Device {
 public:
  explicit GpuDevice(std::shared_ptr<GpuApi> api);

  const DeviceInfo& info() const override { return api_->info(); }
  absl::Status CanRun(const graph::Node& node) const override;
  absl::StatusOr<std::unique_ptr<Executable>> Compile(const graph::Graph& subgraph,
                                                      const CompileOptions& options) override;
  absl::StatusOr<Tensor> CopyFromHost(const Tensor& host) override;
  absl::StatusOr<Tensor> CopyToHost(const Tensor& on_device) override;

 private:
  std::shared_ptr<GpuApi> api_;
  std::shared_ptr<DeviceAllocator> allocator_;
  std::shared_ptr<StreamPool> streams_;
};

}  // namespace braid::backends::gpu

#endif  // BRAID_BACKENDS_GPU_EXEC_GPU_DEVICE_H_
