// Static types of IR values: tensors with (possibly symbolic) shapes,
// sequences of tensors, optionals.
#ifndef BRAID_GRAPH_VALUE_TYPE_H_
#define BRAID_GRAPH_VALUE_TYPE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "braid/data_type.h"
#include "braid/tensor.h"

namespace braid::graph {

// One dimension: a known size, a named symbol ("batch"), or unknown.
struct Dim {
  int64_t value = -1;   // >= 0 when known
  std::string symbol;   // non-empty for a named symbolic dim

  static Dim Known(int64_t v) { return Dim{v, {}}; }
  static Dim Symbol(std::string s) { return Dim{-1, std::move(s)}; }
  static Dim Unknown() { return Dim{}; }
  bool is_known() const { return value >= 0; }
  bool operator==(const Dim& o) const { return value == o.value && symbol == o.symbol; }
};

// A shape of known rank whose dims may be symbolic.
using SymbolicShape = std::vector<Dim>;

SymbolicShape ToSymbolic(const Shape& shape);
// The concrete shape when every dim is known.
std::optional<Shape> ToConcrete(const SymbolicShape& shape);
// "[batch,3,?]".
std::string SymbolicShapeToString(const SymbolicShape& shape);

// Type of an IR value. For kTensor: elem_type and an optional shape (absent =
// rank unknown). For kSequence/kOptional: `inner` is the element type.
struct ValueType {
  enum class Kind { kUnknown, kTensor, kSequence, kOptional };

  Kind kind = Kind::kUnknown;
  DataType elem_type = DataType::kUndefined;
  std::optional<SymbolicShape> shape;
  std::shared_ptr<const ValueType> inner;

  static ValueType Tensor(DataType t) { return ValueType{Kind::kTensor, t, std::nullopt, nullptr}; }
  static ValueType Tensor(DataType t, SymbolicShape s) { return ValueType{Kind::kTensor, t, std::move(s), nullptr}; }
  static ValueType SequenceOf(ValueType element);
  static ValueType OptionalOf(ValueType element);

  bool is_tensor() const { return kind == Kind::kTensor; }
  bool has_rank() const { return is_tensor() && shape.has_value(); }
  int64_t rank() const { return shape ? static_cast<int64_t>(shape->size()) : -1; }
  // The element dtype of a tensor, or of a sequence/optional's tensor.
  DataType ScalarType() const;

  // "float32[batch,3]", "seq(float32[?])", "optional(int64)", "?".
  std::string ToString() const;
};

bool operator==(const ValueType& a, const ValueType& b);

}  // namespace braid::graph

#endif  // BRAID_GRAPH_VALUE_TYPE_H_
