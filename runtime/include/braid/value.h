// Value: what flows along a graph edge at run time — a tensor, a sequence of
// tensors, or an absent optional. Cheap to copy (tensors share storage).
#ifndef BRAID_VALUE_H_
#define BRAID_VALUE_H_

#include <string>
#include <utility>
#include <vector>

#include "braid/tensor.h"

namespace braid {

class Value {
 public:
  enum class Kind { kNone, kTensor, kSequence };

  // An absent value (an empty ONNX optional, or an omitted optional input).
  Value() = default;
  // Implicit on purpose: a Tensor is the common case of a Value.
  Value(Tensor tensor) : kind_(Kind::kTensor), tensor_(std::move(tensor)) {}
  // A sequence; `element_type` names the element dtype even when empty.
  static Value Sequence(std::vector<Tensor> items, DataType element_type) {
    Value v;
    v.kind_ = Kind::kSequence;
    v.sequence_ = std::move(items);
    v.sequence_type_ = element_type;
    return v;
  }

  Kind kind() const { return kind_; }
  bool is_none() const { return kind_ == Kind::kNone; }
  bool is_tensor() const { return kind_ == Kind::kTensor; }
  bool is_sequence() const { return kind_ == Kind::kSequence; }

  // Preconditions: is_tensor() / is_sequence() respectively.
  const Tensor& tensor() const { return tensor_; }
  Tensor& tensor() { return tensor_; }
  const std::vector<Tensor>& sequence() const { return sequence_; }
  std::vector<Tensor>& sequence() { return sequence_; }
  DataType sequence_element_type() const { return sequence_type_; }

  // "float32[2,3]", "seq<float32>(4)", "none".
  std::string DebugString() const;

 private:
  Kind kind_ = Kind::kNone;
  Tensor tensor_;
  std::vector<Tensor> sequence_;
  DataType sequence_type_ = DataType::kUndefined;
};

}  // namespace braid

#endif  // BRAID_VALUE_H_
