// Data-movement ops: views (Reshape, Flatten, Squeeze, Unsqueeze, Identity,
// Dropout), Transpose, Concat, Split, Slice, Expand and Tile.
#include <algorithm>
#include <cstring>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/gpu/exec/op_util.h"
#include "backends/gpu/exec/ops.h"
#include "braid/status_macros.h"

namespace braid::backends::gpu {
namespace {

// ---------------------------------------------------------------- views

// Shape function of a view op: output shape from the input shape.
using ViewFn = std::function<absl::StatusOr<Shape>(const Shape& in)>;

std::unique_ptr<Step> MakeViewStep(const graph::Node& node, SlotMap& slots, ViewFn fn) {
  const int in = slots.Add(node.input(0));
  const int out = slots.Add(node.output(0));
  return MakeStep(StepName(node), [in, out, fn](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, InputTensor(s, in, step, 0));
    absl::StatusOr<Shape> shape = fn(x->shape());
    if (!shape.ok()) return absl::InvalidArgumentError(absl::StrCat(step, ": ", shape.status().message()));
    BRAID_ASSIGN_OR_RETURN(Tensor view, x->Reshaped(*shape));
    s.slot(out) = std::move(view);
    return absl::OkStatus();
  });
}

absl::Status CanRunView(const graph::Node& node) {
  BRAID_RETURN_IF_ERROR(RequireMovable(node, 0));
  const std::string& op = node.op_type();
  if (op == "Reshape" && !ConstantInput(node, 1)) return Unsupported(node, "shape must be a constant");
  if ((op == "Squeeze" || op == "Unsqueeze") && node.opset() >= 13 && HasInput(node, 1) && !ConstantInput(node, 1)) {
    return Unsupported(node, "axes must be a constant");
  }
  if (op == "Unsqueeze" && node.opset() >= 13 && !HasInput(node, 1)) return Unsupported(node, "axes missing");
  if (op == "Dropout") {
    if (OutputUsed(node, 1)) return Unsupported(node, "the mask output is not produced");
    if (HasInput(node, 2)) {
      const Tensor* t = ConstantInput(node, 2);
      if (t == nullptr || t->dtype() != DataType::kBool || t->num_elements() != 1 || t->data<bool>()[0]) {
        return Unsupported(node, "training mode must be a constant false");
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Step>> BuildView(const graph::Node& node, SlotMap& slots) {
  const std::string& op = node.op_type();
  if (op == "Identity" || op == "Dropout") {
    return MakeViewStep(node, slots, [](const Shape& in) -> absl::StatusOr<Shape> { return in; });
  }
  if (op == "Reshape") {
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> target, ConstantInts(node, 1));
    BRAID_ASSIGN_OR_RETURN(int64_t allowzero, node.GetInt("allowzero", 0));
    return MakeViewStep(node, slots, [target, allowzero](const Shape& in) -> absl::StatusOr<Shape> {
      Shape out(target.size());
      int infer = -1;
      int64_t known = 1;
      for (size_t i = 0; i < target.size(); ++i) {
        int64_t d = target[i];
        if (d == 0 && allowzero == 0) {
          if (i >= in.size()) return absl::InvalidArgumentError("reshape copies a dim the input lacks");
          d = in[i];
        }
        if (d == -1) {
          if (infer >= 0) return absl::InvalidArgumentError("reshape has more than one -1");
          infer = static_cast<int>(i);
          d = 1;
        } else if (d < -1) {
          return absl::InvalidArgumentError(absl::StrCat("reshape dim ", d, " is invalid"));
        }
        out[i] = d;
        known *= d;
      }
      const int64_t total = Product(in, 0, in.size());
      if (infer >= 0) {
        if (known == 0 || total % known != 0) {
          return absl::InvalidArgumentError(absl::StrCat("cannot infer -1 reshaping ", ShapeToString(in)));
        }
        out[infer] = total / known;
      }
      return out;
    });
  }
  if (op == "Flatten") {
    BRAID_ASSIGN_OR_RETURN(int64_t axis, node.GetInt("axis", 1));
    return MakeViewStep(node, slots, [axis](const Shape& in) -> absl::StatusOr<Shape> {
      const int64_t rank = static_cast<int64_t>(in.size());
      const int64_t a = axis < 0 ? axis + rank : axis;
      if (a < 0 || a > rank) return absl::InvalidArgumentError(absl::StrCat("flatten axis ", axis, " out of range"));
      return Shape{Product(in, 0, a), Product(in, a, in.size())};
    });
  }
  // Squeeze / Unsqueeze: axes from the attribute (opset < 13) or input 1.
  std::vector<int64_t> axes;
  bool has_axes = false;
  if (node.opset() >= 13) {
    if (HasInput(node, 1)) {
      BRAID_ASSIGN_OR_RETURN(axes, ConstantInts(node, 1));
      has_axes = true;
    }
  } else if (node.HasAttribute("axes")) {
    BRAID_ASSIGN_OR_RETURN(axes, node.GetInts("axes"));
    has_axes = true;
  }
  if (op == "Squeeze") {
    return MakeViewStep(node, slots, [axes, has_axes](const Shape& in) -> absl::StatusOr<Shape> {
      const int64_t rank = static_cast<int64_t>(in.size());
      std::vector<bool> drop(in.size(), false);
      if (!has_axes) {
        for (size_t i = 0; i < in.size(); ++i) drop[i] = in[i] == 1;
      }
      for (int64_t a : axes) {
        const int64_t n = a < 0 ? a + rank : a;
        if (n < 0 || n >= rank || in[n] != 1) {
          return absl::InvalidArgumentError(absl::StrCat("cannot squeeze axis ", a, " of ", ShapeToString(in)));
        }
        drop[n] = true;
      }
      Shape out;
      for (size_t i = 0; i < in.size(); ++i) {
        if (!drop[i]) out.push_back(in[i]);
      }
      return out;
    });
  }
  return MakeViewStep(node, slots, [axes](const Shape& in) -> absl::StatusOr<Shape> {
    const int64_t rank = static_cast<int64_t>(in.size() + axes.size());
    std::vector<bool> inserted(rank, false);
    for (int64_t a : axes) {
      const int64_t n = a < 0 ? a + rank : a;
      if (n < 0 || n >= rank || inserted[n]) {
        return absl::InvalidArgumentError(absl::StrCat("invalid unsqueeze axis ", a));
      }
      inserted[n] = true;
    }
    Shape out;
    size_t j = 0;
    for (int64_t i = 0; i < rank; ++i) out.push_back(inserted[i] ? 1 : in[j++]);
    return out;
  });
}

// ---------------------------------------------------------------- Transpose

absl::Status CanRunTranspose(const graph::Node& node) { return RequireMovable(node, 0); }

absl::StatusOr<std::unique_ptr<Step>> BuildTranspose(const graph::Node& node, SlotMap& slots) {
  std::vector<int64_t> perm;
  if (node.HasAttribute("perm")) {
    BRAID_ASSIGN_OR_RETURN(perm, node.GetInts("perm"));
  }
  const int in = slots.Add(node.input(0));
  const int out = slots.Add(node.output(0));
  return MakeStep(StepName(node), [in, out, perm](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, InputTensor(s, in, step, 0));
    const size_t rank = x->shape().size();
    std::vector<int64_t> p = perm;
    if (p.empty()) {
      for (size_t i = 0; i < rank; ++i) p.push_back(static_cast<int64_t>(rank - 1 - i));
    }
    std::vector<bool> seen(rank, false);
    if (p.size() != rank) return absl::InvalidArgumentError(absl::StrCat(step, ": perm does not match the rank"));
    for (int64_t v : p) {
      if (v < 0 || v >= static_cast<int64_t>(rank) || seen[v]) {
        return absl::InvalidArgumentError(absl::StrCat(step, ": invalid perm"));
      }
      seen[v] = true;
    }
    Shape out_shape(rank);
    std::vector<int64_t> in_strides = DenseStrides(x->shape()), src(rank);
    for (size_t d = 0; d < rank; ++d) {
      out_shape[d] = x->shape()[p[d]];
      src[d] = in_strides[p[d]];
    }
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(x->dtype(), out_shape));
    bool swap_last_two = rank >= 2 && p[rank - 1] == static_cast<int64_t>(rank - 2) &&
                         p[rank - 2] == static_cast<int64_t>(rank - 1);
    for (size_t d = 0; d + 2 < rank; ++d) swap_last_two = swap_last_two && p[d] == static_cast<int64_t>(d);
    if (swap_last_two && x->num_elements() > 0) {
      kernels::Transpose2DArgs args{};
      args.batch = Product(x->shape(), 0, rank - 2);
      args.rows = x->shape()[rank - 2];
      args.cols = x->shape()[rank - 1];
      args.src = x->raw_data();
      args.dst = y.raw_data();
      args.elem_bytes = ElemBytes(*x);
      BRAID_RETURN_IF_ERROR(s.CheckLaunch(s.kernels().transpose2d(args, s.launch_context()), "transpose2d", step));
    } else {
      BRAID_RETURN_IF_ERROR(EnqueueStridedCopy(s, step, out_shape, x->raw_data(), src, y.raw_data(),
                                               DenseStrides(out_shape), ElemBytes(*x)));
    }
    s.slot(out) = std::move(y);
    return absl::OkStatus();
  });
}

// ---------------------------------------------------------------- Concat / Split

absl::Status CanRunConcat(const graph::Node& node) {
  if (node.inputs().empty()) return Unsupported(node, "no inputs");
  for (size_t i = 0; i < node.inputs().size(); ++i) {
    BRAID_RETURN_IF_ERROR(RequireMovable(node, i));
    if (InputType(node, i) != InputType(node, 0)) return Unsupported(node, "inputs of different types");
  }
  if (!node.HasAttribute("axis")) return Unsupported(node, "axis attribute missing");
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Step>> BuildConcat(const graph::Node& node, SlotMap& slots) {
  BRAID_ASSIGN_OR_RETURN(int64_t axis, node.GetInt("axis"));
  std::vector<int> ins;
  for (const graph::Value* v : node.inputs()) ins.push_back(slots.Add(v));
  const int out = slots.Add(node.output(0));
  const graph::Node* n = &node;
  return MakeStep(StepName(node), [ins, out, axis, n](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* first, InputTensor(s, ins[0], step, 0));
    const int64_t rank = first->rank();
    BRAID_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(axis, rank, *n));
    Shape out_shape = first->shape();
    out_shape[a] = 0;
    for (size_t i = 0; i < ins.size(); ++i) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* t, InputTensor(s, ins[i], step, static_cast<int>(i)));
      for (int64_t d = 0; d < rank; ++d) {
        if (t->rank() != rank || (d != a && t->shape()[d] != first->shape()[d])) {
          return absl::InvalidArgumentError(absl::StrCat(step, ": input ", i, " shape ", ShapeToString(t->shape()),
                                                         " does not match ", ShapeToString(first->shape())));
        }
      }
      out_shape[a] += t->shape()[a];
    }
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(first->dtype(), out_shape));
    const std::vector<int64_t> out_strides = DenseStrides(out_shape);
    int64_t offset = 0;
    for (size_t i = 0; i < ins.size(); ++i) {
      const Tensor& t = s.slot(ins[i]);
      BRAID_RETURN_IF_ERROR(EnqueueStridedCopy(s, step, t.shape(), t.raw_data(), DenseStrides(t.shape()),
                                               ElemPtr(y, offset * out_strides[a]), out_strides, ElemBytes(t)));
      offset += t.shape()[a];
    }
    s.slot(out) = std::move(y);
    return absl::OkStatus();
  });
}

absl::Status CanRunSplit(const graph::Node& node) {
  BRAID_RETURN_IF_ERROR(RequireMovable(node, 0));
  if (node.opset() >= 13 && HasInput(node, 1) && !ConstantInput(node, 1)) {
    return Unsupported(node, "split sizes must be a constant");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Step>> BuildSplit(const graph::Node& node, SlotMap& slots) {
  BRAID_ASSIGN_OR_RETURN(int64_t axis, node.GetInt("axis", 0));
  std::vector<int64_t> sizes;
  if (node.opset() >= 13 && HasInput(node, 1)) {
    BRAID_ASSIGN_OR_RETURN(sizes, ConstantInts(node, 1));
  } else if (node.opset() < 13 && node.HasAttribute("split")) {
    BRAID_ASSIGN_OR_RETURN(sizes, node.GetInts("split"));
  }
  const int in = slots.Add(node.input(0));
  std::vector<int> outs;
  for (const graph::Value* v : node.outputs()) outs.push_back(v == nullptr ? -1 : slots.Add(v));
  const graph::Node* n = &node;
  return MakeStep(StepName(node), [in, outs, axis, sizes, n](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, InputTensor(s, in, step, 0));
    BRAID_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(axis, x->rank(), *n));
    const int64_t dim = x->shape()[a];
    const int64_t parts = static_cast<int64_t>(outs.size());
    std::vector<int64_t> split = sizes;
    if (split.empty()) {
      // Equal parts; the last one smaller when the dim does not divide (opset 18).
      const int64_t chunk = (dim + parts - 1) / parts;
      for (int64_t i = 0; i < parts; ++i) split.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
    }
    int64_t total = 0;
    for (int64_t v : split) total += v;
    if (static_cast<int64_t>(split.size()) != parts || total != dim) {
      return absl::InvalidArgumentError(absl::StrCat(step, ": split sizes do not cover dim ", dim));
    }
    const std::vector<int64_t> in_strides = DenseStrides(x->shape());
    int64_t offset = 0;
    for (int64_t i = 0; i < parts; ++i) {
      Shape shape = x->shape();
      shape[a] = split[i];
      if (outs[i] >= 0) {
        BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(x->dtype(), shape));
        BRAID_RETURN_IF_ERROR(EnqueueStridedCopy(s, step, shape, ElemPtr(*x, offset * in_strides[a]), in_strides,
                                                 y.raw_data(), DenseStrides(shape), ElemBytes(*x)));
        s.slot(outs[i]) = std::move(y);
      }
      offset += split[i];
    }
    return absl::OkStatus();
  });
}

// ---------------------------------------------------------------- Slice

absl::Status CanRunSlice(const graph::Node& node) {
  BRAID_RETURN_IF_ERROR(RequireMovable(node, 0));
  if (node.opset() >= 10) {
    for (size_t i = 1; i < node.inputs().size(); ++i) {
      if (HasInput(node, i) && !ConstantInput(node, i)) return Unsupported(node, "starts/ends/axes/steps must be constant");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Step>> BuildSlice(const graph::Node& node, SlotMap& slots) {
  std::vector<int64_t> starts, ends, axes, steps;
  if (node.opset() >= 10) {
    BRAID_ASSIGN_OR_RETURN(starts, ConstantInts(node, 1));
    BRAID_ASSIGN_OR_RETURN(ends, ConstantInts(node, 2));
    if (HasInput(node, 3)) {
      BRAID_ASSIGN_OR_RETURN(axes, ConstantInts(node, 3));
    }
    if (HasInput(node, 4)) {
      BRAID_ASSIGN_OR_RETURN(steps, ConstantInts(node, 4));
    }
  } else {
    BRAID_ASSIGN_OR_RETURN(starts, node.GetInts("starts"));
    BRAID_ASSIGN_OR_RETURN(ends, node.GetInts("ends"));
    if (node.HasAttribute("axes")) {
      BRAID_ASSIGN_OR_RETURN(axes, node.GetInts("axes"));
    }
  }
  if (starts.size() != ends.size() || (!axes.empty() && axes.size() != starts.size()) ||
      (!steps.empty() && steps.size() != starts.size())) {
    return NodeError(node, "starts, ends, axes and steps differ in length");
  }
  const int in = slots.Add(node.input(0));
  const int out = slots.Add(node.output(0));
  return MakeStep(StepName(node), [=](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, InputTensor(s, in, step, 0));
    const int64_t rank = x->rank();
    std::vector<int64_t> begin(rank, 0), stride(rank, 1);
    Shape out_shape = x->shape();
    std::vector<bool> seen(rank, false);
    for (size_t i = 0; i < starts.size(); ++i) {
      int64_t a = axes.empty() ? static_cast<int64_t>(i) : axes[i];
      if (a < 0) a += rank;
      if (a < 0 || a >= rank || seen[a]) return absl::InvalidArgumentError(absl::StrCat(step, ": invalid axes"));
      seen[a] = true;
      const int64_t st = steps.empty() ? 1 : steps[i];
      if (st == 0) return absl::InvalidArgumentError(absl::StrCat(step, ": step 0"));
      const int64_t dim = x->shape()[a];
      int64_t b = starts[i], e = ends[i];
      if (b < 0) b += dim;
      if (e < 0) e += dim;
      if (st > 0) {
        b = std::clamp<int64_t>(b, 0, dim);
        e = std::clamp<int64_t>(e, 0, dim);
        out_shape[a] = e > b ? (e - b + st - 1) / st : 0;
      } else {
        b = std::clamp<int64_t>(b, 0, dim - 1);
        e = std::clamp<int64_t>(e, -1, dim - 1);
        out_shape[a] = b > e ? (b - e - st - 1) / (-st) : 0;
      }
      begin[a] = b;
      stride[a] = st;
    }
    const std::vector<int64_t> in_strides = DenseStrides(x->shape());
    int64_t offset = 0;
    std::vector<int64_t> src(rank);
    for (int64_t d = 0; d < rank; ++d) {
      if (out_shape[d] > 0) offset += begin[d] * in_strides[d];
      src[d] = in_strides[d] * stride[d];
    }
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(x->dtype(), out_shape));
    BRAID_RETURN_IF_ERROR(EnqueueStridedCopy(s, step, out_shape, ElemPtr(*x, offset), src, y.raw_data(),
                                             DenseStrides(out_shape), ElemBytes(*x)));
    s.slot(out) = std::move(y);
    return absl::OkStatus();
  });
}

// ---------------------------------------------------------------- Expand / Tile

absl::Status CanRunExpandTile(const graph::Node& node) {
  BRAID_RETURN_IF_ERROR(RequireMovable(node, 0));
  if (!ConstantInput(node, 1)) return Unsupported(node, "shape/repeats must be a constant");
  if (node.op_type() == "Tile" && InputRank(node, 0) > kernels::kMaxRank / 2) {
    return Unsupported(node, "Tile supports rank up to 4");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Step>> BuildExpand(const graph::Node& node, SlotMap& slots) {
  BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> shape, ConstantInts(node, 1));
  const int in = slots.Add(node.input(0));
  const int out = slots.Add(node.output(0));
  return MakeStep(StepName(node), [=](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, InputTensor(s, in, step, 0));
    absl::StatusOr<Shape> out_shape = BroadcastShapes(x->shape(), Shape(shape.begin(), shape.end()));
    if (!out_shape.ok()) return absl::InvalidArgumentError(absl::StrCat(step, ": ", out_shape.status().message()));
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(x->dtype(), *out_shape));
    BRAID_RETURN_IF_ERROR(EnqueueStridedCopy(s, step, *out_shape, x->raw_data(),
                                             BroadcastStrides(x->shape(), *out_shape), y.raw_data(),
                                             DenseStrides(*out_shape), ElemBytes(*x)));
    s.slot(out) = std::move(y);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::unique_ptr<Step>> BuildTile(const graph::Node& node, SlotMap& slots) {
  BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> repeats, ConstantInts(node, 1));
  const int in = slots.Add(node.input(0));
  const int out = slots.Add(node.output(0));
  return MakeStep(StepName(node), [=](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, InputTensor(s, in, step, 0));
    const size_t rank = x->shape().size();
    if (repeats.size() != rank) return absl::InvalidArgumentError(absl::StrCat(step, ": repeats do not match rank"));
    // out viewed as [r0, d0, r1, d1, ...]: the input broadcast along each r.
    const std::vector<int64_t> in_strides = DenseStrides(x->shape());
    std::vector<int64_t> dims, src;
    Shape out_shape(rank);
    for (size_t d = 0; d < rank; ++d) {
      if (repeats[d] < 0) return absl::InvalidArgumentError(absl::StrCat(step, ": negative repeat"));
      dims.push_back(repeats[d]);
      src.push_back(0);
      dims.push_back(x->shape()[d]);
      src.push_back(in_strides[d]);
      out_shape[d] = repeats[d] * x->shape()[d];
    }
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(x->dtype(), out_shape));
    BRAID_RETURN_IF_ERROR(
        EnqueueStridedCopy(s, step, dims, x->raw_data(), src, y.raw_data(), DenseStrides(dims), ElemBytes(*x)));
    s.slot(out) = std::move(y);
    return absl::OkStatus();
  });
}

}  // namespace

void RegisterDataOps(OpTable& table) {
  for (const char* op : {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout"}) {
    table[op] = {CanRunView, BuildView};
  }
  table["Transpose"] = {CanRunTranspose, BuildTranspose};
  table["Concat"] = {CanRunConcat, BuildConcat};
  table["Split"] = {CanRunSplit, BuildSplit};
  table["Slice"] = {CanRunSlice, BuildSlice};
  table["Expand"] = {CanRunExpandTile, BuildExpand};
  table["Tile"] = {CanRunExpandTile, BuildTile};
}

}  // namespace braid::backends::gpu
