// The Braid graph IR: a directed acyclic graph of Nodes connected by Values.
//
// A Graph owns its Nodes and Values (stable addresses until removed). Every
// Value has at most one producer: a Node output, a graph input, an
// initializer (constant tensor) or an outer-scope capture (subgraphs only).
// Node inputs may be null for omitted optional inputs. Graph-valued
// attributes own nested Graphs; the values a nested graph reads from
// enclosing scopes are its captures, and the node that holds it lists the
// matching outer values as implicit inputs, so that dependency analysis
// (topological order, liveness) needs no scope lookups.
//
// Thread-safety: a Graph is not synchronized. Treat it as immutable once a
// Model is built; then concurrent readers are safe.
#ifndef BRAID_GRAPH_GRAPH_H_
#define BRAID_GRAPH_GRAPH_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "braid/tensor.h"
#include "graph/attribute.h"
#include "graph/value_type.h"

namespace braid::graph {

class Node;
class Graph;

inline constexpr std::string_view kOnnxDomain = "";  // "ai.onnx" is normalized to ""

class Value {
 public:
  enum class Origin { kNodeOutput, kGraphInput, kInitializer, kCapture };

  const std::string& name() const { return name_; }
  Origin origin() const { return origin_; }
  const ValueType& type() const { return type_; }
  void set_type(ValueType type) { type_ = std::move(type); }

  // Producing node and its output index; null unless origin is kNodeOutput.
  Node* producer() const { return producer_; }
  int producer_output() const { return producer_output_; }

  // Constant data for initializers, or the default of a graph input that
  // has one (older ONNX files list weights as inputs); null otherwise.
  const std::shared_ptr<const Tensor>& initializer() const { return initializer_; }
  // True for initializers: data known at compile time and not overridable.
  bool is_constant() const { return origin_ == Origin::kInitializer; }

  struct Use {
    Node* node;
    int input_index;  // index into node->inputs(), or -1 for an implicit input
    bool operator==(const Use&) const = default;
  };
  const std::vector<Use>& uses() const { return uses_; }
  // True when a graph output refers to this value.
  bool is_graph_output() const { return graph_output_count_ > 0; }

 private:
  friend class Graph;
  std::string name_;
  Origin origin_ = Origin::kNodeOutput;
  ValueType type_;
  Node* producer_ = nullptr;
  int producer_output_ = -1;
  std::shared_ptr<const Tensor> initializer_;
  std::vector<Use> uses_;
  int graph_output_count_ = 0;
};

class Node {
 public:
  const std::string& name() const { return name_; }
  const std::string& op_type() const { return op_type_; }
  const std::string& domain() const { return domain_; }
  // Opset version of this node's domain in the model (selects op semantics).
  int opset() const { return opset_; }
  // "Conv", or "com.example::MyOp" outside the default domain.
  std::string QualifiedOpType() const;

  const std::vector<Value*>& inputs() const { return inputs_; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  // Input i, or null when absent/omitted.
  Value* input(size_t i) const { return i < inputs_.size() ? inputs_[i] : nullptr; }
  Value* output(size_t i) const { return i < outputs_.size() ? outputs_[i] : nullptr; }
  // Outer-scope values read by this node's subgraphs (see file comment).
  const std::vector<Value*>& implicit_inputs() const { return implicit_inputs_; }

  const std::map<std::string, Attribute>& attributes() const { return attributes_; }
  const Attribute* FindAttribute(std::string_view name) const;
  bool HasAttribute(std::string_view name) const { return FindAttribute(name) != nullptr; }
  void SetAttribute(std::string name, Attribute value) { attributes_[std::move(name)] = std::move(value); }

  // Typed lookups with a default when the attribute is absent. A present
  // attribute of the wrong kind is an InvalidArgument naming node and attribute.
  absl::StatusOr<int64_t> GetInt(std::string_view name, std::optional<int64_t> dflt = std::nullopt) const;
  absl::StatusOr<float> GetFloat(std::string_view name, std::optional<float> dflt = std::nullopt) const;
  absl::StatusOr<std::string> GetString(std::string_view name, std::optional<std::string> dflt = std::nullopt) const;
  absl::StatusOr<std::vector<int64_t>> GetInts(std::string_view name,
                                               std::optional<std::vector<int64_t>> dflt = std::nullopt) const;
  absl::StatusOr<std::vector<float>> GetFloats(std::string_view name,
                                               std::optional<std::vector<float>> dflt = std::nullopt) const;
  absl::StatusOr<std::vector<std::string>> GetStrings(
      std::string_view name, std::optional<std::vector<std::string>> dflt = std::nullopt) const;
  absl::StatusOr<Tensor> GetTensor(std::string_view name) const;
  absl::StatusOr<std::shared_ptr<Graph>> GetGraph(std::string_view name) const;

  // Subgraphs held by graph-valued attributes, in attribute-name order.
  std::vector<Graph*> Subgraphs() const;

  // The graph that owns this node.
  Graph* owner() const { return owner_; }

 private:
  friend class Graph;
  std::string name_;
  std::string op_type_;
  std::string domain_;
  int opset_ = 0;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
  std::vector<Value*> implicit_inputs_;
  std::map<std::string, Attribute> attributes_;
  Graph* owner_ = nullptr;
};

// Description of a node to add: names refer to values already in the graph
// (inputs; "" = omitted optional input) or to be created (outputs).
struct NodeSpec {
  std::string name;
  std::string op_type;
  std::string domain;
  int opset = 0;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::map<std::string, Attribute> attributes;
};

class Graph {
 public:
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

  // Opset version per domain ("" = default ONNX domain).
  const std::map<std::string, int>& opset_imports() const { return opset_imports_; }
  void SetOpsetImport(const std::string& domain, int version) { opset_imports_[domain] = version; }
  int OpsetFor(const std::string& domain) const;

  // ---- Values ----
  // Each Add* fails with AlreadyExists when the name is taken.
  absl::StatusOr<Value*> AddInput(std::string name, ValueType type);
  absl::StatusOr<Value*> AddInitializer(std::string name, std::shared_ptr<const Tensor> data);
  absl::StatusOr<Value*> AddCapture(std::string name, ValueType type);
  // Gives a graph input a default used when the caller does not feed it.
  void SetInputDefault(Value* input, std::shared_ptr<const Tensor> data);
  // Marks an existing value as graph output (order of calls = output order).
  absl::Status AddOutput(Value* value);
  void SetOutputs(std::vector<Value*> outputs);

  Value* FindValue(std::string_view name) const;
  const std::vector<Value*>& inputs() const { return inputs_; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  const std::vector<Value*>& captures() const { return captures_; }
  // All initializers, in insertion order.
  std::vector<Value*> Initializers() const;
  // A name not used by any value yet, derived from `hint`.
  std::string UniqueValueName(std::string_view hint);
  std::string UniqueNodeName(std::string_view hint);

  // ---- Nodes ----
  // Adds a node: input names must exist ("" = omitted), output names must
  // be new ("" = unused output, gets a unique name).
  absl::StatusOr<Node*> AddNode(const NodeSpec& spec);
  // Adds an outer-scope value as an implicit input of `node`.
  void AddImplicitInput(Node* node, Value* outer);
  // Removes a node whose outputs have no uses and are not graph outputs.
  absl::Status RemoveNode(Node* node);
  // Rewires every use (and graph-output reference) of `from` to `to`.
  void ReplaceAllUses(Value* from, Value* to);
  // Points input `index` of `node` at `value` (null = omitted).
  void SetNodeInput(Node* node, int index, Value* value);
  // Removes a value that has no producer node and no uses.
  absl::Status RemoveValue(Value* value);
  // Turns a node-output value into an initializer after constant folding:
  // the producer must be removed separately.
  void MakeConstant(Value* value, std::shared_ptr<const Tensor> data);

  // Nodes in the current order; after TopologicalSort() this is an execution order.
  const std::vector<Node*>& nodes() const { return order_; }
  int64_t num_nodes() const { return static_cast<int64_t>(order_.size()); }
  // Reorders nodes so producers precede consumers (stable for already-sorted
  // graphs). Fails with InvalidArgument naming a node on a cycle.
  absl::Status TopologicalSort();

 private:
  Value* NewValue(std::string name, Value::Origin origin);
  void RemoveUse(Value* value, Node* node, int index);

  std::string name_;
  std::map<std::string, int> opset_imports_;
  std::vector<std::unique_ptr<Value>> values_;
  std::vector<std::unique_ptr<Node>> node_storage_;
  std::vector<Node*> order_;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
  std::vector<Value*> captures_;
  absl::flat_hash_map<std::string, Value*> values_by_name_;
  absl::flat_hash_map<std::string, int> node_names_;
  int64_t name_counter_ = 0;
};

}  // namespace braid::graph

#endif  // BRAID_GRAPH_GRAPH_H_
