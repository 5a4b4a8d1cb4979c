// ONNX model import: ModelProto bytes -> Braid graph IR.
//
// Handles opsets 1-17 of the default domain (node semantics follow the
// model's opset; kernels pick their version), initializers (inline, typed
// fields or external data), Constant nodes (turned into initializers),
// nested graphs of If/Loop/Scan with outer-scope references (captures),
// model-local functions and ONNX function ops (expanded when no kernel
// exists), and unused custom domains. Types come from the model and from
// ONNX's own type/shape inference.
#ifndef BRAID_GRAPH_ONNX_IMPORTER_H_
#define BRAID_GRAPH_ONNX_IMPORTER_H_

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "graph/graph.h"

namespace braid::graph::onnx_import {

struct ImportOptions {
  // Whether some backend runs (domain, op_type, opset) natively. Ops for
  // which it answers false, and that ONNX defines as a function, are
  // replaced by the function's body. Null: expand no ONNX function op.
  std::function<bool(const std::string& domain, const std::string& op_type, int opset)> has_kernel;
  // Run ONNX type/shape inference to type intermediate values.
  bool infer_shapes = true;
  // Files larger than this are refused before parsing (bytes).
  int64_t max_model_bytes = int64_t{4} << 30;
};

struct ModelMetadata {
  int64_t ir_version = 0;
  std::string producer_name;
  std::string producer_version;
  std::string domain;
  int64_t model_version = 0;
  std::string doc_string;
  std::map<std::string, std::string> properties;
};

struct ImportedModel {
  std::unique_ptr<Graph> graph;  // topologically sorted
  ModelMetadata metadata;
};

// Reads and imports a .onnx file; external data is resolved relative to the
// file's folder.
absl::StatusOr<ImportedModel> ImportModelFile(const std::filesystem::path& path, const ImportOptions& options = {});

// Imports serialized ModelProto bytes. `base_dir` is where external data
// lives; without it, models with external data are refused.
absl::StatusOr<ImportedModel> ImportModelBytes(std::string_view bytes,
                                               const std::optional<std::filesystem::path>& base_dir,
                                               const ImportOptions& options = {});

}  // namespace braid::graph::onnx_import

#endif  // BRAID_GRAPH_ONNX_IMPORTER_H_
