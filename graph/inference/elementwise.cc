// Element-wise ops: output shape is the (multidirectional) broadcast of the
// inputs; operands of one type constraint must share an element type.
#include <algorithm>
#include <cctype>

#include "absl/strings/str_cat.h"
#include "braid/status_macros.h"
#include "graph/inference/inference_util.h"
#include "graph/inference/register.h"

namespace braid::graph::inference {
namespace {

// Output 0 = input 0's tensor type with its shape; element type `dtype`
// (kUndefined = input 0's).
absl::Status SameShape(InferenceContext& ctx, DataType dtype = DataType::kUndefined) {
  const ValueType& in = ctx.input_type(0);
  if (!in.is_tensor()) {
    if (dtype != DataType::kUndefined) ctx.output(0) = ValueType::Tensor(dtype);
    return absl::OkStatus();
  }
  ctx.output(0) = TensorType(dtype == DataType::kUndefined ? in.elem_type : dtype, in.shape);
  return absl::OkStatus();
}

absl::Status Unary(InferenceContext& ctx) { return SameShape(ctx); }

// Broadcast of `inputs` with `dtype` (kUndefined = their shared type);
// `check_types` requires one element type across the inputs.
absl::Status Broadcasting(InferenceContext& ctx, std::initializer_list<int> inputs, bool check_types,
                          DataType dtype) {
  DataType shared = DataType::kUndefined;
  if (check_types) {
    absl::StatusOr<DataType> t = SameElemType(ctx, inputs);
    if (!t.ok()) return t.status();
    shared = *t;
  } else {
    shared = ctx.input_dtype(*inputs.begin());
  }
  absl::StatusOr<std::optional<SymbolicShape>> shape = BroadcastInputs(ctx, inputs);
  if (!shape.ok()) return shape.status();
  DataType out = dtype == DataType::kUndefined ? shared : dtype;
  if (out == DataType::kUndefined && !*shape) return absl::OkStatus();
  ctx.output(0) = TensorType(out, *std::move(shape));
  return absl::OkStatus();
}

// Integer elements of a propagated shape value combined element-wise.
void PropagateArithmetic(InferenceContext& ctx) {
  const std::string& op = ctx.node().op_type();
  std::optional<SymbolicShape> a = ctx.input_value(0);
  std::optional<SymbolicShape> b = ctx.input_value(1);
  if (!a || !b) return;
  if (a->size() != b->size() && a->size() != 1 && b->size() != 1) return;
  size_t n = std::max(a->size(), b->size());
  SymbolicShape out;
  for (size_t i = 0; i < n; ++i) {
    const Dim& x = (*a)[a->size() == 1 ? 0 : i];
    const Dim& y = (*b)[b->size() == 1 ? 0 : i];
    if (x.is_known() && y.is_known()) {
      int64_t v = 0;
      if (op == "Add") v = x.value + y.value;
      else if (op == "Sub") v = x.value - y.value;
      else if (op == "Mul") v = x.value * y.value;
      else if (op == "Div" && y.value > 0 && x.value >= 0) v = x.value / y.value;
      else return;
      out.push_back(Dim{v, {}});
    } else if (op == "Mul" && y.is_known() && y.value == 1) {
      out.push_back(x);
    } else if (op == "Mul" && x.is_known() && x.value == 1) {
      out.push_back(y);
    } else if ((op == "Add" || op == "Sub") && y.is_known() && y.value == 0) {
      out.push_back(x);
    } else if (op == "Div" && y.is_known() && y.value == 1) {
      out.push_back(x);
    } else {
      out.push_back(Dim::Unknown());
    }
  }
  ctx.set_output_value(0, std::move(out));
}

// Ops with a `broadcast` attribute before opset 7: the result has A's shape.
absl::Status LegacyOrBroadcast(InferenceContext& ctx, bool check_types, DataType dtype) {
  if (ctx.opset() < 7) {
    const ValueType& a = ctx.input_type(0);
    DataType out = dtype == DataType::kUndefined ? a.elem_type : dtype;
    if (a.is_tensor() || out != DataType::kUndefined) ctx.output(0) = TensorType(out, a.shape);
    return absl::OkStatus();
  }
  BRAID_RETURN_IF_ERROR(Broadcasting(ctx, {0, 1}, check_types, dtype));
  if (ctx.input_dtype(0) == DataType::kInt64 || ctx.input_dtype(0) == DataType::kInt32) PropagateArithmetic(ctx);
  return absl::OkStatus();
}

absl::Status Arithmetic(InferenceContext& ctx) { return LegacyOrBroadcast(ctx, true, DataType::kUndefined); }
absl::Status PowLike(InferenceContext& ctx) { return LegacyOrBroadcast(ctx, false, ctx.input_dtype(0)); }
absl::Status Comparison(InferenceContext& ctx) { return LegacyOrBroadcast(ctx, true, DataType::kBool); }

absl::Status Variadic(InferenceContext& ctx) {
  DataType shared = DataType::kUndefined;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    absl::StatusOr<DataType> t = SameElemType(ctx, {0, i});
    if (!t.ok()) return t.status();
    shared = *t;
  }
  std::optional<SymbolicShape> acc;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const SymbolicShape* s = ctx.input_shape(i);
    if (s == nullptr) {
      acc.reset();
      break;
    }
    if (!acc) {
      acc = *s;
      continue;
    }
    absl::StatusOr<SymbolicShape> b = BroadcastShapes(ctx, *acc, *s, absl::StrCat("input ", ctx.DescribeInput(i)));
    if (!b.ok()) return b.status();
    acc = *std::move(b);
  }
  if (shared != DataType::kUndefined || acc) ctx.output(0) = TensorType(shared, std::move(acc));
  return absl::OkStatus();
}

absl::Status WhereInfer(InferenceContext& ctx) {
  if (ctx.input_dtype(0) != DataType::kUndefined && ctx.input_dtype(0) != DataType::kBool) {
    return ctx.Error(absl::StrCat("condition ", ctx.DescribeInput(0), " must be bool"));
  }
  absl::StatusOr<DataType> t = SameElemType(ctx, {1, 2});
  if (!t.ok()) return t.status();
  absl::StatusOr<std::optional<SymbolicShape>> shape = BroadcastInputs(ctx, {0, 1, 2});
  if (!shape.ok()) return shape.status();
  ctx.output(0) = TensorType(*t, *std::move(shape));
  return absl::OkStatus();
}

absl::Status Clip(InferenceContext& ctx) {
  if (ctx.opset() >= 11) {
    absl::StatusOr<DataType> t = SameElemType(ctx, {0, 1, 2});
    if (!t.ok()) return t.status();
  }
  return SameShape(ctx);
}

std::optional<DataType> CastTarget(const Node& node) {
  const Attribute* to = node.FindAttribute("to");
  if (to == nullptr) return std::nullopt;
  if (to->kind() == Attribute::Kind::kInt) {
    if (!IsKnownDataType(static_cast<int32_t>(to->i()))) return std::nullopt;
    return static_cast<DataType>(to->i());
  }
  if (to->kind() == Attribute::Kind::kString) {  // opset 1 spells the type ("FLOAT")
    std::string name = to->s();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    return DataTypeFromName(name);
  }
  return std::nullopt;
}

absl::Status Cast(InferenceContext& ctx) {
  std::optional<DataType> to = CastTarget(ctx.node());
  if (!to || *to == DataType::kUndefined) return ctx.Error("attribute 'to' is missing or not a known element type");
  BRAID_RETURN_IF_ERROR(SameShape(ctx, *to));
  if (std::optional<SymbolicShape> v = ctx.input_value(0); v && (*to == DataType::kInt64 || *to == DataType::kInt32)) {
    ctx.set_output_value(0, *std::move(v));
  }
  return absl::OkStatus();
}

absl::Status CastLike(InferenceContext& ctx) { return SameShape(ctx, ctx.input_dtype(1)); }

absl::Status IdentityInfer(InferenceContext& ctx) {
  CopyInputType(ctx, 0, 0);
  if (std::optional<SymbolicShape> v = ctx.input_value(0)) ctx.set_output_value(0, *std::move(v));
  return absl::OkStatus();
}

absl::Status Dropout(InferenceContext& ctx) {
  CopyInputType(ctx, 0, 0);
  if (ctx.has_output(1)) {
    const ValueType& in = ctx.input_type(0);
    DataType mask = ctx.opset() >= 10 ? DataType::kBool : in.elem_type;
    ctx.output(1) = TensorType(mask, in.shape);
  }
  return absl::OkStatus();
}

absl::Status Dequantize(InferenceContext& ctx) {
  DataType out = DataType::kFloat32;
  if (ctx.opset() >= 19 && ctx.input_dtype(1) != DataType::kUndefined) out = ctx.input_dtype(1);
  return SameShape(ctx, out);
}

absl::Status Quantize(InferenceContext& ctx) {
  DataType out = ctx.has_input(2) ? ctx.input_dtype(2) : DataType::kUInt8;
  if (out == DataType::kUndefined) {
    ctx.output(0) = TensorType(DataType::kUndefined, ctx.input_type(0).shape);
    return absl::OkStatus();
  }
  return SameShape(ctx, out);
}

// RandomUniformLike/RandomNormalLike/Bernoulli: input's shape; `dtype`
// attribute, else the input's type. RandomUniform/RandomNormal: `shape`.
absl::Status RandomLike(InferenceContext& ctx) {
  DataType t = ctx.input_dtype(0);
  if (const Attribute* a = ctx.node().FindAttribute("dtype"); a != nullptr && a->kind() == Attribute::Kind::kInt &&
                                                              IsKnownDataType(static_cast<int32_t>(a->i()))) {
    t = static_cast<DataType>(a->i());
  }
  return SameShape(ctx, t);
}

absl::Status Random(InferenceContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(int64_t dtype, ctx.node().GetInt("dtype", static_cast<int64_t>(DataType::kFloat32)));
  BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> shape, ctx.node().GetInts("shape"));
  if (!IsKnownDataType(static_cast<int32_t>(dtype))) return ctx.Error("attribute 'dtype' is not a known type");
  ctx.output(0) = ValueType::Tensor(static_cast<DataType>(dtype), ToSymbolic(shape));
  return absl::OkStatus();
}

}  // namespace

void RegisterElementwiseSchemas(OpSchemaRegistry& r) {
  for (const char* op :
       {"Abs",         "Acos",      "Acosh",     "Asin",      "Asinh",       "Atan",       "Atanh",    "Ceil",
        "Cos",         "Cosh",      "Erf",       "Exp",       "Floor",       "Log",        "Neg",      "Reciprocal",
        "Round",       "Sigmoid",   "Sign",      "Sin",       "Sinh",        "Softplus",   "Softsign", "Sqrt",
        "Tan",         "Tanh",      "Relu",      "LeakyRelu", "Elu",         "Selu",       "Celu",     "ThresholdedRelu",
        "HardSigmoid", "HardSwish", "Mish",      "Gelu",      "Shrink",      "Not",        "BitwiseNot",
        "LpNormalization", "MeanVarianceNormalization", "Trilu", "ReverseSequence"}) {
    int max_in = std::string(op) == "Trilu" || std::string(op) == "ReverseSequence" ? 2 : 1;
    r.Register(MakeSchema(op, 1, 1, max_in, 1, 1, Unary));
  }
  for (const char* op : {"IsNaN", "IsInf"}) {
    r.Register(MakeSchema(op, 1, 1, 1, 1, 1, [](InferenceContext& ctx) { return SameShape(ctx, DataType::kBool); }));
  }
  r.Register(MakeSchema("Clip", 1, 1, 1, 1, 1, Clip));
  r.Register(MakeSchema("Clip", 11, 1, 3, 1, 1, Clip));
  for (const char* op : {"Add", "Sub", "Mul", "Div", "Mod", "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor",
                         "And", "Or", "Xor", "PRelu"}) {
    r.Register(MakeSchema(op, 1, 2, 2, 1, 1, Arithmetic));
  }
  r.Register(MakeSchema("Pow", 1, 2, 2, 1, 1, PowLike));
  for (const char* op : {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"}) {
    r.Register(MakeSchema(op, 1, 2, 2, 1, 1, Comparison));
  }
  for (const char* op : {"Sum", "Mean", "Max", "Min"}) r.Register(MakeSchema(op, 1, 1, INT_MAX, 1, 1, Variadic));
  r.Register(MakeSchema("Where", 9, 3, 3, 1, 1, WhereInfer));
  r.Register(MakeSchema("Cast", 1, 1, 1, 1, 1, Cast));
  r.Register(MakeSchema("CastLike", 15, 2, 2, 1, 1, CastLike));
  r.Register(MakeSchema("Identity", 1, 1, 1, 1, 1, IdentityInfer));
  r.Register(MakeSchema("Dropout", 1, 1, 3, 1, 2, Dropout));
  for (const char* op : {"RandomUniformLike", "RandomNormalLike", "Bernoulli"}) {
    r.Register(MakeSchema(op, 1, 1, 1, 1, 1, RandomLike));
  }
  for (const char* op : {"RandomUniform", "RandomNormal"}) r.Register(MakeSchema(op, 1, 0, 0, 1, 1, Random));
  r.Register(MakeSchema("DequantizeLinear", 10, 2, 3, 1, 1, Dequantize));
  r.Register(MakeSchema("QuantizeLinear", 10, 2, 3, 1, 1, Quantize));
}

}  // namespace braid::graph::inference
