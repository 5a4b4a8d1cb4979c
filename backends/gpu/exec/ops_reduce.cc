// Reductions (Reduce*, ArgMax/ArgMin, global pools), Softmax/LogSoftmax and
// LayerNormalization.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "backends/gpu/exec/op_util.h"
#include "backends/gpu/exec/ops.h"
#include "braid/status_macros.h"

namespace braid::backends::gpu {
namespace {

using kernels::ReduceOp;

const absl::flat_hash_map<std::string, ReduceOp>& ReduceOps() {
  static const auto* ops = new absl::flat_hash_map<std::string, ReduceOp>{
      {"ReduceSum", ReduceOp::kSum},       {"ReduceMean", ReduceOp::kMean},
      {"ReduceMax", ReduceOp::kMax},       {"ReduceMin", ReduceOp::kMin},
      {"ReduceProd", ReduceOp::kProd},     {"ReduceL1", ReduceOp::kL1},
      {"ReduceL2", ReduceOp::kL2},         {"ReduceSumSquare", ReduceOp::kSumSquare},
      {"ReduceLogSum", ReduceOp::kLogSum}, {"ReduceLogSumExp", ReduceOp::kLogSumExp},
      {"ArgMax", ReduceOp::kArgMax},       {"ArgMin", ReduceOp::kArgMin},
      {"GlobalAveragePool", ReduceOp::kMean}, {"GlobalMaxPool", ReduceOp::kMax},
  };
  return *ops;
}

// Whether axes come from input 1 (newer opsets) rather than an attribute.
bool AxesFromInput(const graph::Node& node) {
  return node.op_type() == "ReduceSum" ? node.opset() >= 13 : node.opset() >= 18;
}

absl::Status CanRunReduce(const graph::Node& node) {
  if (!IsGpuFloat(InputType(node, 0))) return Unsupported(node, "input must be float32/float16/bfloat16");
  const std::string& op = node.op_type();
  if (op == "ArgMax" || op == "ArgMin") {
    if (OutputType(node, 0) != DataType::kInt64) return Unsupported(node, "output must be int64");
    return absl::OkStatus();
  }
  if (OutputType(node, 0) != InputType(node, 0)) return Unsupported(node, "output type differs from input");
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
    const int64_t rank = InputRank(node, 0);
    if (rank >= 0 && rank < 3) return Unsupported(node, "input must have rank >= 3");
    return absl::OkStatus();
  }
  if (AxesFromInput(node) && HasInput(node, 1) && !ConstantInput(node, 1)) {
    return Unsupported(node, "axes must be a constant");
  }
  return absl::OkStatus();
}

// Enqueues the reduction of `x` over `axes` (sorted, unique, non-empty)
// into `y` (dense, the kept dims in order).
absl::Status EnqueueReduce(RunState& s, const std::string& step, const Tensor& x, std::vector<int64_t> axes,
                           ReduceOp op, bool select_last, Tensor& y) {
  const int64_t rank = x.rank();
  bool contiguous = true;
  for (size_t i = 1; i < axes.size(); ++i) contiguous = contiguous && axes[i] == axes[i - 1] + 1;
  kernels::ReduceArgs args{};
  args.op = op;
  args.in_type = ToElemType(x.dtype());
  args.out_type = ToElemType(y.dtype());
  args.out = y.raw_data();
  args.select_last_index = select_last;
  Tensor staged;
  if (contiguous) {
    args.in = x.raw_data();
    args.outer = Product(x.shape(), 0, axes.front());
    args.reduce = Product(x.shape(), axes.front(), axes.back() + 1);
    args.inner = Product(x.shape(), axes.back() + 1, rank);
  } else {
    // Move the reduced axes last, then reduce rows.
    std::vector<int64_t> perm;
    for (int64_t d = 0; d < rank; ++d) {
      if (!std::binary_search(axes.begin(), axes.end(), d)) perm.push_back(d);
    }
    const size_t kept = perm.size();
    perm.insert(perm.end(), axes.begin(), axes.end());
    Shape tshape(rank);
    std::vector<int64_t> in_strides = DenseStrides(x.shape()), src(rank);
    for (int64_t d = 0; d < rank; ++d) {
      tshape[d] = x.shape()[perm[d]];
      src[d] = in_strides[perm[d]];
    }
    BRAID_ASSIGN_OR_RETURN(staged, s.Allocate(x.dtype(), tshape));
    BRAID_RETURN_IF_ERROR(EnqueueStridedCopy(s, step, tshape, x.raw_data(), src, staged.raw_data(),
                                             DenseStrides(tshape), static_cast<int>(DataTypeSize(x.dtype()))));
    args.in = staged.raw_data();
    args.outer = Product(tshape, 0, kept);
    args.reduce = Product(tshape, kept, rank);
    args.inner = 1;
  }
  if ((op == ReduceOp::kArgMax || op == ReduceOp::kArgMin) && args.reduce == 0 && args.outer * args.inner > 0) {
    return absl::InvalidArgumentError(absl::StrCat(step, ": ArgMax/ArgMin over an empty axis"));
  }
  return s.CheckLaunch(s.kernels().reduce(args, s.launch_context()), "reduce", step);
}

absl::StatusOr<std::unique_ptr<Step>> BuildReduce(const graph::Node& node, SlotMap& slots) {
  const ReduceOp op = ReduceOps().at(node.op_type());
  const std::string& type = node.op_type();
  const bool is_arg = op == ReduceOp::kArgMax || op == ReduceOp::kArgMin;
  const bool global_pool = type == "GlobalAveragePool" || type == "GlobalMaxPool";
  std::vector<int64_t> axes;
  bool has_axes = false;
  int64_t keepdims = 1, noop_empty = 0, select_last = 0;
  if (is_arg) {
    BRAID_ASSIGN_OR_RETURN(int64_t axis, node.GetInt("axis", 0));
    axes.push_back(axis);
    has_axes = true;
    BRAID_ASSIGN_OR_RETURN(select_last, node.GetInt("select_last_index", 0));
  } else if (!global_pool) {
    if (AxesFromInput(node)) {
      if (HasInput(node, 1)) {
        BRAID_ASSIGN_OR_RETURN(axes, ConstantInts(node, 1));
        has_axes = true;
      }
    } else if (node.HasAttribute("axes")) {
      BRAID_ASSIGN_OR_RETURN(axes, node.GetInts("axes"));
      has_axes = true;
    }
    BRAID_ASSIGN_OR_RETURN(noop_empty, node.GetInt("noop_with_empty_axes", 0));
  }
  if (!global_pool) {
    BRAID_ASSIGN_OR_RETURN(keepdims, node.GetInt("keepdims", 1));
  }
  const int in = slots.Add(node.input(0));
  const int out = slots.Add(node.output(0));
  const DataType out_type = OutputType(node, 0);
  return MakeStep(StepName(node), [=](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, InputTensor(s, in, step, 0));
    const int64_t rank = x->rank();
    std::vector<int64_t> ax;
    if (global_pool) {
      if (rank < 3) return absl::InvalidArgumentError(absl::StrCat(step, ": input must have rank >= 3"));
      for (int64_t d = 2; d < rank; ++d) ax.push_back(d);
    } else if (!has_axes || axes.empty()) {
      if (noop_empty != 0) {
        s.slot(out) = *x;
        return absl::OkStatus();
      }
      for (int64_t d = 0; d < rank; ++d) ax.push_back(d);
    } else {
      for (int64_t a : axes) {
        const int64_t n = a < 0 ? a + rank : a;
        if (n < 0 || n >= std::max<int64_t>(rank, 1)) {
          return absl::InvalidArgumentError(absl::StrCat(step, ": axis ", a, " out of range for rank ", rank));
        }
        ax.push_back(n);
      }
    }
    std::sort(ax.begin(), ax.end());
    ax.erase(std::unique(ax.begin(), ax.end()), ax.end());
    Shape out_shape;
    for (int64_t d = 0; d < rank; ++d) {
      const bool reduced = std::binary_search(ax.begin(), ax.end(), d);
      if (!reduced) out_shape.push_back(x->shape()[d]);
      else if (keepdims != 0) out_shape.push_back(1);
    }
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(out_type, out_shape));
    if (rank == 0) {  // a scalar reduces to itself (after the op's element map)
      ax.clear();
      Shape one{1};
      BRAID_ASSIGN_OR_RETURN(Tensor x1, x->Reshaped(one));
      BRAID_RETURN_IF_ERROR(EnqueueReduce(s, step, x1, {0}, op, select_last != 0, y));
    } else {
      BRAID_RETURN_IF_ERROR(EnqueueReduce(s, step, *x, ax, op, select_last != 0, y));
    }
    s.slot(out) = std::move(y);
    return absl::OkStatus();
  });
}

// ---------------------------------------------------------------- Softmax

absl::Status CanRunSoftmax(const graph::Node& node) {
  if (!IsGpuFloat(InputType(node, 0)) || OutputType(node, 0) != InputType(node, 0)) {
    return Unsupported(node, "input/output must be float32/float16/bfloat16 of one type");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Step>> BuildSoftmax(const graph::Node& node, SlotMap& slots) {
  const bool legacy = node.opset() < 13;
  BRAID_ASSIGN_OR_RETURN(int64_t axis, node.GetInt("axis", legacy ? 1 : -1));
  const bool log = node.op_type() == "LogSoftmax";
  const int in = slots.Add(node.input(0));
  const int out = slots.Add(node.output(0));
  const graph::Node* n = &node;
  return MakeStep(StepName(node), [=](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, InputTensor(s, in, step, 0));
    const int64_t rank = std::max<int64_t>(x->rank(), 1);
    BRAID_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(axis, rank, *n));
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(x->dtype(), x->shape()));
    kernels::SoftmaxArgs args{};
    args.type = ToElemType(x->dtype());
    args.in = x->raw_data();
    args.out = y.raw_data();
    args.log = log;
    args.outer = Product(x->shape(), 0, a);
    if (legacy) {
      args.n = Product(x->shape(), a, x->shape().size());
      args.inner = 1;
    } else {
      args.n = x->rank() == 0 ? 1 : x->shape()[a];
      args.inner = Product(x->shape(), a + 1, x->shape().size());
    }
    BRAID_RETURN_IF_ERROR(s.CheckLaunch(s.kernels().softmax(args, s.launch_context()), "softmax", step));
    s.slot(out) = std::move(y);
    return absl::OkStatus();
  });
}

// ---------------------------------------------------------------- LayerNormalization

absl::Status CanRunLayerNorm(const graph::Node& node) {
  if (!IsGpuFloat(InputType(node, 0)) || OutputType(node, 0) != InputType(node, 0)) {
    return Unsupported(node, "X/Y must be float32/float16/bfloat16 of one type");
  }
  if (!IsGpuFloat(InputType(node, 1))) return Unsupported(node, "scale must be a float type");
  if (HasInput(node, 2) && InputType(node, 2) != InputType(node, 1)) {
    return Unsupported(node, "bias type differs from scale");
  }
  BRAID_ASSIGN_OR_RETURN(int64_t stash, node.GetInt("stash_type", 1));
  if (stash != 1) return Unsupported(node, "stash_type other than float32");
  for (size_t i = 1; i < 3; ++i) {
    if (OutputUsed(node, i) && OutputType(node, i) != DataType::kFloat32) {
      return Unsupported(node, "Mean/InvStdDev outputs must be float32");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Step>> BuildLayerNorm(const graph::Node& node, SlotMap& slots) {
  BRAID_ASSIGN_OR_RETURN(int64_t axis, node.GetInt("axis", -1));
  BRAID_ASSIGN_OR_RETURN(float eps, node.GetFloat("epsilon", 1e-5f));
  const int x_slot = slots.Add(node.input(0));
  const int scale_slot = slots.Add(node.input(1));
  const int bias_slot = HasInput(node, 2) ? slots.Add(node.input(2)) : -1;
  const int y_slot = slots.Add(node.output(0));
  const int mean_slot = OutputUsed(node, 1) ? slots.Add(node.output(1)) : -1;
  const int inv_slot = OutputUsed(node, 2) ? slots.Add(node.output(2)) : -1;
  const graph::Node* n = &node;
  return MakeStep(StepName(node), [=](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, InputTensor(s, x_slot, step, 0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* scale, InputTensor(s, scale_slot, step, 1));
    const Tensor* bias = nullptr;
    if (bias_slot >= 0) {
      BRAID_ASSIGN_OR_RETURN(bias, InputTensor(s, bias_slot, step, 2));
    }
    BRAID_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(axis, x->rank(), *n));
    const int64_t rows = Product(x->shape(), 0, a);
    const int64_t cols = Product(x->shape(), a, x->shape().size());
    if (scale->num_elements() != cols || (bias != nullptr && bias->num_elements() != cols)) {
      return absl::InvalidArgumentError(absl::StrCat(step, ": scale/bias must have ", cols, " elements to match X ",
                                                     ShapeToString(x->shape())));
    }
    Shape stat_shape(x->shape().begin(), x->shape().begin() + a);
    stat_shape.resize(x->shape().size(), 1);
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(x->dtype(), x->shape()));
    Tensor mean, inv;
    if (mean_slot >= 0) {
      BRAID_ASSIGN_OR_RETURN(mean, s.Allocate(DataType::kFloat32, stat_shape));
    }
    if (inv_slot >= 0) {
      BRAID_ASSIGN_OR_RETURN(inv, s.Allocate(DataType::kFloat32, stat_shape));
    }
    kernels::LayerNormArgs args{};
    args.type = ToElemType(x->dtype());
    args.scale_type = ToElemType(scale->dtype());
    args.x = x->raw_data();
    args.scale = scale->raw_data();
    args.bias = bias != nullptr ? bias->raw_data() : nullptr;
    args.y = y.raw_data();
    args.mean = mean_slot >= 0 ? mean.data<float>() : nullptr;
    args.inv_std = inv_slot >= 0 ? inv.data<float>() : nullptr;
    args.rows = rows;
    args.n = cols;
    args.epsilon = eps;
    if (rows > 0 && cols == 0) return absl::InvalidArgumentError(absl::StrCat(step, ": empty normalized axis"));
    BRAID_RETURN_IF_ERROR(s.CheckLaunch(s.kernels().layer_norm(args, s.launch_context()), "layer_norm", step));
    s.slot(y_slot) = std::move(y);
    if (mean_slot >= 0) s.slot(mean_slot) = std::move(mean);
    if (inv_slot >= 0) s.slot(inv_slot) = std::move(inv);
    return absl::OkStatus();
  });
}

}  // namespace

void RegisterReduceOps(OpTable& table) {
  for (const auto& [name, op] : ReduceOps()) table[name] = {CanRunReduce, BuildReduce};
  table["Softmax"] = {CanRunSoftmax, BuildSoftmax};
  table["LogSoftmax"] = {CanRunSoftmax, BuildSoftmax};
  table["LayerNormalization"] = {CanRunLayerNorm, BuildLayerNorm};
}

}  // namespace braid::backends::gpu
