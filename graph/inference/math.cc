// Matrix products, softmax family, reductions, arg reductions, TopK.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "braid/status_macros.h"
#include "graph/inference/inference_util.h"
#include "graph/inference/register.h"

namespace braid::graph::inference {
namespace {

// numpy matmul: 1-D operands are promoted and the promoted dim dropped;
// batch dims broadcast; inner dims must agree.
absl::StatusOr<std::optional<SymbolicShape>> MatMulShape(const InferenceContext& ctx) {
  const SymbolicShape* a = ctx.input_shape(0);
  const SymbolicShape* b = ctx.input_shape(1);
  if (a == nullptr || b == nullptr) return std::optional<SymbolicShape>();
  if (a->empty() || b->empty()) {
    return ctx.Error(absl::StrCat("operands must have rank >= 1: ", ctx.DescribeInput(0), " and ", ctx.DescribeInput(1)));
  }
  SymbolicShape A = *a, B = *b;
  if (A.size() == 1) A.insert(A.begin(), Dim::Known(1));
  if (B.size() == 1) B.push_back(Dim::Known(1));
  const Dim& ka = A[A.size() - 1];
  const Dim& kb = B[B.size() - 2];
  if (ka.is_known() && kb.is_known() && ka.value != kb.value) {
    return ctx.Error(absl::StrCat("inner dimensions differ: ", ctx.DescribeInput(0), " and ", ctx.DescribeInput(1), " (",
                                  ka.value, " vs ", kb.value, ")"));
  }
  SymbolicShape batch_a(A.begin(), A.end() - 2), batch_b(B.begin(), B.end() - 2);
  BRAID_ASSIGN_OR_RETURN(SymbolicShape out,
                         BroadcastShapes(ctx, batch_a, batch_b,
                                         absl::StrCat("the batch dims of ", ctx.DescribeInput(0), " and ",
                                                      ctx.DescribeInput(1))));
  if (a->size() >= 2) out.push_back(A[A.size() - 2]);
  if (b->size() >= 2) out.push_back(B[B.size() - 1]);
  return std::optional<SymbolicShape>(std::move(out));
}

}  // namespace

absl::Status InferMatMul(InferenceContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(DataType t, SameElemType(ctx, {0, 1}));
  BRAID_ASSIGN_OR_RETURN(std::optional<SymbolicShape> shape, MatMulShape(ctx));
  ctx.output(0) = TensorType(t, std::move(shape));
  return absl::OkStatus();
}

absl::Status InferGemm(InferenceContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(DataType t, SameElemType(ctx, {0, 1, 2}));
  ctx.output(0) = ValueType::Tensor(t);
  const SymbolicShape* a = ctx.input_shape(0);
  const SymbolicShape* b = ctx.input_shape(1);
  if (a == nullptr || b == nullptr) return absl::OkStatus();
  if (a->size() != 2 || b->size() != 2) {
    return ctx.Error(absl::StrCat("A and B must be matrices: ", ctx.DescribeInput(0), " and ", ctx.DescribeInput(1)));
  }
  BRAID_ASSIGN_OR_RETURN(int64_t ta, ctx.node().GetInt("transA", 0));
  BRAID_ASSIGN_OR_RETURN(int64_t tb, ctx.node().GetInt("transB", 0));
  const Dim& m = (*a)[ta ? 1 : 0];
  const Dim& ka = (*a)[ta ? 0 : 1];
  const Dim& kb = (*b)[tb ? 1 : 0];
  const Dim& n = (*b)[tb ? 0 : 1];
  if (ka.is_known() && kb.is_known() && ka.value != kb.value) {
    return ctx.Error(absl::StrCat("inner dimensions differ: ", ctx.DescribeInput(0), " and ", ctx.DescribeInput(1), " (",
                                  ka.value, " vs ", kb.value, ")"));
  }
  SymbolicShape out = {m, n};
  if (const SymbolicShape* c = ctx.input_shape(2); c != nullptr) {
    if (c->size() > 2) return ctx.Error(absl::StrCat("C ", ctx.DescribeInput(2), " has rank > 2"));
    BRAID_ASSIGN_OR_RETURN(SymbolicShape merged,
                           BroadcastShapes(ctx, out, *c, absl::StrCat("C ", ctx.DescribeInput(2), " to [M,N]")));
    out = {MergeDim(m, merged[0]), MergeDim(n, merged[1])};
  }
  ctx.output(0) = TensorType(t, std::move(out));
  return absl::OkStatus();
}

namespace {

absl::Status AxisPreserving(InferenceContext& ctx) {
  const SymbolicShape* s = ctx.input_shape(0);
  if (s != nullptr && !s->empty()) {
    BRAID_ASSIGN_OR_RETURN(int64_t axis, ctx.node().GetInt("axis", ctx.opset() >= 13 ? -1 : 1));
    BRAID_RETURN_IF_ERROR(NormalizeAxis(ctx, axis, static_cast<int64_t>(s->size())).status());
  }
  CopyInputType(ctx, 0, 0);
  return absl::OkStatus();
}

// Output shape of reducing `shape` over `axes` (normalized).
SymbolicShape ReducedShape(const SymbolicShape& shape, const std::vector<int64_t>& axes, bool keepdims) {
  SymbolicShape out;
  for (size_t i = 0; i < shape.size(); ++i) {
    bool reduced = std::find(axes.begin(), axes.end(), static_cast<int64_t>(i)) != axes.end();
    if (!reduced) {
      out.push_back(shape[i]);
    } else if (keepdims) {
      out.push_back(Dim::Known(1));
    }
  }
  return out;
}

absl::Status Reduce(InferenceContext& ctx, int axes_input_since) {
  const ValueType& in = ctx.input_type(0);
  DataType t = in.ScalarType();
  BRAID_ASSIGN_OR_RETURN(int64_t keepdims, ctx.node().GetInt("keepdims", 1));
  BRAID_ASSIGN_OR_RETURN(int64_t noop, ctx.node().GetInt("noop_with_empty_axes", 0));
  BRAID_ASSIGN_OR_RETURN(IntsSource axes, IntsFromAttrOrInput(ctx, "axes", 1, axes_input_since));
  ctx.output(0) = ValueType::Tensor(t);
  if (!in.has_rank()) return absl::OkStatus();
  const SymbolicShape& shape = *in.shape;
  int64_t rank = static_cast<int64_t>(shape.size());
  std::vector<int64_t> list;
  if (axes.absent || (axes.known && axes.ints.empty())) {
    if (noop != 0 && ctx.opset() >= axes_input_since) {
      ctx.output(0) = in;
      return absl::OkStatus();
    }
    for (int64_t i = 0; i < rank; ++i) list.push_back(i);
  } else if (!axes.known) {
    if (keepdims != 0) ctx.output(0) = TensorType(t, SymbolicShape(shape.size(), Dim::Unknown()));
    return absl::OkStatus();
  } else {
    BRAID_ASSIGN_OR_RETURN(list, NormalizeAxes(ctx, axes.ints, rank));
  }
  ctx.output(0) = TensorType(t, ReducedShape(shape, list, keepdims != 0));
  return absl::OkStatus();
}

absl::Status ArgReduce(InferenceContext& ctx) {
  const SymbolicShape* s = ctx.input_shape(0);
  ctx.output(0) = ValueType::Tensor(DataType::kInt64);
  if (s == nullptr) return absl::OkStatus();
  BRAID_ASSIGN_OR_RETURN(int64_t axis, ctx.node().GetInt("axis", 0));
  BRAID_ASSIGN_OR_RETURN(int64_t keepdims, ctx.node().GetInt("keepdims", 1));
  BRAID_ASSIGN_OR_RETURN(axis, NormalizeAxis(ctx, axis, static_cast<int64_t>(s->size())));
  ctx.output(0) = TensorType(DataType::kInt64, ReducedShape(*s, {axis}, keepdims != 0));
  return absl::OkStatus();
}

absl::Status TopK(InferenceContext& ctx) {
  const ValueType& in = ctx.input_type(0);
  ctx.output(0) = ValueType::Tensor(in.elem_type);
  if (ctx.has_output(1)) ctx.output(1) = ValueType::Tensor(DataType::kInt64);
  if (!in.has_rank()) return absl::OkStatus();
  BRAID_ASSIGN_OR_RETURN(int64_t axis, ctx.node().GetInt("axis", -1));
  BRAID_ASSIGN_OR_RETURN(axis, NormalizeAxis(ctx, axis, in.rank()));
  Dim k = Dim::Unknown();
  if (ctx.opset() < 10) {
    BRAID_ASSIGN_OR_RETURN(int64_t kv, ctx.node().GetInt("k"));
    k = Dim::Known(kv);
  } else if (std::optional<SymbolicShape> kv = ctx.input_value(1); kv && kv->size() == 1) {
    k = (*kv)[0];
  }
  const Dim& d = (*in.shape)[axis];
  if (k.is_known() && d.is_known() && k.value > d.value) {
    return ctx.Error(absl::StrCat("k = ", k.value, " exceeds dim ", axis, " of ", ctx.DescribeInput(0)));
  }
  SymbolicShape out = *in.shape;
  out[axis] = k;
  ctx.output(0) = TensorType(in.elem_type, out);
  if (ctx.has_output(1)) ctx.output(1) = TensorType(DataType::kInt64, out);
  return absl::OkStatus();
}

}  // namespace

void RegisterMathSchemas(OpSchemaRegistry& r) {
  r.Register(MakeSchema("MatMul", 1, 2, 2, 1, 1, InferMatMul));
  r.Register(MakeSchema("MatMulInteger", 10, 2, 4, 1, 1, [](InferenceContext& ctx) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(std::optional<SymbolicShape> shape, MatMulShape(ctx));
    ctx.output(0) = TensorType(DataType::kInt32, std::move(shape));
    return absl::OkStatus();
  }));
  r.Register(MakeSchema("Gemm", 1, 2, 3, 1, 1, InferGemm));
  for (const char* op : {"Softmax", "LogSoftmax", "Hardmax"}) r.Register(MakeSchema(op, 1, 1, 1, 1, 1, AxisPreserving));
  r.Register(MakeSchema("CumSum", 11, 2, 2, 1, 1, [](InferenceContext& ctx) {
    CopyInputType(ctx, 0, 0);
    return absl::OkStatus();
  }));
  for (const char* op : {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
                         "ReduceLogSumExp", "ReduceSumSquare"}) {
    r.Register(MakeSchema(op, 1, 1, 1, 1, 1, [](InferenceContext& ctx) { return Reduce(ctx, 18); }));
    r.Register(MakeSchema(op, 18, 1, 2, 1, 1, [](InferenceContext& ctx) { return Reduce(ctx, 18); }));
  }
  r.Register(MakeSchema("ReduceSum", 1, 1, 1, 1, 1, [](InferenceContext& ctx) { return Reduce(ctx, 13); }));
  r.Register(MakeSchema("ReduceSum", 13, 1, 2, 1, 1, [](InferenceContext& ctx) { return Reduce(ctx, 13); }));
  for (const char* op : {"ArgMax", "ArgMin"}) r.Register(MakeSchema(op, 1, 1, 1, 1, 1, ArgReduce));
  r.Register(MakeSchema("TopK", 1, 1, 1, 2, 2, TopK));
  r.Register(MakeSchema("TopK", 10, 2, 2, 2, 2, TopK));
}

}  // namespace braid::graph::inference
