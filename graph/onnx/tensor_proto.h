// Conversions between ONNX's serialized tensors (TensorProto, and the
// SequenceProto/OptionalProto of the ONNX test data) and Braid values.
// Only this folder sees the protobuf classes; callers pass bytes.
#ifndef BRAID_GRAPH_ONNX_TENSOR_PROTO_H_
#define BRAID_GRAPH_ONNX_TENSOR_PROTO_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "braid/tensor.h"
#include "braid/value.h"
#include "graph/value_type.h"

namespace braid::graph::onnx_import {

// Parses a serialized onnx.TensorProto. Tensors stored as external data are
// resolved under `external_data_dir` when given (see external_data.h) and
// refused otherwise.
absl::StatusOr<Tensor> ParseTensorProto(std::string_view bytes,
                                        const std::optional<std::filesystem::path>& external_data_dir = std::nullopt);

// Parses a test-data file holding a value of type `expected`: TensorProto
// for tensors, SequenceProto for sequences, OptionalProto for optionals.
// With an unknown expected type, TensorProto is tried first.
absl::StatusOr<::braid::Value> ParseValueProto(std::string_view bytes, const ValueType& expected);

// Serializes a host value: tensors as TensorProto (raw_data for numeric
// types, string_data for strings), sequences as SequenceProto, an absent
// value as an empty OptionalProto. `name` becomes the proto's name field.
absl::StatusOr<std::string> SerializeValueProto(const ::braid::Value& value, const std::string& name);

}  // namespace braid::graph::onnx_import

#endif  // BRAID_GRAPH_ONNX_TENSOR_PROTO_H_
