#include "runtime/input_validation.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace braid::runtime {
namespace {

absl::Status CheckTensor(const graph::Value& decl, const Tensor& t) {
  const graph::ValueType& type = decl.type();
  const std::string& name = decl.name();
  if (!t.location().is_host()) {
    return absl::InvalidArgumentError(absl::StrCat("input '", name, "': pass host tensors; this one is on ",
                                                   t.location().device_name));
  }
  DataType want = type.ScalarType();
  if (want != DataType::kUndefined && t.dtype() != want) {
    return absl::InvalidArgumentError(absl::StrCat("input '", name, "': expected element type ", DataTypeName(want),
                                                   ", got ", DataTypeName(t.dtype())));
  }
  if (type.is_tensor() && type.has_rank()) {
    const graph::SymbolicShape& shape = *type.shape;
    if (static_cast<size_t>(t.rank()) != shape.size()) {
      return absl::InvalidArgumentError(absl::StrCat("input '", name, "': expected rank ", shape.size(), " (",
                                                     type.ToString(), "), got shape ", ShapeToString(t.shape())));
    }
    for (size_t i = 0; i < shape.size(); ++i) {
      if (shape[i].is_known() && shape[i].value != t.shape()[i]) {
        return absl::InvalidArgumentError(absl::StrCat("input '", name, "': dimension ", i, " must be ",
                                                       shape[i].value, " (", type.ToString(), "), got shape ",
                                                       ShapeToString(t.shape())));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckValue(const graph::Value& decl, const Value& v) {
  using Kind = graph::ValueType::Kind;
  Kind kind = decl.type().kind;
  const std::string& name = decl.name();
  if (kind == Kind::kTensor && !v.is_tensor()) {
    return absl::InvalidArgumentError(absl::StrCat("input '", name, "' must be a tensor, got ", v.DebugString()));
  }
  if (kind == Kind::kSequence && !v.is_sequence()) {
    return absl::InvalidArgumentError(absl::StrCat("input '", name, "' must be a sequence, got ", v.DebugString()));
  }
  if (v.is_tensor() && kind != Kind::kOptional) return CheckTensor(decl, v.tensor());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<Value>> BindInputs(const graph::Graph& graph, const NamedValues& inputs) {
  absl::flat_hash_map<std::string, const Value*> given;
  for (const auto& [name, value] : inputs) {
    const graph::Value* decl = graph.FindValue(name);
    if (decl == nullptr || decl->origin() != graph::Value::Origin::kGraphInput) {
      std::string known;
      for (const graph::Value* in : graph.inputs()) absl::StrAppend(&known, known.empty() ? "" : ", ", in->name());
      return absl::InvalidArgumentError(absl::StrCat("unknown input '", name, "'; the model's inputs are: ", known));
    }
    if (!given.emplace(name, &value).second) {
      return absl::InvalidArgumentError(absl::StrCat("input '", name, "' given more than once"));
    }
  }
  std::vector<Value> bound;
  bound.reserve(graph.inputs().size());
  for (const graph::Value* decl : graph.inputs()) {
    auto it = given.find(decl->name());
    if (it != given.end()) {
      absl::Status st = CheckValue(*decl, *it->second);
      if (!st.ok()) return st;
      bound.push_back(*it->second);
    } else if (decl->initializer() != nullptr) {
      bound.push_back(Value(*decl->initializer()));
    } else if (decl->type().kind == graph::ValueType::Kind::kOptional) {
      bound.push_back(Value());  // an omitted optional input is an empty optional
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("missing input '", decl->name(), "' (", decl->type().ToString(), ")"));
    }
  }
  return bound;
}

}  // namespace braid::runtime
