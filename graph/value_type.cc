#include "graph/value_type.h"

#include "absl/strings/str_cat.h"

namespace braid::graph {

SymbolicShape ToSymbolic(const Shape& shape) {
  SymbolicShape out;
  out.reserve(shape.size());
  for (int64_t d : shape) out.push_back(Dim::Known(d));
  return out;
}

std::optional<Shape> ToConcrete(const SymbolicShape& shape) {
  Shape out;
  out.reserve(shape.size());
  for (const Dim& d : shape) {
    if (!d.is_known()) return std::nullopt;
    out.push_back(d.value);
  }
  return out;
}

std::string SymbolicShapeToString(const SymbolicShape& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ",";
    const Dim& d = shape[i];
    out += d.is_known() ? absl::StrCat(d.value) : (d.symbol.empty() ? "?" : d.symbol);
  }
  return out + "]";
}

ValueType ValueType::SequenceOf(ValueType element) {
  ValueType t;
  t.kind = Kind::kSequence;
  t.inner = std::make_shared<const ValueType>(std::move(element));
  return t;
}

ValueType ValueType::OptionalOf(ValueType element) {
  ValueType t;
  t.kind = Kind::kOptional;
  t.inner = std::make_shared<const ValueType>(std::move(element));
  return t;
}

DataType ValueType::ScalarType() const {
  if (kind == Kind::kTensor) return elem_type;
  if (inner) return inner->ScalarType();
  return DataType::kUndefined;
}

std::string ValueType::ToString() const {
  switch (kind) {
    case Kind::kUnknown:
      return "?";
    case Kind::kTensor:
      return absl::StrCat(DataTypeName(elem_type), shape ? SymbolicShapeToString(*shape) : "[...]");
    case Kind::kSequence:
      return absl::StrCat("seq(", inner ? inner->ToString() : "?", ")");
    case Kind::kOptional:
      return absl::StrCat("optional(", inner ? inner->ToString() : "?", ")");
  }
  return "?";
}

bool operator==(const ValueType& a, const ValueType& b) {
  if (a.kind != b.kind || a.elem_type != b.elem_type || a.shape != b.shape) return false;
  if (!a.inner || !b.inner) return a.inner == b.inner;
  return *a.inner == *b.inner;
}

}  // namespace braid::graph
