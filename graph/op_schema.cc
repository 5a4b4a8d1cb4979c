#include "graph/op_schema.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "graph/inference/register.h"

namespace braid::graph {
namespace {

// Integer tensors longer than this are never treated as shape data.
constexpr int64_t kMaxValueElements = 1024;

const ValueType& UnknownType() {
  static const ValueType* t = new ValueType();
  return *t;
}

}  // namespace

InferenceContext::InferenceContext(const Node& node, const SymbolicValues* values)
    : node_(node), known_(values), outputs_(node.outputs().size()), values_(node.outputs().size()) {}

const ValueType& InferenceContext::input_type(int i) const {
  const Value* v = node_.input(i);
  return v == nullptr ? UnknownType() : v->type();
}

const SymbolicShape* InferenceContext::input_shape(int i) const {
  const ValueType& t = input_type(i);
  return t.has_rank() ? &*t.shape : nullptr;
}

const Tensor* InferenceContext::constant_input(int i) const {
  const Value* v = node_.input(i);
  if (v == nullptr || !v->is_constant() || v->initializer() == nullptr) return nullptr;
  return v->initializer().get();
}

std::optional<SymbolicShape> InferenceContext::input_value(int i) const {
  const Value* v = node_.input(i);
  if (v == nullptr) return std::nullopt;
  if (const Tensor* t = constant_input(i); t != nullptr) {
    if (t->rank() > 1 || t->num_elements() > kMaxValueElements) return std::nullopt;
    SymbolicShape out;
    if (t->dtype() == DataType::kInt64) {
      for (int64_t x : t->values<int64_t>()) out.push_back(x >= 0 ? Dim::Known(x) : Dim::Unknown());
    } else if (t->dtype() == DataType::kInt32) {
      for (int32_t x : t->values<int32_t>()) out.push_back(x >= 0 ? Dim::Known(x) : Dim::Unknown());
    } else {
      return std::nullopt;
    }
    return out;
  }
  if (known_ != nullptr) {
    auto it = known_->find(v);
    if (it != known_->end()) return it->second;
  }
  return std::nullopt;
}

std::optional<std::vector<int64_t>> InferenceContext::input_ints(int i) const {
  const Tensor* t = constant_input(i);
  if (t != nullptr && t->rank() <= 1 && t->num_elements() <= kMaxValueElements) {
    // Negative constants (-1 in Reshape, INT64_MIN in Slice) are data, not dims.
    std::vector<int64_t> out;
    if (t->dtype() == DataType::kInt64) {
      out.assign(t->values<int64_t>().begin(), t->values<int64_t>().end());
      return out;
    }
    if (t->dtype() == DataType::kInt32) {
      for (int32_t x : t->values<int32_t>()) out.push_back(x);
      return out;
    }
    return std::nullopt;
  }
  std::optional<SymbolicShape> v = input_value(i);
  if (!v) return std::nullopt;
  std::vector<int64_t> out;
  for (const Dim& d : *v) {
    if (!d.is_known()) return std::nullopt;
    out.push_back(d.value);
  }
  return out;
}

std::optional<std::vector<double>> InferenceContext::input_doubles(int i) const {
  const Tensor* t = constant_input(i);
  if (t == nullptr || t->num_elements() > kMaxValueElements) return std::nullopt;
  std::vector<double> out;
  switch (t->dtype()) {
    case DataType::kFloat32:
      for (float x : t->values<float>()) out.push_back(x);
      break;
    case DataType::kFloat64:
      for (double x : t->values<double>()) out.push_back(x);
      break;
    case DataType::kFloat16:
      for (Float16 x : t->values<Float16>()) out.push_back(static_cast<float>(x));
      break;
    case DataType::kInt64:
      for (int64_t x : t->values<int64_t>()) out.push_back(static_cast<double>(x));
      break;
    case DataType::kInt32:
      for (int32_t x : t->values<int32_t>()) out.push_back(x);
      break;
    default:
      return std::nullopt;
  }
  return out;
}

std::string InferenceContext::DescribeInput(int i) const {
  const Value* v = node_.input(i);
  if (v == nullptr) return absl::StrCat("input ", i, " (absent)");
  return absl::StrCat("'", v->name(), "' (", v->type().ToString(), ")");
}

absl::Status InferenceContext::Error(const std::string& message) const {
  return absl::InvalidArgumentError(absl::StrCat("node '", node_.name(), "' (", node_.QualifiedOpType(), "): ", message));
}

// ---------------------------------------------------------------- registry

void OpSchemaRegistry::Register(OpSchema schema) {
  auto& list = schemas_[{schema.domain, schema.op_type}];
  list.push_back(std::move(schema));
  std::sort(list.begin(), list.end(),
            [](const OpSchema& a, const OpSchema& b) { return a.since_version < b.since_version; });
}

const OpSchema* OpSchemaRegistry::Find(const std::string& domain, const std::string& op_type, int opset) const {
  auto it = schemas_.find({domain, op_type});
  if (it == schemas_.end()) return nullptr;
  const OpSchema* best = nullptr;
  for (const OpSchema& s : it->second) {
    if (s.since_version <= opset) best = &s;
  }
  return best;
}

const OpSchemaRegistry& DefaultOpSchemas() {
  static const OpSchemaRegistry* registry = [] {
    auto* r = new OpSchemaRegistry();
    inference::RegisterElementwiseSchemas(*r);
    inference::RegisterMathSchemas(*r);
    inference::RegisterNnSchemas(*r);
    inference::RegisterShapeSchemas(*r);
    inference::RegisterDataSchemas(*r);
    inference::RegisterFusedSchemas(*r);
    return r;
  }();
  return *registry;
}

absl::StatusOr<NodeInference> InferNode(const Node& node, const OpSchemaRegistry& registry,
                                        const SymbolicValues* values) {
  NodeInference result;
  const OpSchema* schema = registry.Find(node);
  if (schema == nullptr) {
    result.outputs.resize(node.outputs().size());
    result.values.resize(node.outputs().size());
    return result;
  }
  result.has_schema = true;
  InferenceContext ctx(node, values);
  int n_in = ctx.num_inputs();
  // Trailing omitted inputs do not count.
  while (n_in > 0 && node.input(n_in - 1) == nullptr) --n_in;
  if (n_in < schema->min_inputs || n_in > schema->max_inputs) {
    return ctx.Error(absl::StrCat("has ", n_in, " inputs; opset ", node.opset(), " allows ",
                                  schema->min_inputs == schema->max_inputs
                                      ? absl::StrCat(schema->min_inputs)
                                      : absl::StrCat(schema->min_inputs, " to ",
                                                     schema->max_inputs == INT_MAX ? std::string("any")
                                                                                   : absl::StrCat(schema->max_inputs))));
  }
  for (int i = 0; i < schema->min_inputs; ++i) {
    if (!ctx.has_input(i)) return ctx.Error(absl::StrCat("required input ", i, " is missing"));
  }
  if (ctx.num_outputs() < schema->min_outputs || ctx.num_outputs() > schema->max_outputs) {
    return ctx.Error(absl::StrCat("has ", ctx.num_outputs(), " outputs; opset ", node.opset(), " allows ",
                                  schema->min_outputs, " to ", schema->max_outputs));
  }
  if (schema->infer) {
    absl::Status st = schema->infer(ctx);
    if (!st.ok()) return st;
  }
  result.outputs = std::move(ctx.outputs());
  result.values = std::move(ctx.output_values());
  return result;
}

// ---------------------------------------------------------------- merging

namespace {

Dim RefineDim(const Dim& current, const Dim& inferred) {
  if (current.is_known()) return current;
  if (inferred.is_known()) return inferred;
  if (!current.symbol.empty()) return current;
  return inferred;
}

}  // namespace

ValueType RefineType(const ValueType& current, const ValueType& inferred) {
  if (inferred.kind == ValueType::Kind::kUnknown) return current;
  if (current.kind == ValueType::Kind::kUnknown) return inferred;
  if (current.kind != inferred.kind) return current;
  if (current.kind != ValueType::Kind::kTensor) {
    if (!current.inner) return inferred;
    if (!inferred.inner) return current;
    ValueType out = current;
    out.inner = std::make_shared<const ValueType>(RefineType(*current.inner, *inferred.inner));
    return out;
  }
  ValueType out = current;
  if (out.elem_type == DataType::kUndefined) out.elem_type = inferred.elem_type;
  if (inferred.elem_type != DataType::kUndefined && out.elem_type != inferred.elem_type) return current;
  if (!out.shape) {
    out.shape = inferred.shape;
  } else if (inferred.shape && inferred.shape->size() == out.shape->size()) {
    for (size_t i = 0; i < out.shape->size(); ++i) {
      const Dim& c = (*current.shape)[i];
      const Dim& n = (*inferred.shape)[i];
      if (c.is_known() && n.is_known() && c.value != n.value) return current;
      (*out.shape)[i] = RefineDim(c, n);
    }
  }
  return out;
}

std::string TypeConflict(const ValueType& a, const ValueType& b) {
  if (a.kind == ValueType::Kind::kUnknown || b.kind == ValueType::Kind::kUnknown) return "";
  if (a.kind != b.kind) return absl::StrCat("kinds differ: ", a.ToString(), " vs ", b.ToString());
  if (a.kind != ValueType::Kind::kTensor) {
    if (!a.inner || !b.inner) return "";
    return TypeConflict(*a.inner, *b.inner);
  }
  if (a.elem_type != DataType::kUndefined && b.elem_type != DataType::kUndefined && a.elem_type != b.elem_type) {
    return absl::StrCat("element types differ: ", DataTypeName(a.elem_type), " vs ", DataTypeName(b.elem_type));
  }
  if (a.shape && b.shape) {
    if (a.shape->size() != b.shape->size()) {
      return absl::StrCat("ranks differ: ", SymbolicShapeToString(*a.shape), " vs ", SymbolicShapeToString(*b.shape));
    }
    for (size_t i = 0; i < a.shape->size(); ++i) {
      const Dim& x = (*a.shape)[i];
      const Dim& y = (*b.shape)[i];
      if (x.is_known() && y.is_known() && x.value != y.value) {
        return absl::StrCat("dim ", i, " differs: ", SymbolicShapeToString(*a.shape), " vs ",
                            SymbolicShapeToString(*b.shape));
      }
    }
  }
  return "";
}

}  // namespace braid::graph
