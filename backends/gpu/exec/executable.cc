#include "backends/gpu/exec/executable.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "backends/gpu/exec/op_util.h"
#include "braid/status_macros.h"

namespace braid::backends::gpu {

absl::StatusOr<std::unique_ptr<GpuExecutable>> GpuExecutable::Create(const graph::Graph& subgraph,
                                                                     std::shared_ptr<GpuApi> api,
                                                                     std::shared_ptr<DeviceAllocator> allocator,
                                                                     std::shared_ptr<StreamPool> streams) {
  std::unique_ptr<GpuExecutable> exe(new GpuExecutable());
  exe->api_ = std::move(api);
  exe->allocator_ = std::move(allocator);
  exe->streams_ = std::move(streams);
  SlotMap slots;
  for (const graph::Value* v : subgraph.inputs()) {
    if (!v->type().is_tensor()) {
      return absl::UnimplementedError(absl::StrCat("subgraph input '", v->name(), "' is not a tensor"));
    }
    exe->inputs_.emplace_back(slots.Add(v), v->type().elem_type);
  }
  BRAID_ASSIGN_OR_RETURN(exe->steps_, PlanSteps(subgraph, slots));
  for (const graph::Value* v : subgraph.outputs()) exe->outputs_.push_back(slots.Add(v));
  exe->num_slots_ = slots.size();
  // Upload the constants on one stream, then wait.
  BRAID_ASSIGN_OR_RETURN(StreamPool::Lease lease, exe->streams_->Acquire());
  for (const auto& [v, slot] : slots.entries()) {
    if (!v->is_constant() || v->initializer() == nullptr) continue;
    const Tensor& host = *v->initializer();
    if (!IsMovable(host.dtype())) {
      return absl::UnimplementedError(
          absl::StrCat("constant '", v->name(), "' of type ", DataTypeName(host.dtype()), " cannot live on a GPU"));
    }
    BRAID_ASSIGN_OR_RETURN(std::shared_ptr<void> buffer, exe->allocator_->Allocate(host.byte_size()));
    if (host.byte_size() > 0) {
      BRAID_RETURN_IF_ERROR(
          exe->api_->CopyHostToDevice(buffer.get(), host.raw_data(), host.byte_size(), lease.get()));
    }
    void* data = buffer.get();
    exe->constants_.emplace_back(slot, Tensor::Wrap(host.dtype(), host.shape(), data, std::move(buffer),
                                                    MemoryLocation{exe->api_->info().name}));
  }
  BRAID_RETURN_IF_ERROR(exe->api_->Synchronize(lease.get()));
  return exe;
}

absl::Status GpuExecutable::RunSteps(RunState& state, const RunContext& context) const {
  for (const auto& step : steps_) {
    if (context.cancelled != nullptr && context.cancelled->load(std::memory_order_relaxed)) {
      return absl::CancelledError("run cancelled");
    }
    BRAID_RETURN_IF_ERROR(step->Run(state));
  }
  return absl::OkStatus();
}

absl::Status GpuExecutable::Run(std::span<const Value> inputs, std::vector<Value>& outputs,
                                const RunContext& context) const {
  const DeviceInfo& info = api_->info();
  if (inputs.size() != inputs_.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected ", inputs_.size(), " inputs on ", info.name, ", got ", inputs.size()));
  }
  BRAID_RETURN_IF_ERROR(api_->MakeCurrent());
  BRAID_ASSIGN_OR_RETURN(StreamPool::Lease lease, streams_->Acquire());
  RunState state(*api_, *allocator_, lease.get(), num_slots_);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Value& v = inputs[i];
    if (!v.is_tensor()) return absl::InvalidArgumentError(absl::StrCat("input ", i, " is not a tensor"));
    const Tensor& t = v.tensor();
    if (t.location().device_name != info.name) {
      return absl::FailedPreconditionError(absl::StrCat(
          "input ", i, " resides on ", t.location().is_host() ? "the host" : t.location().device_name,
          ", not on ", info.name, "; copy it with CopyFromHost first"));
    }
    if (t.dtype() != inputs_[i].second) {
      return absl::InvalidArgumentError(absl::StrCat("input ", i, " is ", DataTypeName(t.dtype()), ", expected ",
                                                     DataTypeName(inputs_[i].second)));
    }
    state.slot(inputs_[i].first) = t;
  }
  for (const auto& [slot, tensor] : constants_) state.slot(slot) = tensor;

  absl::Status status = RunSteps(state, context);
  // Always drain the stream before buffers can return to the cache.
  absl::Status synced = api_->Synchronize(lease.get());
  BRAID_RETURN_IF_ERROR(status);
  BRAID_RETURN_IF_ERROR(synced);
  if (int* flag = state.error_flag_or_null()) {
    int host_flag = 0;
    BRAID_RETURN_IF_ERROR(api_->CopyDeviceToHost(&host_flag, flag, sizeof(int), lease.get()));
    BRAID_RETURN_IF_ERROR(api_->Synchronize(lease.get()));
    if (host_flag != 0) return absl::InvalidArgumentError("a Gather index is out of range for its axis");
  }
  outputs.clear();
  for (int slot : outputs_) {
    if (!state.slot(slot).defined()) return absl::InternalError("a subgraph output was not produced");
    outputs.emplace_back(state.slot(slot));
  }
  return absl::OkStatus();
}

}  // namespace braid::backends::gpu
