// Convolutions, pools and normalizations (NC[D...] layout).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "braid/status_macros.h"
#include "graph/inference/inference_util.h"
#include "graph/inference/register.h"

namespace braid::graph::inference {
namespace {

// Spatial attributes shared by Conv, ConvTranspose and the pools.
struct Window {
  std::vector<int64_t> kernel, strides, dilations, pads;
  std::string auto_pad;
};

// Reads the window attributes for `n` spatial dims; `kernel` comes from the
// attribute, else from `weights_kernel` (null for pools: then required).
absl::StatusOr<Window> ReadWindow(const InferenceContext& ctx, size_t n, const SymbolicShape* weights) {
  const Node& node = ctx.node();
  Window w;
  BRAID_ASSIGN_OR_RETURN(w.kernel, node.GetInts("kernel_shape", std::vector<int64_t>{}));
  if (w.kernel.empty() && weights != nullptr && weights->size() == n + 2) {
    for (size_t i = 2; i < weights->size(); ++i) {
      if (!(*weights)[i].is_known()) return absl::NotFoundError("kernel shape unknown");
      w.kernel.push_back((*weights)[i].value);
    }
  }
  if (w.kernel.size() != n) {
    if (w.kernel.empty()) return absl::NotFoundError("kernel shape unknown");
    return ctx.Error(absl::StrCat("kernel_shape has ", w.kernel.size(), " dims for ", n, " spatial dims"));
  }
  BRAID_ASSIGN_OR_RETURN(w.strides, node.GetInts("strides", std::vector<int64_t>(n, 1)));
  BRAID_ASSIGN_OR_RETURN(w.dilations, node.GetInts("dilations", std::vector<int64_t>(n, 1)));
  BRAID_ASSIGN_OR_RETURN(w.pads, node.GetInts("pads", std::vector<int64_t>(2 * n, 0)));
  BRAID_ASSIGN_OR_RETURN(w.auto_pad, node.GetString("auto_pad", std::string("NOTSET")));
  if (w.strides.size() != n || w.dilations.size() != n || w.pads.size() != 2 * n) {
    return ctx.Error(absl::StrCat("strides/dilations/pads do not match ", n, " spatial dims"));
  }
  for (size_t i = 0; i < n; ++i) {
    if (w.strides[i] <= 0 || w.dilations[i] <= 0 || w.kernel[i] <= 0) {
      return ctx.Error("kernel_shape, strides and dilations must be positive");
    }
  }
  return w;
}

int64_t CeilDiv(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// Output size of a sliding window over `in` (Conv and pools). `ceil_mode`
// (pools only) rounds up; an ambiguous last window leaves the dim unknown.
absl::StatusOr<Dim> WindowOutput(const InferenceContext& ctx, const Dim& in, const Window& w, size_t i,
                                 bool ceil_mode) {
  if (!in.is_known()) return Dim::Unknown();
  int64_t ek = (w.kernel[i] - 1) * w.dilations[i] + 1;
  int64_t s = w.strides[i];
  if (w.auto_pad == "SAME_UPPER" || w.auto_pad == "SAME_LOWER") return Dim::Known(CeilDiv(in.value, s));
  int64_t padded = in.value + (w.auto_pad == "VALID" ? 0 : w.pads[i] + w.pads[i + w.kernel.size()]);
  if (padded < ek) {
    return ctx.Error(absl::StrCat("spatial dim ", i, " of ", ctx.DescribeInput(0), " (padded to ", padded,
                                  ") is smaller than the kernel extent ", ek));
  }
  if (!ceil_mode) return Dim::Known((padded - ek) / s + 1);
  int64_t out = CeilDiv(padded - ek, s) + 1;
  // Whether a last window that starts in the end padding counts differs
  // between versions; leave that case open.
  if ((out - 1) * s >= in.value + w.pads[i]) return Dim::Unknown();
  return Dim::Known(out);
}

}  // namespace

absl::Status InferConv(InferenceContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(DataType t, SameElemType(ctx, {0, 1}));
  ctx.output(0) = ValueType::Tensor(t);
  const SymbolicShape* x = ctx.input_shape(0);
  const SymbolicShape* w = ctx.input_shape(1);
  if (x == nullptr) return absl::OkStatus();
  if (x->size() < 3) return ctx.Error(absl::StrCat("input ", ctx.DescribeInput(0), " must have rank >= 3"));
  if (w != nullptr && w->size() != x->size()) {
    return ctx.Error(absl::StrCat("weights ", ctx.DescribeInput(1), " and input ", ctx.DescribeInput(0),
                                  " differ in rank"));
  }
  BRAID_ASSIGN_OR_RETURN(int64_t group, ctx.node().GetInt("group", 1));
  if (group <= 0) return ctx.Error("group must be positive");
  Dim channels = Dim::Unknown();
  if (w != nullptr) {
    const Dim& c = (*x)[1];
    const Dim& wc = (*w)[1];
    if (c.is_known() && wc.is_known() && c.value != wc.value * group) {
      return ctx.Error(absl::StrCat("input channels ", c.value, " of ", ctx.DescribeInput(0), " != weight channels ",
                                    wc.value, " of ", ctx.DescribeInput(1), " * group ", group));
    }
    channels = (*w)[0];
  }
  if (const SymbolicShape* b = ctx.input_shape(2); b != nullptr) {
    if (b->size() != 1) return ctx.Error(absl::StrCat("bias ", ctx.DescribeInput(2), " must be 1-D"));
    if (channels.is_known() && (*b)[0].is_known() && (*b)[0].value != channels.value) {
      return ctx.Error(absl::StrCat("bias ", ctx.DescribeInput(2), " must have ", channels.value, " elements"));
    }
  }
  size_t n = x->size() - 2;
  SymbolicShape out = {(*x)[0], channels};
  absl::StatusOr<Window> win = ReadWindow(ctx, n, w);
  if (!win.ok()) {
    if (win.status().code() != absl::StatusCode::kNotFound) return win.status();
    out.resize(x->size(), Dim::Unknown());
  } else {
    for (size_t i = 0; i < n; ++i) {
      BRAID_ASSIGN_OR_RETURN(Dim d, WindowOutput(ctx, (*x)[i + 2], *win, i, false));
      out.push_back(d);
    }
  }
  ctx.output(0) = TensorType(t, std::move(out));
  return absl::OkStatus();
}

namespace {

absl::Status ConvTranspose(InferenceContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(DataType t, SameElemType(ctx, {0, 1}));
  ctx.output(0) = ValueType::Tensor(t);
  const SymbolicShape* x = ctx.input_shape(0);
  const SymbolicShape* w = ctx.input_shape(1);
  if (x == nullptr) return absl::OkStatus();
  if (x->size() < 3) return ctx.Error(absl::StrCat("input ", ctx.DescribeInput(0), " must have rank >= 3"));
  BRAID_ASSIGN_OR_RETURN(int64_t group, ctx.node().GetInt("group", 1));
  size_t n = x->size() - 2;
  SymbolicShape out = {(*x)[0], w != nullptr && w->size() == x->size() ? DimMul((*w)[1], group) : Dim::Unknown()};
  if (w != nullptr && w->size() == x->size() && (*x)[1].is_known() && (*w)[0].is_known() &&
      (*x)[1].value != (*w)[0].value) {
    return ctx.Error(absl::StrCat("input channels of ", ctx.DescribeInput(0), " != weight dim 0 of ",
                                  ctx.DescribeInput(1)));
  }
  BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> output_shape, ctx.node().GetInts("output_shape", std::vector<int64_t>{}));
  if (!output_shape.empty()) {
    if (output_shape.size() == n + 2) output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
    if (output_shape.size() != n) return ctx.Error("output_shape does not match the spatial rank");
    for (int64_t d : output_shape) out.push_back(Dim::Known(d));
    ctx.output(0) = TensorType(t, std::move(out));
    return absl::OkStatus();
  }
  absl::StatusOr<Window> win = ReadWindow(ctx, n, w);
  if (!win.ok()) {
    if (win.status().code() != absl::StatusCode::kNotFound) return win.status();
    out.resize(x->size(), Dim::Unknown());
    ctx.output(0) = TensorType(t, std::move(out));
    return absl::OkStatus();
  }
  BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> out_pad,
                         ctx.node().GetInts("output_padding", std::vector<int64_t>(n, 0)));
  if (out_pad.size() != n) return ctx.Error("output_padding does not match the spatial rank");
  for (size_t i = 0; i < n; ++i) {
    const Dim& d = (*x)[i + 2];
    if (!d.is_known()) {
      out.push_back(Dim::Unknown());
    } else if (win->auto_pad == "SAME_UPPER" || win->auto_pad == "SAME_LOWER") {
      out.push_back(Dim::Known(d.value * win->strides[i]));
    } else {
      int64_t pads = win->auto_pad == "VALID" ? 0 : win->pads[i] + win->pads[i + n];
      out.push_back(Dim::Known(win->strides[i] * (d.value - 1) + out_pad[i] +
                               (win->kernel[i] - 1) * win->dilations[i] + 1 - pads));
    }
  }
  ctx.output(0) = TensorType(t, std::move(out));
  return absl::OkStatus();
}

absl::Status Pool(InferenceContext& ctx) {
  const ValueType& in = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(in.elem_type);
  if (ctx.has_output(1)) ctx.output(1) = ValueType::Tensor(DataType::kInt64);
  const SymbolicShape* x = ctx.input_shape(0);
  if (x == nullptr) return absl::OkStatus();
  if (x->size() < 3) return ctx.Error(absl::StrCat("input ", ctx.DescribeInput(0), " must have rank >= 3"));
  size_t n = x->size() - 2;
  absl::StatusOr<Window> win = ReadWindow(ctx, n, nullptr);
  if (!win.ok()) return win.status().code() == absl::StatusCode::kNotFound ? ctx.Error("kernel_shape is required")
                                                                            : win.status();
  BRAID_ASSIGN_OR_RETURN(int64_t ceil_mode, ctx.node().GetInt("ceil_mode", 0));
  SymbolicShape out = {(*x)[0], (*x)[1]};
  for (size_t i = 0; i < n; ++i) {
    BRAID_ASSIGN_OR_RETURN(Dim d, WindowOutput(ctx, (*x)[i + 2], *win, i, ceil_mode != 0));
    out.push_back(d);
  }
  ctx.output(0) = TensorType(in.elem_type, out);
  if (ctx.has_output(1)) ctx.output(1) = TensorType(DataType::kInt64, out);
  return absl::OkStatus();
}

absl::Status GlobalPool(InferenceContext& ctx) {
  const ValueType& in = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(in.elem_type);
  const SymbolicShape* x = ctx.input_shape(0);
  if (x == nullptr) return absl::OkStatus();
  if (x->size() < 2) return ctx.Error(absl::StrCat("input ", ctx.DescribeInput(0), " must have rank >= 2"));
  SymbolicShape out = {(*x)[0], (*x)[1]};
  out.resize(x->size(), Dim::Known(1));
  ctx.output(0) = TensorType(in.elem_type, std::move(out));
  return absl::OkStatus();
}

absl::Status BatchNorm(InferenceContext& ctx) {
  CopyInputType(ctx, 0, 0);
  const SymbolicShape* x = ctx.input_shape(0);
  Dim c = x != nullptr && x->size() >= 2 ? (*x)[1] : Dim::Unknown();
  for (int i = 1; i <= 4; ++i) {
    const SymbolicShape* p = ctx.input_shape(i);
    if (p != nullptr && p->size() == 1 && c.is_known() && (*p)[0].is_known() && (*p)[0].value != c.value &&
        ctx.opset() >= 7) {
      return ctx.Error(absl::StrCat("parameter ", ctx.DescribeInput(i), " must have ", c.value, " elements"));
    }
  }
  for (int o = 1; o < ctx.num_outputs(); ++o) {
    ctx.output(o) = TensorType(ctx.input_dtype(3), SymbolicShape{c});
  }
  return absl::OkStatus();
}

absl::Status LayerNorm(InferenceContext& ctx) {
  CopyInputType(ctx, 0, 0);
  BRAID_ASSIGN_OR_RETURN(int64_t stash, ctx.node().GetInt("stash_type", 1));
  DataType stash_type = IsKnownDataType(static_cast<int32_t>(stash)) ? static_cast<DataType>(stash)
                                                                      : DataType::kFloat32;
  const SymbolicShape* x = ctx.input_shape(0);
  std::optional<SymbolicShape> stats;
  if (x != nullptr) {
    BRAID_ASSIGN_OR_RETURN(int64_t axis, ctx.node().GetInt("axis", -1));
    BRAID_ASSIGN_OR_RETURN(axis, NormalizeAxis(ctx, axis, static_cast<int64_t>(x->size())));
    stats = SymbolicShape(x->begin(), x->begin() + axis);
    stats->resize(x->size(), Dim::Known(1));
  }
  for (int o = 1; o < ctx.num_outputs(); ++o) ctx.output(o) = TensorType(stash_type, stats);
  return absl::OkStatus();
}

absl::Status SameAsX(InferenceContext& ctx) {
  CopyInputType(ctx, 0, 0);
  return absl::OkStatus();
}

}  // namespace

void RegisterNnSchemas(OpSchemaRegistry& r) {
  r.Register(MakeSchema("Conv", 1, 2, 3, 1, 1, InferConv));
  r.Register(MakeSchema("ConvTranspose", 1, 2, 3, 1, 1, ConvTranspose));
  r.Register(MakeSchema("MaxPool", 1, 1, 1, 1, 2, Pool));
  r.Register(MakeSchema("AveragePool", 1, 1, 1, 1, 1, Pool));
  r.Register(MakeSchema("LpPool", 1, 1, 1, 1, 1, Pool));
  for (const char* op : {"GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"}) {
    r.Register(MakeSchema(op, 1, 1, 1, 1, 1, GlobalPool));
  }
  r.Register(MakeSchema("BatchNormalization", 1, 5, 5, 1, 5, BatchNorm));
  r.Register(MakeSchema("LayerNormalization", 17, 2, 3, 1, 3, LayerNorm));
  r.Register(MakeSchema("InstanceNormalization", 1, 3, 3, 1, 1, SameAsX));
  r.Register(MakeSchema("GroupNormalization", 18, 3, 3, 1, 1, SameAsX));
  r.Register(MakeSchema("LRN", 1, 1, 1, 1, 1, SameAsX));
}

}  // namespace braid::graph::inference
