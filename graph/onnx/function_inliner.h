// Internal to graph/onnx: expansion of function ops into their bodies.
#ifndef BRAID_GRAPH_ONNX_FUNCTION_INLINER_H_
#define BRAID_GRAPH_ONNX_FUNCTION_INLINER_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "onnx/onnx_pb.h"

namespace braid::graph::onnx_import {

// A function body ready to splice into a graph: nodes whose value names are
// already rewritten to the caller's names (formal parameters) or to fresh
// unique names (internals), and the opsets the body was written against.
struct InlinedBody {
  std::vector<onnx::NodeProto> nodes;
  std::map<std::string, int> opset_imports;
};

// Looks up an ONNX function for `node` and, when there is one, returns the
// inlined body. `opset` is the model's opset of the node's domain;
// `input_types` maps value names to known types (context-dependent
// functions such as NegativeLogLikelihoodLoss need them); `local_functions`
// holds the model's own functions keyed by (domain, name).
// Returns std::nullopt-like empty optional when the op has no function.
class FunctionInliner {
 public:
  using LocalFunctions = std::map<std::pair<std::string, std::string>, const onnx::FunctionProto*>;

  FunctionInliner(const LocalFunctions& local_functions,
                  const absl::flat_hash_map<std::string, onnx::TypeProto>& types)
      : local_functions_(local_functions), types_(types) {}

  bool IsLocalFunction(const onnx::NodeProto& node) const;
  // True when ONNX defines (domain, op) at `opset` through a function body.
  static bool HasSchemaFunction(const onnx::NodeProto& node, int opset);

  // Builds the inlined body of `node` (a local function, or a schema
  // function op at `opset`). `unique_prefix` makes internal names unique.
  absl::StatusOr<InlinedBody> Inline(const onnx::NodeProto& node, int opset, const std::string& unique_prefix) const;

 private:
  const LocalFunctions& local_functions_;
  const absl::flat_hash_map<std::string, onnx::TypeProto>& types_;
};

}  // namespace braid::graph::onnx_import

#endif  // BRAID_GRAPH_ONNX_FUNCTION_INLINER_H_
