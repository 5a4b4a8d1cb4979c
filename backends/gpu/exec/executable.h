// GpuExecutable: a subgraph compiled for one GPU (real or emulated) as a
// list of steps over the kernel library, run on a borrowed stream.
#ifndef BRAID_BACKENDS_GPU_EXEC_EXECUTABLE_H_
#define BRAID_BACKENDS_GPU_EXEC_EXECUTABLE_H_

#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/gpu/exec/device_allocator.h"
#include "backends/gpu/exec/gpu_api.h"
#include "backends/gpu/exec/step.h"
#include "backends/gpu/exec/stream_pool.h"
#include "braid/backend.h"
#include "graph/graph.h"

namespace braid::backends::gpu {

// Groups the subgraph's nodes into steps (fused attention, GEMM/Conv with
// epilogue, elementwise chains, single nodes), in a valid execution order.
// Every node must be claimed (CanRunOnGpu). The steps may keep pointers
// into `subgraph`.
absl::StatusOr<std::vector<std::unique_ptr<Step>>> PlanSteps(const graph::Graph& subgraph, SlotMap& slots);

class GpuExecutable : public Executable {
 public:
  // Compiles `subgraph`: plans steps and uploads its constants.
  static absl::StatusOr<std::unique_ptr<GpuExecutable>> Create(const graph::Graph& subgraph,
                                                               std::shared_ptr<GpuApi> api,
                                                               std::shared_ptr<DeviceAllocator> allocator,
                                                               std::shared_ptr<StreamPool> streams);

  absl::Status Run(std::span<const Value> inputs, std::vector<Value>& outputs,
                   const RunContext& context) const override;

  size_t num_steps() const { return steps_.size(); }

 private:
  GpuExecutable() = default;
  absl::Status RunSteps(RunState& state, const RunContext& context) const;

  std::shared_ptr<GpuApi> api_;
  std::shared_ptr<DeviceAllocator> allocator_;
  std::shared_ptr<StreamPool> streams_;
  std::vector<std::unique_ptr<Step>> steps_;
  size_t num_slots_ = 0;
  std::vector<std::pair<int, DataType>> inputs_;  // slot, dtype
  std::vector<int> outputs_;
  std::vector<std::pair<int, Tensor>> constants_;  // slot, device copy
};

}  // namespace braid::backends::gpu

#endif  // BRAID_BACKENDS_GPU_EXEC_EXECUTABLE_H_
