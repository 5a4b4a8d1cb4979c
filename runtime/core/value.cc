#include "braid/value.h"

#include "absl/strings/str_cat.h"

namespace braid {

std::string Value::DebugString() const {
  switch (kind_) {
    case Kind::kNone:
      return "none";
    case Kind::kTensor:
      return absl::StrCat(DataTypeName(tensor_.dtype()), ShapeToString(tensor_.shape()));
    case Kind::kSequence:
      return absl::StrCat("seq<", DataTypeName(sequence_type_), ">(", sequence_.size(), ")");
  }
  return "?";
}

}  // namespace braid
