// Internal to graph/onnx: conversions on the protobuf classes themselves.
#ifndef BRAID_GRAPH_ONNX_PROTO_CONVERT_H_
#define BRAID_GRAPH_ONNX_PROTO_CONVERT_H_

#include <filesystem>
#include <optional>

#include "absl/status/statusor.h"
#include "braid/tensor.h"
#include "graph/value_type.h"
#include "onnx/onnx_pb.h"

namespace braid::graph::onnx_import {

absl::StatusOr<Tensor> TensorFromProto(const onnx::TensorProto& proto,
                                       const std::optional<std::filesystem::path>& external_data_dir);
absl::Status TensorToProto(const Tensor& tensor, onnx::TensorProto* proto);
// TypeProto -> ValueType; unsupported kinds (maps, sparse) become kUnknown.
ValueType ValueTypeFromProto(const onnx::TypeProto& proto);

}  // namespace braid::graph::onnx_import

#endif  // BRAID_GRAPH_ONNX_PROTO_CONVERT_H_
