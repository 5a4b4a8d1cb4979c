#include "backends/gpu/exec/step.h"

#include "absl/strings/str_cat.h"
#include "backends/gpu/exec/op_util.h"
#include "braid/status_macros.h"

namespace braid::backends::gpu {

absl::StatusOr<Tensor> RunState::Allocate(DataType dtype, const Shape& shape) {
  BRAID_ASSIGN_OR_RETURN(int64_t count, ShapeElementCount(shape));
  const size_t elem = DataTypeSize(dtype);
  if (elem == 0 || dtype == DataType::kString) {
    return absl::InvalidArgumentError(absl::StrCat("cannot hold ", DataTypeName(dtype), " tensors on a GPU"));
  }
  if (count > Tensor::kMaxAllocationBytes / static_cast<int64_t>(elem)) {
    return absl::ResourceExhaustedError(absl::StrCat("tensor of ", DataTypeName(dtype), ShapeToString(shape),
                                                     " exceeds the allocation limit"));
  }
  BRAID_ASSIGN_OR_RETURN(std::shared_ptr<void> buffer, allocator_.Allocate(static_cast<size_t>(count) * elem));
  void* data = buffer.get();
  return Tensor::Wrap(dtype, shape, data, std::move(buffer), MemoryLocation{api_.info().name});
}

absl::Status RunState::CheckLaunch(int code, const char* kernel, const std::string& step) const {
  if (code == 0) return absl::OkStatus();
  if (code == kernels::kUnsupportedArgs) {
    return absl::InternalError(
        absl::StrCat("GPU kernel '", kernel, "' rejected the arguments built for ", step, " (a lowering defect)"));
  }
  absl::Status s = api_.LaunchStatus(code, kernel, __FILE__, __LINE__);
  return absl::Status(s.code(), absl::StrCat(step, ": ", s.message()));
}

absl::StatusOr<int*> RunState::ErrorFlag() {
  if (error_flag_ == nullptr) {
    BRAID_ASSIGN_OR_RETURN(error_flag_storage_, allocator_.Allocate(sizeof(int)));
    error_flag_ = static_cast<int*>(error_flag_storage_.get());
    BRAID_RETURN_IF_ERROR(api_.Memset(error_flag_, 0, sizeof(int), stream_));
  }
  return error_flag_;
}

absl::Status EnqueueStridedCopy(RunState& state, const std::string& step, std::vector<int64_t> dims,
                                const void* src, std::vector<int64_t> src_strides, void* dst,
                                std::vector<int64_t> dst_strides, int elem_bytes) {
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  if (count == 0) return absl::OkStatus();
  CoalesceDims(dims, src_strides, dst_strides);
  if (dims.size() > static_cast<size_t>(kernels::kMaxRank)) {
    return absl::UnimplementedError(absl::StrCat(step, ": copy of rank ", dims.size(), " exceeds the GPU limit"));
  }
  kernels::StridedCopyArgs args{};
  args.rank = static_cast<int>(dims.size());
  for (size_t d = 0; d < dims.size(); ++d) {
    args.dims[d] = dims[d];
    args.src_strides[d] = src_strides[d];
    args.dst_strides[d] = dst_strides[d];
  }
  args.count = count;
  args.src = src;
  args.dst = dst;
  args.elem_bytes = elem_bytes;
  return state.CheckLaunch(state.kernels().strided_copy(args, state.launch_context()), "strided_copy", step);
}

absl::StatusOr<const Tensor*> InputTensor(RunState& state, int slot, const std::string& step, int index) {
  if (slot < 0 || !state.slot(slot).defined()) {
    return absl::InvalidArgumentError(absl::StrCat(step, ": input ", index, " is missing"));
  }
  return &state.slot(slot);
}

}  // namespace braid::backends::gpu
