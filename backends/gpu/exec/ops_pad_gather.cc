// Pad and Gather.
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/gpu/exec/op_util.h"
#include "backends/gpu/exec/ops.h"
#include "braid/status_macros.h"

namespace braid::backends::gpu {
namespace {

// ---------------------------------------------------------------- Pad

absl::Status CanRunPad(const graph::Node& node) {
  BRAID_RETURN_IF_ERROR(RequireMovable(node, 0));
  if (node.opset() >= 11) {
    if (!ConstantInput(node, 1)) return Unsupported(node, "pads must be a constant");
    if (HasInput(node, 2) && !ConstantScalar(node, 2).has_value()) {
      return Unsupported(node, "constant_value must be a constant scalar");
    }
    if (HasInput(node, 3) && !ConstantInput(node, 3)) return Unsupported(node, "axes must be a constant");
  }
  BRAID_ASSIGN_OR_RETURN(std::string mode, node.GetString("mode", std::string("constant")));
  if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap") {
    return Unsupported(node, absl::StrCat("mode '", mode, "'"));
  }
  return absl::OkStatus();
}

// The bytes of `v` in `dtype`.
uint64_t ConstantBits(DataType dtype, float v) {
  uint64_t bits = 0;
  auto put = [&](auto x) { std::memcpy(&bits, &x, sizeof(x)); };
  switch (dtype) {
    case DataType::kFloat32: put(v); break;
    case DataType::kFloat64: put(static_cast<double>(v)); break;
    case DataType::kFloat16: put(Float16(v).bits); break;
    case DataType::kBFloat16: put(BFloat16(v).bits); break;
    case DataType::kInt64: put(static_cast<int64_t>(v)); break;
    case DataType::kInt32: put(static_cast<int32_t>(v)); break;
    case DataType::kUInt32: put(static_cast<uint32_t>(v)); break;
    case DataType::kInt16: put(static_cast<int16_t>(v)); break;
    case DataType::kUInt16: put(static_cast<uint16_t>(v)); break;
    case DataType::kInt8: put(static_cast<int8_t>(v)); break;
    case DataType::kUInt8: put(static_cast<uint8_t>(v)); break;
    case DataType::kBool: put(static_cast<uint8_t>(v != 0.0f)); break;
    case DataType::kUInt64: put(static_cast<uint64_t>(v)); break;
    default: break;
  }
  return bits;
}

absl::StatusOr<std::unique_ptr<Step>> BuildPad(const graph::Node& node, SlotMap& slots) {
  std::vector<int64_t> pads, axes;
  float value = 0.0f;
  if (node.opset() >= 11) {
    BRAID_ASSIGN_OR_RETURN(pads, ConstantInts(node, 1));
    if (HasInput(node, 2)) value = ConstantScalar(node, 2).value_or(0.0f);
    if (HasInput(node, 3)) {
      BRAID_ASSIGN_OR_RETURN(axes, ConstantInts(node, 3));
    }
  } else {
    BRAID_ASSIGN_OR_RETURN(pads, node.GetInts(node.opset() < 2 ? "paddings" : "pads"));
    BRAID_ASSIGN_OR_RETURN(value, node.GetFloat("value", 0.0f));
  }
  BRAID_ASSIGN_OR_RETURN(std::string mode_name, node.GetString("mode", std::string("constant")));
  const kernels::PadMode mode = mode_name == "reflect" ? kernels::PadMode::kReflect
                                : mode_name == "edge"  ? kernels::PadMode::kEdge
                                : mode_name == "wrap"  ? kernels::PadMode::kWrap
                                                       : kernels::PadMode::kConstant;
  const int in = slots.Add(node.input(0));
  const int out = slots.Add(node.output(0));
  return MakeStep(StepName(node), [=](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, InputTensor(s, in, step, 0));
    const int64_t rank = x->rank();
    std::vector<int64_t> ax = axes;
    if (ax.empty()) {
      for (int64_t d = 0; d < rank; ++d) ax.push_back(d);
    }
    if (pads.size() != 2 * ax.size()) {
      return absl::InvalidArgumentError(absl::StrCat(step, ": ", pads.size(), " pads for ", ax.size(), " axes"));
    }
    kernels::PadArgs args{};
    args.rank = static_cast<int>(rank);
    Shape out_shape = x->shape();
    for (size_t i = 0; i < ax.size(); ++i) {
      int64_t a = ax[i] < 0 ? ax[i] + rank : ax[i];
      if (a < 0 || a >= rank) return absl::InvalidArgumentError(absl::StrCat(step, ": invalid axis"));
      args.pad_begin[a] = pads[i];
      out_shape[a] += pads[i] + pads[i + ax.size()];
      if (out_shape[a] < 0) return absl::InvalidArgumentError(absl::StrCat(step, ": pads make a negative dim"));
      if (mode != kernels::PadMode::kConstant && x->shape()[a] == 0 && out_shape[a] > 0) {
        return absl::InvalidArgumentError(absl::StrCat(step, ": cannot ", mode_name, "-pad an empty dim"));
      }
    }
    if (rank > kernels::kMaxRank) return absl::UnimplementedError(absl::StrCat(step, ": rank above the GPU limit"));
    for (int64_t d = 0; d < rank; ++d) {
      args.in_dims[d] = x->shape()[d];
      args.out_dims[d] = out_shape[d];
    }
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(x->dtype(), out_shape));
    args.count = y.num_elements();
    args.src = x->raw_data();
    args.dst = y.raw_data();
    args.elem_bytes = ElemBytes(*x);
    args.mode = mode;
    args.constant_bits = ConstantBits(x->dtype(), value);
    BRAID_RETURN_IF_ERROR(s.CheckLaunch(s.kernels().pad(args, s.launch_context()), "pad", step));
    s.slot(out) = std::move(y);
    return absl::OkStatus();
  });
}

// ---------------------------------------------------------------- Gather

absl::Status CanRunGather(const graph::Node& node) {
  BRAID_RETURN_IF_ERROR(RequireMovable(node, 0));
  const DataType it = InputType(node, 1);
  if (it != DataType::kInt64 && it != DataType::kInt32) return Unsupported(node, "indices must be int32 or int64");
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Step>> BuildGather(const graph::Node& node, SlotMap& slots) {
  BRAID_ASSIGN_OR_RETURN(int64_t axis, node.GetInt("axis", 0));
  const int data = slots.Add(node.input(0));
  const int indices = slots.Add(node.input(1));
  const int out = slots.Add(node.output(0));
  const graph::Node* n = &node;
  return MakeStep(StepName(node), [=](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, InputTensor(s, data, step, 0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* idx, InputTensor(s, indices, step, 1));
    BRAID_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(axis, x->rank(), *n));
    Shape out_shape(x->shape().begin(), x->shape().begin() + a);
    out_shape.insert(out_shape.end(), idx->shape().begin(), idx->shape().end());
    out_shape.insert(out_shape.end(), x->shape().begin() + a + 1, x->shape().end());
    if (out_shape.size() > static_cast<size_t>(kernels::kMaxRank)) {
      return absl::UnimplementedError(absl::StrCat(step, ": output rank above the GPU limit"));
    }
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(x->dtype(), out_shape));
    if (y.num_elements() > 0 && x->shape()[a] == 0) {
      return absl::InvalidArgumentError(absl::StrCat(step, ": gathering from an empty axis"));
    }
    kernels::GatherArgs args{};
    args.data = x->raw_data();
    args.indices = idx->raw_data();
    args.index_type = ToElemType(idx->dtype());
    args.out = y.raw_data();
    args.outer = Product(x->shape(), 0, a);
    args.axis_dim = x->shape()[a];
    args.num_indices = idx->num_elements();
    args.inner = Product(x->shape(), a + 1, x->shape().size());
    args.elem_bytes = ElemBytes(*x);
    if (y.num_elements() > 0) {
      BRAID_ASSIGN_OR_RETURN(args.error_flag, s.ErrorFlag());
      BRAID_RETURN_IF_ERROR(s.CheckLaunch(s.kernels().gather(args, s.launch_context()), "gather", step));
    }
    s.slot(out) = std::move(y);
    return absl::OkStatus();
  });
}

}  // namespace

void RegisterPadGatherOps(OpTable& table) {
  table["Pad"] = {CanRunPad, BuildPad};
  table["Gather"] = {CanRunGather, BuildGather};
}

}  // namespace braid::backends::gpu
