#include "graph/inference/inference_util.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace braid::graph::inference {

OpSchema MakeSchema(std::string op_type, int since, int min_in, int max_in, int min_out, int max_out, InferenceFn fn,
                    std::string domain) {
  OpSchema s;
  s.domain = std::move(domain);
  s.op_type = std::move(op_type);
  s.since_version = since;
  s.min_inputs = min_in;
  s.max_inputs = max_in;
  s.min_outputs = min_out;
  s.max_outputs = max_out;
  s.infer = std::move(fn);
  return s;
}

ValueType TensorType(DataType dtype, std::optional<SymbolicShape> shape) {
  ValueType t = ValueType::Tensor(dtype);
  t.shape = std::move(shape);
  return t;
}

bool BroadcastDim(const Dim& a, const Dim& b, Dim& out) {
  if (a.is_known() && b.is_known()) {
    if (a.value == b.value || b.value == 1) {
      out = a;
    } else if (a.value == 1) {
      out = b;
    } else {
      return false;
    }
    return true;
  }
  if (a.is_known()) {
    out = a.value == 1 ? b : a;
    return true;
  }
  if (b.is_known()) {
    out = b.value == 1 ? a : b;
    return true;
  }
  out = (!a.symbol.empty() && a.symbol == b.symbol) ? a : Dim::Unknown();
  return true;
}

absl::StatusOr<SymbolicShape> BroadcastShapes(const InferenceContext& ctx, const SymbolicShape& a,
                                              const SymbolicShape& b, const std::string& what) {
  size_t rank = std::max(a.size(), b.size());
  SymbolicShape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Align from the right.
    const Dim one = Dim::Known(1);
    const Dim& da = i < rank - a.size() ? one : a[i - (rank - a.size())];
    const Dim& db = i < rank - b.size() ? one : b[i - (rank - b.size())];
    if (!BroadcastDim(da, db, out[i])) {
      return ctx.Error(absl::StrCat("cannot broadcast ", what, ": shapes ", SymbolicShapeToString(a), " and ",
                                    SymbolicShapeToString(b), " differ in dim ", i, " (", da.value, " vs ", db.value,
                                    ")"));
    }
  }
  return out;
}

absl::StatusOr<std::optional<SymbolicShape>> BroadcastInputs(const InferenceContext& ctx,
                                                             std::initializer_list<int> inputs) {
  std::optional<SymbolicShape> acc;
  std::string names;
  for (int i : inputs) {
    if (!ctx.has_input(i)) continue;
    const SymbolicShape* s = ctx.input_shape(i);
    if (s == nullptr) return std::optional<SymbolicShape>();
    if (!acc) {
      acc = *s;
      names = ctx.DescribeInput(i);
      continue;
    }
    absl::StatusOr<SymbolicShape> b = BroadcastShapes(ctx, *acc, *s, absl::StrCat(names, " with ", ctx.DescribeInput(i)));
    if (!b.ok()) return b.status();
    acc = *std::move(b);
    absl::StrAppend(&names, " and ", ctx.DescribeInput(i));
  }
  return acc;
}

absl::StatusOr<DataType> SameElemType(const InferenceContext& ctx, std::initializer_list<int> inputs) {
  DataType first = DataType::kUndefined;
  int first_index = -1;
  for (int i : inputs) {
    DataType t = ctx.input_dtype(i);
    if (t == DataType::kUndefined) continue;
    if (first == DataType::kUndefined) {
      first = t;
      first_index = i;
    } else if (t != first) {
      return ctx.Error(absl::StrCat("input ", ctx.DescribeInput(first_index), " and input ", ctx.DescribeInput(i),
                                    " have different element types (", DataTypeName(first), " vs ", DataTypeName(t),
                                    ")"));
    }
  }
  return first;
}

absl::StatusOr<int64_t> NormalizeAxis(const InferenceContext& ctx, int64_t axis, int64_t rank, const char* what) {
  if (axis < -rank || axis >= rank) {
    return ctx.Error(absl::StrCat(what, " ", axis, " is out of range for rank ", rank));
  }
  return axis < 0 ? axis + rank : axis;
}

absl::StatusOr<std::vector<int64_t>> NormalizeAxes(const InferenceContext& ctx, std::vector<int64_t> axes,
                                                   int64_t rank) {
  for (int64_t& a : axes) {
    absl::StatusOr<int64_t> n = NormalizeAxis(ctx, a, rank, "axis");
    if (!n.ok()) return n.status();
    a = *n;
  }
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) return ctx.Error("axes contain a duplicate");
  return axes;
}

Dim DimProduct(std::span<const Dim> dims) {
  int64_t known = 1;
  const Dim* symbol = nullptr;
  int unknown = 0;
  for (const Dim& d : dims) {
    if (d.is_known()) {
      known *= d.value;
    } else if (!d.symbol.empty() && symbol == nullptr) {
      symbol = &d;
    } else {
      ++unknown;
    }
  }
  if (unknown == 0 && symbol == nullptr) return Dim::Known(known);
  if (known == 0) return Dim::Known(0);
  if (unknown == 0 && known == 1) return *symbol;
  return Dim::Unknown();
}

Dim DimAdd(const Dim& a, int64_t k) {
  if (a.is_known()) return Dim::Known(a.value + k);
  return k == 0 ? a : Dim::Unknown();
}

Dim DimMul(const Dim& a, int64_t k) {
  if (a.is_known()) return Dim::Known(a.value * k);
  if (k == 0) return Dim::Known(0);
  return k == 1 ? a : Dim::Unknown();
}

Dim MergeDim(const Dim& a, const Dim& b) {
  if (a.is_known()) return a;
  if (b.is_known()) return b;
  return a.symbol.empty() ? b : a;
}

void CopyInputType(InferenceContext& ctx, int input, int output) {
  if (ctx.has_output(output)) ctx.output(output) = ctx.input_type(input);
}

absl::StatusOr<IntsSource> IntsFromAttrOrInput(const InferenceContext& ctx, const char* attr, int input,
                                               int input_since) {
  IntsSource src;
  if (ctx.opset() >= input_since) {
    if (!ctx.has_input(input)) {
      src.absent = true;
      return src;
    }
    std::optional<std::vector<int64_t>> v = ctx.input_ints(input);
    if (v) {
      src.ints = *std::move(v);
      src.known = true;
    }
    return src;
  }
  if (!ctx.node().HasAttribute(attr)) {
    src.absent = true;
    return src;
  }
  absl::StatusOr<std::vector<int64_t>> v = ctx.node().GetInts(attr);
  if (!v.ok()) return v.status();
  src.ints = *std::move(v);
  src.known = true;
  return src;
}

}  // namespace braid::graph::inference
