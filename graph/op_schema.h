// Op schemas: per (domain, op_type, since_version) the input/output arity
// and a type + shape inference function over the IR's symbolic types.
//
// Inference reads a node's static input types (dims may be symbolic),
// the data of constant inputs, and the known contents of small integer
// tensors that compute shapes (Shape -> Gather -> Concat -> Reshape chains),
// and produces output types. It reports type mismatches it can prove
// (float32 + int64, MatMul inner dims 3 vs 4) as InvalidArgument errors
// naming node, op and values; what it cannot tell stays unknown.
//
// The default registry is built once on first use and read-only afterwards:
// concurrent lookups and inference calls are safe.
#ifndef BRAID_GRAPH_OP_SCHEMA_H_
#define BRAID_GRAPH_OP_SCHEMA_H_

#include <climits>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "graph/graph.h"
#include "graph/value_type.h"

namespace braid::graph {

inline constexpr char kBraidDomain[] = "com.braid";

// Known contents of 0-D/1-D integer tensors (one Dim per element; a 0-D
// tensor holds one), keyed by value. Filled by shape propagation.
using SymbolicValues = absl::flat_hash_map<const Value*, SymbolicShape>;

// What an inference function sees of one node, and where it writes the
// output types. Valid for one inference call; not thread-safe.
class InferenceContext {
 public:
  // `values` (may be null) supplies known integer contents of non-constant inputs.
  explicit InferenceContext(const Node& node, const SymbolicValues* values = nullptr);

  const Node& node() const { return node_; }
  int opset() const { return node_.opset(); }
  int num_inputs() const { return static_cast<int>(node_.inputs().size()); }
  int num_outputs() const { return static_cast<int>(node_.outputs().size()); }
  bool has_input(int i) const { return node_.input(i) != nullptr; }
  bool has_output(int i) const { return i < num_outputs(); }

  // Static type of input i; a kUnknown type when absent.
  const ValueType& input_type(int i) const;
  // Element type of input i (kUndefined when absent or unknown).
  DataType input_dtype(int i) const { return input_type(i).ScalarType(); }
  // Shape of input i when its rank is known, else null.
  const SymbolicShape* input_shape(int i) const;
  // Data of input i when it is an initializer, else null.
  const Tensor* constant_input(int i) const;
  // Elements of input i when it is a 0-D/1-D integer tensor whose contents
  // are known (constant or propagated); dims may be symbolic.
  std::optional<SymbolicShape> input_value(int i) const;
  // input_value(i) when every element is a known integer.
  std::optional<std::vector<int64_t>> input_ints(int i) const;
  // A constant floating-point or integer input as doubles.
  std::optional<std::vector<double>> input_doubles(int i) const;

  // Output type i (kUnknown until set). Precondition: i < num_outputs().
  ValueType& output(int i) { return outputs_[i]; }
  // Records the known integer contents of output i.
  void set_output_value(int i, SymbolicShape value) { values_[i] = std::move(value); }

  // "'x' (float32[2,3])": the name and type of input i, for messages.
  std::string DescribeInput(int i) const;
  // InvalidArgument "node 'n' (Op): <message>".
  absl::Status Error(const std::string& message) const;

  std::vector<ValueType>& outputs() { return outputs_; }
  std::vector<std::optional<SymbolicShape>>& output_values() { return values_; }

 private:
  const Node& node_;
  const SymbolicValues* known_;
  std::vector<ValueType> outputs_;
  std::vector<std::optional<SymbolicShape>> values_;
};

using InferenceFn = std::function<absl::Status(InferenceContext&)>;

struct OpSchema {
  std::string domain;  // "" = default ONNX domain
  std::string op_type;
  int since_version = 1;
  int min_inputs = 0;
  int max_inputs = INT_MAX;
  int min_outputs = 1;
  int max_outputs = 1;
  InferenceFn infer;  // null: outputs stay as they are
};

// Schemas by (domain, op_type); lookups pick the newest schema whose
// since_version <= the node's opset.
class OpSchemaRegistry {
 public:
  void Register(OpSchema schema);
  const OpSchema* Find(const std::string& domain, const std::string& op_type, int opset) const;
  const OpSchema* Find(const Node& node) const { return Find(node.domain(), node.op_type(), node.opset()); }
  // Number of distinct (domain, op_type) pairs.
  size_t num_ops() const { return schemas_.size(); }

 private:
  std::map<std::pair<std::string, std::string>, std::vector<OpSchema>> schemas_;  // sorted by since_version
};

// The registry with every schema Braid knows (built on first use).
const OpSchemaRegistry& DefaultOpSchemas();

struct NodeInference {
  std::vector<ValueType> outputs;  // one per node output; kUnknown where not inferred
  std::vector<std::optional<SymbolicShape>> values;  // known integer contents per output
  bool has_schema = false;
};

// Checks the node's arity against its schema and runs its inference. Nodes
// without a schema yield unknown outputs and has_schema = false. Errors name
// the node, op and values involved.
absl::StatusOr<NodeInference> InferNode(const Node& node, const OpSchemaRegistry& registry,
                                        const SymbolicValues* values = nullptr);

// The more precise of a value's current type and an inferred one: an
// unknown part of `current` takes the inferred information, a symbolic dim
// becomes known, and nothing known is ever lost. Conflicting facts keep
// `current`.
ValueType RefineType(const ValueType& current, const ValueType& inferred);

// A non-empty description of how two types contradict each other (element
// type, rank, or a known dim), or "" when they are compatible.
std::string TypeConflict(const ValueType& a, const ValueType& b);

}  // namespace braid::graph

#endif  // BRAID_GRAPH_OP_SCHEMA_H_
