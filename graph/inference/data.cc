// Data-movement ops: Concat, Split, Slice, Gather*, Scatter*, Pad, Tile,
// Resize/Upsample, NonZero, EyeLike, and If (from its branches).
#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "braid/status_macros.h"
#include "graph/inference/inference_util.h"
#include "graph/inference/register.h"

namespace braid::graph::inference {
namespace {

absl::Status Concat(InferenceContext& ctx) {
  DataType t = DataType::kUndefined;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    BRAID_ASSIGN_OR_RETURN(DataType ti, SameElemType(ctx, {0, i}));
    if (t == DataType::kUndefined) t = ti;
  }
  ctx.output(0) = ValueType::Tensor(t);
  const SymbolicShape* first = nullptr;
  for (int i = 0; i < ctx.num_inputs() && first == nullptr; ++i) first = ctx.input_shape(i);
  if (first == nullptr) return absl::OkStatus();
  int64_t rank = static_cast<int64_t>(first->size());
  BRAID_ASSIGN_OR_RETURN(int64_t axis, ctx.node().GetInt("axis", ctx.opset() < 4 ? std::optional<int64_t>(1)
                                                                                 : std::nullopt));
  BRAID_ASSIGN_OR_RETURN(axis, NormalizeAxis(ctx, axis, rank));
  SymbolicShape out = *first;
  std::vector<Dim> along;
  bool all_ranked = true;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const SymbolicShape* s = ctx.input_shape(i);
    if (s == nullptr) {
      all_ranked = false;
      continue;
    }
    if (static_cast<int64_t>(s->size()) != rank) {
      return ctx.Error(absl::StrCat("inputs ", ctx.DescribeInput(0), " and ", ctx.DescribeInput(i), " differ in rank"));
    }
    for (int64_t d = 0; d < rank; ++d) {
      if (d == axis) continue;
      const Dim& a = out[d];
      const Dim& b = (*s)[d];
      if (a.is_known() && b.is_known() && a.value != b.value) {
        return ctx.Error(absl::StrCat("inputs ", ctx.DescribeInput(0), " and ", ctx.DescribeInput(i), " differ in dim ",
                                      d, " (", a.value, " vs ", b.value, ")"));
      }
      out[d] = MergeDim(a, b);
    }
    along.push_back((*s)[axis]);
  }
  Dim sum = Dim::Known(0);
  for (const Dim& d : along) {
    if (d.is_known()) {
      sum = DimAdd(sum, d.value);
    } else if (sum.is_known() && sum.value == 0) {
      sum = d;
    } else {
      sum = Dim::Unknown();
    }
  }
  out[axis] = all_ranked ? sum : Dim::Unknown();
  ctx.output(0) = TensorType(t, std::move(out));
  if (rank == 1) {
    SymbolicShape value;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      std::optional<SymbolicShape> v = ctx.input_value(i);
      if (!v) return absl::OkStatus();
      value.insert(value.end(), v->begin(), v->end());
    }
    ctx.set_output_value(0, std::move(value));
  }
  return absl::OkStatus();
}

absl::Status Split(InferenceContext& ctx) {
  const ValueType& in = ctx.input_type(0);
  int n = ctx.num_outputs();
  for (int o = 0; o < n; ++o) ctx.output(o) = ValueType::Tensor(in.elem_type);
  if (!in.has_rank()) return absl::OkStatus();
  BRAID_ASSIGN_OR_RETURN(int64_t axis, ctx.node().GetInt("axis", 0));
  BRAID_ASSIGN_OR_RETURN(axis, NormalizeAxis(ctx, axis, in.rank()));
  std::optional<std::vector<int64_t>> sizes;
  if (ctx.opset() >= 13 || (ctx.opset() < 2 && ctx.has_input(1))) {
    if (ctx.has_input(1)) {
      sizes = ctx.input_ints(1);
      if (!sizes) {
        for (int o = 0; o < n; ++o) {
          SymbolicShape s = *in.shape;
          s[axis] = Dim::Unknown();
          ctx.output(o) = TensorType(in.elem_type, s);
        }
        return absl::OkStatus();
      }
    }
  } else if (ctx.node().HasAttribute("split")) {
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> s, ctx.node().GetInts("split"));
    sizes = std::move(s);
  }
  const Dim& d = (*in.shape)[axis];
  std::vector<Dim> parts;
  if (sizes) {
    if (static_cast<int>(sizes->size()) != n) {
      return ctx.Error(absl::StrCat("split has ", sizes->size(), " entries for ", n, " outputs"));
    }
    int64_t total = 0;
    for (int64_t s : *sizes) {
      if (s < 0) return ctx.Error("split sizes must be non-negative");
      total += s;
      parts.push_back(Dim::Known(s));
    }
    if (d.is_known() && total != d.value) {
      return ctx.Error(absl::StrCat("split sizes sum to ", total, " but dim ", axis, " of ", ctx.DescribeInput(0),
                                    " is ", d.value));
    }
  } else if (d.is_known()) {
    if (ctx.opset() >= 18 && d.value % n != 0) {
      int64_t chunk = (d.value + n - 1) / n;
      for (int o = 0; o < n; ++o) parts.push_back(Dim::Known(std::max<int64_t>(0, std::min(chunk, d.value - o * chunk))));
    } else if (d.value % n != 0) {
      return ctx.Error(absl::StrCat("dim ", axis, " of ", ctx.DescribeInput(0), " does not split evenly into ", n));
    } else {
      parts.assign(n, Dim::Known(d.value / n));
    }
  } else {
    parts.assign(n, n == 1 ? d : Dim::Unknown());
  }
  for (int o = 0; o < n; ++o) {
    SymbolicShape s = *in.shape;
    s[axis] = parts[o];
    ctx.output(o) = TensorType(in.elem_type, s);
  }
  return absl::OkStatus();
}

// Length of slicing a dim of size `dim` (ONNX clamping rules).
int64_t SliceLength(int64_t dim, int64_t start, int64_t end, int64_t step) {
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    return end > start ? (end - start + step - 1) / step : 0;
  }
  start = std::clamp<int64_t>(start, 0, dim - 1);
  end = std::clamp<int64_t>(end, -1, dim - 1);
  return start > end ? (start - end - step - 1) / -step : 0;
}

absl::Status Slice(InferenceContext& ctx) {
  const ValueType& in = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(in.elem_type);
  if (!in.has_rank()) return absl::OkStatus();
  const SymbolicShape& s = *in.shape;
  int64_t rank = in.rank();
  std::optional<std::vector<int64_t>> starts, ends, axes, steps;
  if (ctx.opset() < 10) {
    BRAID_ASSIGN_OR_RETURN(starts, ctx.node().GetInts("starts"));
    BRAID_ASSIGN_OR_RETURN(ends, ctx.node().GetInts("ends"));
    if (ctx.node().HasAttribute("axes")) {
      BRAID_ASSIGN_OR_RETURN(axes, ctx.node().GetInts("axes"));
    }
  } else {
    starts = ctx.input_ints(1);
    ends = ctx.input_ints(2);
    if (ctx.has_input(3)) {
      axes = ctx.input_ints(3);
      if (!axes) {
        ctx.output(0) = TensorType(in.elem_type, SymbolicShape(s.size(), Dim::Unknown()));
        return absl::OkStatus();
      }
    }
    if (ctx.has_input(4)) {
      steps = ctx.input_ints(4);
      if (!steps) starts.reset();
    }
  }
  if (!axes && starts) {
    axes.emplace();
    for (size_t i = 0; i < starts->size(); ++i) axes->push_back(static_cast<int64_t>(i));
  }
  SymbolicShape out = s;
  if (!starts || !ends) {
    if (axes) {
      for (int64_t a : *axes) {
        BRAID_ASSIGN_OR_RETURN(a, NormalizeAxis(ctx, a, rank));
        out[a] = Dim::Unknown();
      }
    } else {
      out.assign(s.size(), Dim::Unknown());
    }
    ctx.output(0) = TensorType(in.elem_type, std::move(out));
    return absl::OkStatus();
  }
  if (!steps) steps = std::vector<int64_t>(starts->size(), 1);
  if (ends->size() != starts->size() || axes->size() != starts->size() || steps->size() != starts->size()) {
    return ctx.Error("starts, ends, axes and steps differ in length");
  }
  constexpr int64_t kWhole = std::numeric_limits<int32_t>::max();
  for (size_t i = 0; i < starts->size(); ++i) {
    BRAID_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(ctx, (*axes)[i], rank));
    int64_t st = (*starts)[i], en = (*ends)[i], step = (*steps)[i];
    if (step == 0) return ctx.Error("slice step is zero");
    const Dim& d = s[a];
    if (d.is_known()) {
      out[a] = Dim::Known(SliceLength(d.value, st, en, step));
    } else if (step == 1 && st == 0 && en >= kWhole) {
      out[a] = d;
    } else {
      out[a] = Dim::Unknown();
    }
  }
  ctx.output(0) = TensorType(in.elem_type, out);
  if (std::optional<SymbolicShape> v = ctx.input_value(0); v && rank == 1 && starts->size() == 1) {
    int64_t n = static_cast<int64_t>(v->size());
    int64_t st = (*starts)[0], en = (*ends)[0], step = (*steps)[0];
    if (st < 0) st += n;
    if (en < 0) en += n;
    SymbolicShape picked;
    if (step > 0) {
      for (int64_t i = std::clamp<int64_t>(st, 0, n); i < std::clamp<int64_t>(en, 0, n); i += step) {
        picked.push_back((*v)[i]);
      }
    } else {
      for (int64_t i = std::clamp<int64_t>(st, 0, n - 1); i > std::clamp<int64_t>(en, -1, n - 1); i += step) {
        picked.push_back((*v)[i]);
      }
    }
    ctx.set_output_value(0, std::move(picked));
  }
  return absl::OkStatus();
}

absl::Status Gather(InferenceContext& ctx) {
  const ValueType& data = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(data.elem_type);
  DataType it = ctx.input_dtype(1);
  if (it != DataType::kUndefined && it != DataType::kInt64 && it != DataType::kInt32) {
    return ctx.Error(absl::StrCat("indices ", ctx.DescribeInput(1), " must be int32 or int64"));
  }
  const SymbolicShape* idx = ctx.input_shape(1);
  if (!data.has_rank() || idx == nullptr) return absl::OkStatus();
  BRAID_ASSIGN_OR_RETURN(int64_t axis, ctx.node().GetInt("axis", 0));
  BRAID_ASSIGN_OR_RETURN(axis, NormalizeAxis(ctx, axis, data.rank()));
  const SymbolicShape& s = *data.shape;
  SymbolicShape out(s.begin(), s.begin() + axis);
  out.insert(out.end(), idx->begin(), idx->end());
  out.insert(out.end(), s.begin() + axis + 1, s.end());
  ctx.output(0) = TensorType(data.elem_type, out);
  std::optional<SymbolicShape> v = ctx.input_value(0);
  std::optional<std::vector<int64_t>> picks = ctx.input_ints(1);
  if (v && picks && data.rank() == 1 && idx->size() <= 1) {
    SymbolicShape value;
    int64_t n = static_cast<int64_t>(v->size());
    for (int64_t p : *picks) {
      if (p < -n || p >= n) return ctx.Error(absl::StrCat("index ", p, " is out of range for ", ctx.DescribeInput(0)));
      value.push_back((*v)[p < 0 ? p + n : p]);
    }
    ctx.set_output_value(0, std::move(value));
  }
  return absl::OkStatus();
}

absl::Status GatherND(InferenceContext& ctx) {
  const ValueType& data = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(data.elem_type);
  const SymbolicShape* idx = ctx.input_shape(1);
  if (!data.has_rank() || idx == nullptr || idx->empty() || !idx->back().is_known()) return absl::OkStatus();
  BRAID_ASSIGN_OR_RETURN(int64_t batch, ctx.node().GetInt("batch_dims", 0));
  int64_t last = idx->back().value;
  if (batch + last > data.rank()) return ctx.Error("indices address more dims than the data has");
  SymbolicShape out(idx->begin(), idx->end() - 1);
  out.insert(out.end(), data.shape->begin() + batch + last, data.shape->end());
  ctx.output(0) = TensorType(data.elem_type, std::move(out));
  return absl::OkStatus();
}

absl::Status Pad(InferenceContext& ctx) {
  const ValueType& in = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(in.elem_type);
  if (!in.has_rank()) return absl::OkStatus();
  int64_t rank = in.rank();
  std::optional<std::vector<int64_t>> pads;
  if (ctx.opset() < 11) {
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> p, ctx.node().GetInts(ctx.opset() < 2 ? "paddings" : "pads"));
    pads = std::move(p);
  } else {
    pads = ctx.input_ints(1);
  }
  std::vector<int64_t> axes;
  if (ctx.opset() >= 18 && ctx.has_input(3)) {
    std::optional<std::vector<int64_t>> a = ctx.input_ints(3);
    if (!a) pads.reset();
    else axes = *a;
  } else {
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  }
  if (!pads) {
    ctx.output(0) = TensorType(in.elem_type, SymbolicShape(rank, Dim::Unknown()));
    return absl::OkStatus();
  }
  if (pads->size() != 2 * axes.size()) {
    return ctx.Error(absl::StrCat("pads has ", pads->size(), " entries for ", axes.size(), " axes"));
  }
  SymbolicShape out = *in.shape;
  size_t n = axes.size();
  for (size_t i = 0; i < n; ++i) {
    BRAID_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(ctx, axes[i], rank));
    out[a] = DimAdd(out[a], (*pads)[i] + (*pads)[i + n]);
    if (out[a].is_known() && out[a].value < 0) return ctx.Error("pads remove more than the dim holds");
  }
  ctx.output(0) = TensorType(in.elem_type, std::move(out));
  return absl::OkStatus();
}

absl::Status Tile(InferenceContext& ctx) {
  const ValueType& in = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(in.elem_type);
  if (!in.has_rank()) return absl::OkStatus();
  std::optional<std::vector<int64_t>> reps = ctx.input_ints(1);
  SymbolicShape out = *in.shape;
  if (!reps) {
    out.assign(out.size(), Dim::Unknown());
  } else {
    if (reps->size() != out.size()) {
      return ctx.Error(absl::StrCat("repeats has ", reps->size(), " entries for ", ctx.DescribeInput(0)));
    }
    for (size_t i = 0; i < out.size(); ++i) {
      if ((*reps)[i] < 0) return ctx.Error("repeats must be non-negative");
      out[i] = DimMul(out[i], (*reps)[i]);
    }
  }
  ctx.output(0) = TensorType(in.elem_type, std::move(out));
  return absl::OkStatus();
}

// Resize (opset 10: X, scales; 11+: X, roi, scales, sizes) and Upsample.
absl::Status Resize(InferenceContext& ctx) {
  const ValueType& in = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(in.elem_type);
  if (!in.has_rank()) return absl::OkStatus();
  int64_t rank = in.rank();
  SymbolicShape out(rank, Dim::Unknown());
  ctx.output(0) = TensorType(in.elem_type, out);
  const std::string& op = ctx.node().op_type();
  BRAID_ASSIGN_OR_RETURN(std::string mode, ctx.node().GetString("coordinate_transformation_mode", std::string()));
  BRAID_ASSIGN_OR_RETURN(std::string policy, ctx.node().GetString("keep_aspect_ratio_policy", std::string("stretch")));
  if (mode == "tf_crop_and_resize" || policy != "stretch") return absl::OkStatus();
  std::vector<int64_t> axes;
  BRAID_ASSIGN_OR_RETURN(axes, ctx.node().GetInts("axes", std::vector<int64_t>{}));
  if (axes.empty()) {
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  }
  int scales_input = (op == "Upsample" || ctx.opset() < 11) ? 1 : 2;
  std::optional<std::vector<int64_t>> sizes;
  if (op == "Resize" && ctx.opset() >= 11 && ctx.has_input(3)) sizes = ctx.input_ints(3);
  std::optional<std::vector<double>> scales;
  if (op == "Upsample" && ctx.opset() < 9) {
    BRAID_ASSIGN_OR_RETURN(std::vector<float> s, ctx.node().GetFloats("scales"));
    scales = std::vector<double>(s.begin(), s.end());
  } else if (ctx.has_input(scales_input)) {
    scales = ctx.input_doubles(scales_input);
  }
  if (scales && scales->empty()) scales.reset();
  for (size_t i = 0; i < axes.size(); ++i) {
    BRAID_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(ctx, axes[i], rank));
    const Dim& d = (*in.shape)[a];
    if (sizes && sizes->size() == axes.size()) {
      out[a] = Dim::Known((*sizes)[i]);
    } else if (scales && scales->size() == axes.size()) {
      float scale = static_cast<float>((*scales)[i]);
      if (scale == 1.0f) out[a] = d;
      else if (d.is_known()) out[a] = Dim::Known(static_cast<int64_t>(std::floor(static_cast<float>(d.value) * scale)));
    }
  }
  for (int64_t a = 0; a < rank; ++a) {
    if (std::find(axes.begin(), axes.end(), a) == axes.end() && std::find(axes.begin(), axes.end(), a - rank) == axes.end()) {
      out[a] = (*in.shape)[a];
    }
  }
  ctx.output(0) = TensorType(in.elem_type, std::move(out));
  return absl::OkStatus();
}

absl::Status NonZero(InferenceContext& ctx) {
  const SymbolicShape* s = ctx.input_shape(0);
  ctx.output(0) = s == nullptr ? TensorType(DataType::kInt64, SymbolicShape{Dim::Unknown(), Dim::Unknown()})
                               : TensorType(DataType::kInt64, SymbolicShape{Dim::Known(static_cast<int64_t>(s->size())),
                                                                            Dim::Unknown()});
  return absl::OkStatus();
}

absl::Status EyeLike(InferenceContext& ctx) {
  DataType t = ctx.input_dtype(0);
  if (const Attribute* a = ctx.node().FindAttribute("dtype"); a != nullptr && a->kind() == Attribute::Kind::kInt &&
                                                              IsKnownDataType(static_cast<int32_t>(a->i()))) {
    t = static_cast<DataType>(a->i());
  }
  ctx.output(0) = TensorType(t, ctx.input_type(0).shape);
  return absl::OkStatus();
}

// Each If output: the branches' common type, or what they share.
ValueType JoinTypes(const ValueType& a, const ValueType& b) {
  if (a == b) return a;
  if (!a.is_tensor() || !b.is_tensor() || a.elem_type != b.elem_type) return ValueType();
  ValueType out = ValueType::Tensor(a.elem_type);
  if (a.shape && b.shape && a.shape->size() == b.shape->size()) {
    out.shape = SymbolicShape();
    for (size_t i = 0; i < a.shape->size(); ++i) {
      out.shape->push_back((*a.shape)[i] == (*b.shape)[i] ? (*a.shape)[i] : Dim::Unknown());
    }
  }
  return out;
}

absl::Status If(InferenceContext& ctx) {
  absl::StatusOr<std::shared_ptr<Graph>> then_g = ctx.node().GetGraph("then_branch");
  absl::StatusOr<std::shared_ptr<Graph>> else_g = ctx.node().GetGraph("else_branch");
  if (!then_g.ok() || !else_g.ok()) return absl::OkStatus();
  const auto& t = (*then_g)->outputs();
  const auto& e = (*else_g)->outputs();
  if (t.size() != e.size() || static_cast<int>(t.size()) != ctx.num_outputs()) {
    return ctx.Error(absl::StrCat("branches return ", t.size(), " and ", e.size(), " values for ", ctx.num_outputs(),
                                  " outputs"));
  }
  for (size_t i = 0; i < t.size(); ++i) ctx.output(static_cast<int>(i)) = JoinTypes(t[i]->type(), e[i]->type());
  return absl::OkStatus();
}

absl::Status SameAsData(InferenceContext& ctx) {
  CopyInputType(ctx, 0, 0);
  return absl::OkStatus();
}

}  // namespace

void RegisterDataSchemas(OpSchemaRegistry& r) {
  r.Register(MakeSchema("Concat", 1, 1, INT_MAX, 1, 1, Concat));
  r.Register(MakeSchema("Split", 1, 1, 2, 1, INT_MAX, Split));
  r.Register(MakeSchema("Split", 2, 1, 1, 1, INT_MAX, Split));
  r.Register(MakeSchema("Split", 13, 1, 2, 1, INT_MAX, Split));
  r.Register(MakeSchema("Slice", 1, 1, 1, 1, 1, Slice));
  r.Register(MakeSchema("Slice", 10, 3, 5, 1, 1, Slice));
  r.Register(MakeSchema("Gather", 1, 2, 2, 1, 1, Gather));
  r.Register(MakeSchema("GatherElements", 11, 2, 2, 1, 1, [](InferenceContext& ctx) {
    ctx.output(0) = TensorType(ctx.input_dtype(0), ctx.input_type(1).shape);
    return absl::OkStatus();
  }));
  r.Register(MakeSchema("GatherND", 11, 2, 2, 1, 1, GatherND));
  for (const char* op : {"Scatter", "ScatterElements", "ScatterND"}) {
    r.Register(MakeSchema(op, 1, 3, 3, 1, 1, SameAsData));
  }
  r.Register(MakeSchema("Pad", 1, 1, 1, 1, 1, Pad));
  r.Register(MakeSchema("Pad", 11, 2, 4, 1, 1, Pad));
  r.Register(MakeSchema("Tile", 6, 2, 2, 1, 1, Tile));
  r.Register(MakeSchema("Resize", 10, 2, 2, 1, 1, Resize));
  r.Register(MakeSchema("Resize", 11, 1, 4, 1, 1, Resize));
  r.Register(MakeSchema("Upsample", 7, 1, 1, 1, 1, Resize));
  r.Register(MakeSchema("Upsample", 9, 2, 2, 1, 1, Resize));
  r.Register(MakeSchema("NonZero", 9, 1, 1, 1, 1, NonZero));
  r.Register(MakeSchema("EyeLike", 9, 1, 1, 1, 1, EyeLike));
  r.Register(MakeSchema("If", 1, 1, 1, 1, INT_MAX, If));
}

}  // namespace braid::graph::inference
