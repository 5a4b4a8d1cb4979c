// Steps: the units an Executable runs in order. A step is one node, or a
// fused group of nodes (an elementwise chain, a GEMM with its epilogue, an
// attention block), lowered onto kernel launches at run time, once the
// input shapes are known.
#ifndef BRAID_BACKENDS_GPU_EXEC_STEP_H_
#define BRAID_BACKENDS_GPU_EXEC_STEP_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "backends/gpu/exec/device_allocator.h"
#include "backends/gpu/exec/gpu_api.h"
#include "braid/tensor.h"

namespace braid::graph {
class Value;
}  // namespace braid::graph

namespace braid::backends::gpu {

// Numbering of the graph values an executable touches: each value gets a
// slot in RunState. Built at compile time; immutable afterwards.
class SlotMap {
 public:
  // The value's slot, adding it when new. Precondition: v != nullptr.
  int Add(const graph::Value* v) {
    auto [it, inserted] = index_.try_emplace(v, static_cast<int>(index_.size()));
    return it->second;
  }
  // The value's slot, or -1 for null / unknown values.
  int Find(const graph::Value* v) const {
    if (v == nullptr) return -1;
    auto it = index_.find(v);
    return it == index_.end() ? -1 : it->second;
  }
  size_t size() const { return index_.size(); }
  const absl::flat_hash_map<const graph::Value*, int>& entries() const { return index_; }

 private:
  absl::flat_hash_map<const graph::Value*, int> index_;
};

// State of one Executable::Run: the stream, the value slots and the
// buffers allocated so far. Not thread-safe; one per Run.
class RunState {
 public:
  RunState(GpuApi& api, DeviceAllocator& allocator, void* stream, size_t num_slots)
      : api_(api), allocator_(allocator), stream_(stream), slots_(num_slots) {}

  GpuApi& api() { return api_; }
  void* stream() { return stream_; }
  const kernels::KernelTable& kernels() const { return api_.kernels(); }
  kernels::LaunchContext launch_context() const {
    kernels::LaunchContext c;
    c.stream = stream_;
    c.warp_size = api_.info().warp_size;
    return c;
  }

  Tensor& slot(int index) { return slots_[index]; }
  std::vector<Tensor>& slots() { return slots_; }

  // A new uninitialised device tensor on this device.
  absl::StatusOr<Tensor> Allocate(DataType dtype, const Shape& shape);

  // OK, or the launcher failure as a Status naming the kernel and `step`.
  absl::Status CheckLaunch(int code, const char* kernel, const std::string& step) const;

  // A zeroed device int that kernels set to 1 to report bad data (Gather
  // indices out of range); checked after the run. Allocated on first use.
  absl::StatusOr<int*> ErrorFlag();
  int* error_flag_or_null() const { return error_flag_; }

 private:
  GpuApi& api_;
  DeviceAllocator& allocator_;
  void* stream_;
  std::vector<Tensor> slots_;
  std::shared_ptr<void> error_flag_storage_;
  int* error_flag_ = nullptr;
};

class Step {
 public:
  explicit Step(std::string name) : name_(std::move(name)) {}
  virtual ~Step() = default;
  // Enqueues the step's work on state.stream(), reading and writing slots.
  // Thread-safe: steps are immutable after compile.
  virtual absl::Status Run(RunState& state) const = 0;
  // Node name(s), for error messages.
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

// A step whose work is a callable (most single-node lowerings).
template <typename Fn>
class LambdaStep : public Step {
 public:
  LambdaStep(std::string name, Fn fn) : Step(std::move(name)), fn_(std::move(fn)) {}
  absl::Status Run(RunState& state) const override { return fn_(state, name()); }

 private:
  Fn fn_;
};
// fn: absl::Status(RunState&, const std::string& step_name).
template <typename Fn>
std::unique_ptr<Step> MakeStep(std::string name, Fn fn) {
  return std::make_unique<LambdaStep<Fn>>(std::move(name), std::move(fn));
}

// Enqueues dst[c . dst_strides] = src[c . src_strides] over `dims` (element
// strides; pointers already offset), merging contiguous dims first.
absl::Status EnqueueStridedCopy(RunState& state, const std::string& step, std::vector<int64_t> dims,
                                const void* src, std::vector<int64_t> src_strides, void* dst,
                                std::vector<int64_t> dst_strides, int elem_bytes);

// The input tensor in `slot`, or InvalidArgument naming the step.
absl::StatusOr<const Tensor*> InputTensor(RunState& state, int slot, const std::string& step, int index);

}  // namespace braid::backends::gpu

#endif  // BRAID_BACKENDS_GPU_EXEC_STEP_H_
