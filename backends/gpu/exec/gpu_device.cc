#include "backends/gpu/exec/gpu_device.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "backends/gpu/exec/executable.h"
#include "backends/gpu/exec/op_util.h"
#include "backends/gpu/exec/ops.h"
#include "braid/status_macros.h"

namespace braid::backends::gpu {

GpuDevice::GpuDevice(std::shared_ptr<GpuApi> api)
    : api_(std::move(api)),
      allocator_(DeviceAllocator::Create(api_)),
      streams_(std::make_shared<StreamPool>(api_)) {}

absl::Status GpuDevice::CanRun(const graph::Node& node) const { return CanRunOnGpu(node); }

absl::StatusOr<std::unique_ptr<Executable>> GpuDevice::Compile(const graph::Graph& subgraph,
                                                               const CompileOptions& options) {
  BRAID_ASSIGN_OR_RETURN(std::unique_ptr<GpuExecutable> exe,
                         GpuExecutable::Create(subgraph, api_, allocator_, streams_));
  return std::unique_ptr<Executable>(std::move(exe));
}

absl::StatusOr<Tensor> GpuDevice::CopyFromHost(const Tensor& host) {
  if (!host.location().is_host()) {
    if (host.location().device_name == info().name) return host;
    return absl::FailedPreconditionError(absl::StrCat("CopyFromHost on ", info().name, " got a tensor on ",
                                                      host.location().device_name));
  }
  if (!IsMovable(host.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat(DataTypeName(host.dtype()), " tensors cannot be copied to ", info().name));
  }
  BRAID_ASSIGN_OR_RETURN(std::shared_ptr<void> buffer, allocator_->Allocate(host.byte_size()));
  BRAID_ASSIGN_OR_RETURN(StreamPool::Lease lease, streams_->Acquire());
  if (host.byte_size() > 0) {
    BRAID_RETURN_IF_ERROR(api_->CopyHostToDevice(buffer.get(), host.raw_data(), host.byte_size(), lease.get()));
  }
  BRAID_RETURN_IF_ERROR(api_->Synchronize(lease.get()));
  void* data = buffer.get();
  return Tensor::Wrap(host.dtype(), host.shape(), data, std::move(buffer), MemoryLocation{info().name});
}

absl::StatusOr<Tensor> GpuDevice::CopyToHost(const Tensor& on_device) {
  if (on_device.location().is_host()) return on_device;
  if (on_device.location().device_name != info().name) {
    return absl::FailedPreconditionError(absl::StrCat("CopyToHost on ", info().name, " got a tensor on ",
                                                      on_device.location().device_name));
  }
  BRAID_ASSIGN_OR_RETURN(Tensor host, Tensor::Create(on_device.dtype(), on_device.shape()));
  if (host.byte_size() > 0) {
    BRAID_ASSIGN_OR_RETURN(StreamPool::Lease lease, streams_->Acquire());
    BRAID_RETURN_IF_ERROR(
        api_->CopyDeviceToHost(host.raw_data(), on_device.raw_data(), host.byte_size(), lease.get()));
    BRAID_RETURN_IF_ERROR(api_->Synchronize(lease.get()));
  }
  return host;
}

}  // namespace braid::backends::gpu
