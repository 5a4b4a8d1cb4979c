// Ops that compute or rearrange shapes: Reshape, Flatten, Transpose,
// Squeeze, Unsqueeze, Shape, Size, Expand, ConstantOfShape, Range,
// DepthToSpace, SpaceToDepth. Shape-valued outputs also record their
// (possibly symbolic) contents for later Reshape/Expand consumers.
#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "braid/status_macros.h"
#include "graph/inference/inference_util.h"
#include "graph/inference/register.h"

namespace braid::graph::inference {
namespace {

// The dim that `-1` stands for: product(input) / product(others), with
// matching symbols cancelled. Unknown when it cannot be told.
absl::StatusOr<Dim> InferMinusOne(const InferenceContext& ctx, const SymbolicShape& in, const SymbolicShape& out,
                                  size_t hole) {
  std::vector<Dim> num(in.begin(), in.end());
  int64_t den_known = 1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (i == hole) continue;
    const Dim& d = out[i];
    if (d.is_known()) {
      den_known *= d.value;
      continue;
    }
    if (d.symbol.empty()) return Dim::Unknown();
    auto it = std::find_if(num.begin(), num.end(), [&](const Dim& n) { return !n.is_known() && n.symbol == d.symbol; });
    if (it == num.end()) return Dim::Unknown();
    num.erase(it);
  }
  int64_t num_known = 1;
  const Dim* symbol = nullptr;
  for (const Dim& d : num) {
    if (d.is_known()) {
      num_known *= d.value;
    } else if (!d.symbol.empty() && symbol == nullptr) {
      symbol = &d;
    } else {
      return Dim::Unknown();
    }
  }
  if (den_known == 0) return Dim::Unknown();
  if (symbol == nullptr) {
    if (num_known % den_known != 0) {
      return ctx.Error(absl::StrCat("cannot reshape ", ctx.DescribeInput(0), ": ", num_known,
                                    " elements do not divide by ", den_known));
    }
    return Dim::Known(num_known / den_known);
  }
  return num_known == den_known ? *symbol : Dim::Unknown();
}

absl::Status Reshape(InferenceContext& ctx) {
  const ValueType& in = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(in.elem_type);
  BRAID_ASSIGN_OR_RETURN(int64_t allowzero, ctx.node().GetInt("allowzero", 0));
  std::optional<std::vector<int64_t>> ints;
  std::optional<SymbolicShape> symbolic;
  if (ctx.opset() < 5) {
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> s, ctx.node().GetInts("shape", std::vector<int64_t>{}));
    ints = std::move(s);
  } else {
    ints = ctx.input_ints(1);
    if (!ints) symbolic = ctx.input_value(1);
  }
  SymbolicShape out;
  std::optional<size_t> hole;
  auto copy_dim = [&](size_t i) { return in.has_rank() && i < in.shape->size() ? (*in.shape)[i] : Dim::Unknown(); };
  if (ints) {
    for (size_t i = 0; i < ints->size(); ++i) {
      int64_t v = (*ints)[i];
      if (v == 0 && allowzero == 0) {
        out.push_back(copy_dim(i));
      } else if (v == -1) {
        if (hole) return ctx.Error("the target shape has more than one -1");
        hole = i;
        out.push_back(Dim::Unknown());
      } else if (v < 0) {
        return ctx.Error(absl::StrCat("invalid target dim ", v));
      } else {
        out.push_back(Dim::Known(v));
      }
    }
  } else if (symbolic) {
    for (size_t i = 0; i < symbolic->size(); ++i) {
      const Dim& d = (*symbolic)[i];
      out.push_back(d.is_known() && d.value == 0 && allowzero == 0 ? copy_dim(i) : d);
    }
  } else {
    const SymbolicShape* s = ctx.input_shape(1);
    if (s != nullptr && s->size() == 1 && (*s)[0].is_known()) {
      ctx.output(0) = TensorType(in.elem_type, SymbolicShape((*s)[0].value, Dim::Unknown()));
    }
    return absl::OkStatus();
  }
  if (!hole) {
    // One dim left unknown (a -1 that propagation could not tell from an
    // unknown value, or a copied unknown dim) is still fixed by the count.
    std::vector<size_t> open;
    for (size_t i = 0; i < out.size(); ++i) {
      if (!out[i].is_known() && out[i].symbol.empty()) open.push_back(i);
    }
    if (open.size() == 1) hole = open[0];
  }
  if (in.has_rank()) {
    if (hole) {
      BRAID_ASSIGN_OR_RETURN(out[*hole], InferMinusOne(ctx, *in.shape, out, *hole));
    } else {
      std::optional<Shape> a = ToConcrete(*in.shape);
      std::optional<Shape> b = ToConcrete(out);
      if (a && b && ShapeElementCount(*a).value_or(-1) != ShapeElementCount(*b).value_or(-2)) {
        return ctx.Error(absl::StrCat("cannot reshape ", ctx.DescribeInput(0), " to ", ShapeToString(*b)));
      }
    }
  }
  ctx.output(0) = TensorType(in.elem_type, std::move(out));
  if (std::optional<SymbolicShape> v = ctx.input_value(0); v && ctx.output(0).rank() <= 1) ctx.set_output_value(0, *v);
  return absl::OkStatus();
}

absl::Status Flatten(InferenceContext& ctx) {
  const ValueType& in = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(in.elem_type);
  if (!in.has_rank()) return absl::OkStatus();
  const SymbolicShape& s = *in.shape;
  int64_t rank = static_cast<int64_t>(s.size());
  BRAID_ASSIGN_OR_RETURN(int64_t axis, ctx.node().GetInt("axis", 1));
  if (axis < -rank || axis > rank) return ctx.Error(absl::StrCat("axis ", axis, " is out of range for rank ", rank));
  if (axis < 0) axis += rank;
  ctx.output(0) = TensorType(in.elem_type, SymbolicShape{DimProduct(std::span(s).subspan(0, axis)),
                                                         DimProduct(std::span(s).subspan(axis))});
  return absl::OkStatus();
}

absl::Status Transpose(InferenceContext& ctx) {
  const ValueType& in = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(in.elem_type);
  if (!in.has_rank()) return absl::OkStatus();
  const SymbolicShape& s = *in.shape;
  std::vector<int64_t> dflt;
  for (int64_t i = static_cast<int64_t>(s.size()) - 1; i >= 0; --i) dflt.push_back(i);
  BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> perm, ctx.node().GetInts("perm", dflt));
  if (perm.size() != s.size()) {
    return ctx.Error(absl::StrCat("perm has ", perm.size(), " entries for ", ctx.DescribeInput(0)));
  }
  std::vector<bool> seen(s.size(), false);
  SymbolicShape out;
  for (int64_t p : perm) {
    BRAID_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(ctx, p, static_cast<int64_t>(s.size()), "perm entry"));
    if (seen[a]) return ctx.Error("perm is not a permutation");
    seen[a] = true;
    out.push_back(s[a]);
  }
  ctx.output(0) = TensorType(in.elem_type, std::move(out));
  return absl::OkStatus();
}

absl::Status Squeeze(InferenceContext& ctx) {
  const ValueType& in = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(in.elem_type);
  BRAID_ASSIGN_OR_RETURN(IntsSource axes, IntsFromAttrOrInput(ctx, "axes", 1, 13));
  if (!in.has_rank()) return absl::OkStatus();
  const SymbolicShape& s = *in.shape;
  SymbolicShape out;
  if (axes.absent) {
    for (const Dim& d : s) {
      if (!d.is_known()) return absl::OkStatus();  // which dims are 1 is unknown
      if (d.value != 1) out.push_back(d);
    }
  } else if (!axes.known) {
    return absl::OkStatus();
  } else {
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> list, NormalizeAxes(ctx, axes.ints, static_cast<int64_t>(s.size())));
    for (size_t i = 0; i < s.size(); ++i) {
      if (std::find(list.begin(), list.end(), static_cast<int64_t>(i)) == list.end()) {
        out.push_back(s[i]);
      } else if (s[i].is_known() && s[i].value != 1) {
        return ctx.Error(absl::StrCat("cannot squeeze dim ", i, " of ", ctx.DescribeInput(0), ": it is not 1"));
      }
    }
  }
  ctx.output(0) = TensorType(in.elem_type, out);
  if (std::optional<SymbolicShape> v = ctx.input_value(0); v && out.empty() && v->size() == 1) ctx.set_output_value(0, *v);
  return absl::OkStatus();
}

absl::Status Unsqueeze(InferenceContext& ctx) {
  const ValueType& in = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(in.elem_type);
  BRAID_ASSIGN_OR_RETURN(IntsSource axes, IntsFromAttrOrInput(ctx, "axes", 1, 13));
  if (axes.absent) return ctx.Error("axes are required");
  if (!in.has_rank() || !axes.known) return absl::OkStatus();
  const SymbolicShape& s = *in.shape;
  int64_t out_rank = static_cast<int64_t>(s.size() + axes.ints.size());
  BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> list, NormalizeAxes(ctx, axes.ints, out_rank));
  SymbolicShape out;
  size_t next = 0;
  for (int64_t i = 0; i < out_rank; ++i) {
    if (std::find(list.begin(), list.end(), i) != list.end()) {
      out.push_back(Dim::Known(1));
    } else {
      out.push_back(s[next++]);
    }
  }
  ctx.output(0) = TensorType(in.elem_type, out);
  if (std::optional<SymbolicShape> v = ctx.input_value(0); v && out.size() == 1) ctx.set_output_value(0, *v);
  return absl::OkStatus();
}

absl::Status ShapeOp(InferenceContext& ctx) {
  const ValueType& in = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(DataType::kInt64);
  if (!in.has_rank()) return absl::OkStatus();
  int64_t rank = in.rank();
  BRAID_ASSIGN_OR_RETURN(int64_t start, ctx.node().GetInt("start", 0));
  BRAID_ASSIGN_OR_RETURN(int64_t end, ctx.node().GetInt("end", rank));
  auto clamp = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
  start = clamp(start);
  end = std::max(clamp(end), start);
  SymbolicShape dims(in.shape->begin() + start, in.shape->begin() + end);
  ctx.output(0) = TensorType(DataType::kInt64, SymbolicShape{Dim::Known(end - start)});
  ctx.set_output_value(0, std::move(dims));
  return absl::OkStatus();
}

absl::Status SizeOp(InferenceContext& ctx) {
  ctx.output(0) = TensorType(DataType::kInt64, SymbolicShape{});
  const SymbolicShape* s = ctx.input_shape(0);
  if (s != nullptr) ctx.set_output_value(0, SymbolicShape{DimProduct(*s)});
  return absl::OkStatus();
}

absl::Status Expand(InferenceContext& ctx) {
  const ValueType& in = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(in.elem_type);
  std::optional<SymbolicShape> target = ctx.input_value(1);
  if (!in.has_rank()) return absl::OkStatus();
  if (!target) {
    const SymbolicShape* s = ctx.input_shape(1);
    if (s != nullptr && s->size() == 1 && (*s)[0].is_known()) {
      size_t rank = std::max<size_t>(in.shape->size(), (*s)[0].value);
      ctx.output(0) = TensorType(in.elem_type, SymbolicShape(rank, Dim::Unknown()));
    }
    return absl::OkStatus();
  }
  for (Dim& d : *target) {
    if (d.is_known() && d.value < 0) return ctx.Error("the target shape has a negative dim");
  }
  BRAID_ASSIGN_OR_RETURN(SymbolicShape out, BroadcastShapes(ctx, *in.shape, *target,
                                                            absl::StrCat(ctx.DescribeInput(0), " to the target shape")));
  ctx.output(0) = TensorType(in.elem_type, std::move(out));
  return absl::OkStatus();
}

absl::Status ConstantOfShape(InferenceContext& ctx) {
  DataType t = DataType::kFloat32;
  if (const Attribute* v = ctx.node().FindAttribute("value"); v != nullptr && v->kind() == Attribute::Kind::kTensor) {
    t = v->t().dtype();
  }
  ctx.output(0) = ValueType::Tensor(t);
  if (std::optional<SymbolicShape> s = ctx.input_value(0)) {
    for (const Dim& d : *s) {
      if (d.is_known() && d.value < 0) return ctx.Error("the shape has a negative dim");
    }
    ctx.output(0) = TensorType(t, *s);
  } else if (const SymbolicShape* in = ctx.input_shape(0); in != nullptr && in->size() == 1 && (*in)[0].is_known()) {
    ctx.output(0) = TensorType(t, SymbolicShape((*in)[0].value, Dim::Unknown()));
  }
  return absl::OkStatus();
}

absl::Status Range(InferenceContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(DataType t, SameElemType(ctx, {0, 1, 2}));
  ctx.output(0) = TensorType(t, SymbolicShape{Dim::Unknown()});
  std::optional<std::vector<double>> start = ctx.input_doubles(0);
  std::optional<std::vector<double>> limit = ctx.input_doubles(1);
  std::optional<std::vector<double>> delta = ctx.input_doubles(2);
  if (!start || !limit || !delta || start->size() != 1 || limit->size() != 1 || delta->size() != 1) {
    return absl::OkStatus();
  }
  if ((*delta)[0] == 0) return ctx.Error("delta is zero");
  double n = std::ceil(((*limit)[0] - (*start)[0]) / (*delta)[0]);
  ctx.output(0) = TensorType(t, SymbolicShape{Dim::Known(std::max<int64_t>(0, static_cast<int64_t>(n)))});
  return absl::OkStatus();
}

absl::Status DepthSpace(InferenceContext& ctx, bool to_space) {
  const ValueType& in = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(in.elem_type);
  if (!in.has_rank()) return absl::OkStatus();
  if (in.rank() != 4) return ctx.Error(absl::StrCat("input ", ctx.DescribeInput(0), " must have rank 4"));
  BRAID_ASSIGN_OR_RETURN(int64_t b, ctx.node().GetInt("blocksize"));
  if (b <= 0) return ctx.Error("blocksize must be positive");
  const SymbolicShape& s = *in.shape;
  auto div = [&](const Dim& d, int64_t k) -> absl::StatusOr<Dim> {
    if (!d.is_known()) return Dim::Unknown();
    if (d.value % k != 0) return ctx.Error(absl::StrCat("dim ", d.value, " is not divisible by ", k));
    return Dim::Known(d.value / k);
  };
  SymbolicShape out = {s[0]};
  if (to_space) {
    BRAID_ASSIGN_OR_RETURN(Dim c, div(s[1], b * b));
    out.insert(out.end(), {c, DimMul(s[2], b), DimMul(s[3], b)});
  } else {
    BRAID_ASSIGN_OR_RETURN(Dim h, div(s[2], b));
    BRAID_ASSIGN_OR_RETURN(Dim w, div(s[3], b));
    out.insert(out.end(), {DimMul(s[1], b * b), h, w});
  }
  ctx.output(0) = TensorType(in.elem_type, std::move(out));
  return absl::OkStatus();
}

}  // namespace

void RegisterShapeSchemas(OpSchemaRegistry& r) {
  r.Register(MakeSchema("Reshape", 1, 1, 1, 1, 1, Reshape));
  r.Register(MakeSchema("Reshape", 5, 2, 2, 1, 1, Reshape));
  r.Register(MakeSchema("Flatten", 1, 1, 1, 1, 1, Flatten));
  r.Register(MakeSchema("Transpose", 1, 1, 1, 1, 1, Transpose));
  r.Register(MakeSchema("Squeeze", 1, 1, 1, 1, 1, Squeeze));
  r.Register(MakeSchema("Squeeze", 13, 1, 2, 1, 1, Squeeze));
  r.Register(MakeSchema("Unsqueeze", 1, 1, 1, 1, 1, Unsqueeze));
  r.Register(MakeSchema("Unsqueeze", 13, 2, 2, 1, 1, Unsqueeze));
  r.Register(MakeSchema("Shape", 1, 1, 1, 1, 1, ShapeOp));
  r.Register(MakeSchema("Size", 1, 1, 1, 1, 1, SizeOp));
  r.Register(MakeSchema("Expand", 8, 2, 2, 1, 1, Expand));
  r.Register(MakeSchema("ConstantOfShape", 9, 1, 1, 1, 1, ConstantOfShape));
  r.Register(MakeSchema("Range", 11, 3, 3, 1, 1, Range));
  r.Register(MakeSchema("DepthToSpace", 1, 1, 1, 1, 1, [](InferenceContext& ctx) { return DepthSpace(ctx, true); }));
  r.Register(MakeSchema("SpaceToDepth", 1, 1, 1, 1, 1, [](InferenceContext& ctx) { return DepthSpace(ctx, false); }));
}

}  // namespace braid::graph::inference
