#include "graph/graph.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace braid::graph {

// ---------------------------------------------------------------- Node

std::string Node::QualifiedOpType() const {
  return domain_.empty() ? op_type_ : absl::StrCat(domain_, "::", op_type_);
}

const Attribute* Node::FindAttribute(std::string_view name) const {
  auto it = attributes_.find(std::string(name));
  return it == attributes_.end() ? nullptr : &it->second;
}

namespace {

absl::Status WrongKind(const Node& node, const std::string& attr, Attribute::Kind want, Attribute::Kind got) {
  return absl::InvalidArgumentError(absl::StrCat("node '", node.name(), "' (", node.op_type(), "): attribute '", attr,
                                                 "' should be ", AttributeKindName(want), " but is ",
                                                 AttributeKindName(got)));
}

absl::Status Missing(const Node& node, const std::string& attr) {
  return absl::InvalidArgumentError(
      absl::StrCat("node '", node.name(), "' (", node.op_type(), "): required attribute '", attr, "' is missing"));
}

// Shared body of the typed getters: absent -> default or error; wrong kind -> error.
template <typename T, typename Getter>
absl::StatusOr<T> GetTyped(const Node& node, std::string_view name, std::optional<T> dflt, Attribute::Kind want,
                           Getter get) {
  const Attribute* a = node.FindAttribute(name);
  if (a == nullptr) {
    if (dflt.has_value()) return *std::move(dflt);
    return Missing(node, std::string(name));
  }
  if (a->kind() != want) return WrongKind(node, std::string(name), want, a->kind());
  return get(*a);
}

}  // namespace

absl::StatusOr<int64_t> Node::GetInt(std::string_view name, std::optional<int64_t> dflt) const {
  return GetTyped<int64_t>(*this, name, dflt, Attribute::Kind::kInt, [](const Attribute& a) { return a.i(); });
}
absl::StatusOr<float> Node::GetFloat(std::string_view name, std::optional<float> dflt) const {
  const Attribute* a = FindAttribute(name);
  // Some exporters write integral values for float attributes; accept them.
  if (a != nullptr && a->kind() == Attribute::Kind::kInt) return static_cast<float>(a->i());
  return GetTyped<float>(*this, name, dflt, Attribute::Kind::kFloat, [](const Attribute& a) { return a.f(); });
}
absl::StatusOr<std::string> Node::GetString(std::string_view name, std::optional<std::string> dflt) const {
  return GetTyped<std::string>(*this, name, std::move(dflt), Attribute::Kind::kString,
                               [](const Attribute& a) { return a.s(); });
}
absl::StatusOr<std::vector<int64_t>> Node::GetInts(std::string_view name,
                                                   std::optional<std::vector<int64_t>> dflt) const {
  return GetTyped<std::vector<int64_t>>(*this, name, std::move(dflt), Attribute::Kind::kInts,
                                        [](const Attribute& a) { return a.ints(); });
}
absl::StatusOr<std::vector<float>> Node::GetFloats(std::string_view name,
                                                   std::optional<std::vector<float>> dflt) const {
  return GetTyped<std::vector<float>>(*this, name, std::move(dflt), Attribute::Kind::kFloats,
                                      [](const Attribute& a) { return a.floats(); });
}
absl::StatusOr<std::vector<std::string>> Node::GetStrings(std::string_view name,
                                                          std::optional<std::vector<std::string>> dflt) const {
  return GetTyped<std::vector<std::string>>(*this, name, std::move(dflt), Attribute::Kind::kStrings,
                                            [](const Attribute& a) { return a.strings(); });
}
absl::StatusOr<Tensor> Node::GetTensor(std::string_view name) const {
  return GetTyped<Tensor>(*this, name, std::nullopt, Attribute::Kind::kTensor, [](const Attribute& a) { return a.t(); });
}
absl::StatusOr<std::shared_ptr<Graph>> Node::GetGraph(std::string_view name) const {
  return GetTyped<std::shared_ptr<Graph>>(*this, name, std::nullopt, Attribute::Kind::kGraph,
                                          [](const Attribute& a) { return a.g(); });
}

std::vector<Graph*> Node::Subgraphs() const {
  std::vector<Graph*> out;
  for (const auto& [name, attr] : attributes_) {
    if (attr.kind() == Attribute::Kind::kGraph) {
      out.push_back(attr.g().get());
    } else if (attr.kind() == Attribute::Kind::kGraphs) {
      for (const auto& g : attr.graphs()) out.push_back(g.get());
    }
  }
  return out;
}

// ---------------------------------------------------------------- Graph

int Graph::OpsetFor(const std::string& domain) const {
  auto it = opset_imports_.find(domain);
  return it == opset_imports_.end() ? 0 : it->second;
}

Value* Graph::NewValue(std::string name, Value::Origin origin) {
  auto value = std::make_unique<Value>();
  value->name_ = std::move(name);
  value->origin_ = origin;
  Value* raw = value.get();
  values_by_name_[raw->name_] = raw;
  values_.push_back(std::move(value));
  return raw;
}

absl::StatusOr<Value*> Graph::AddInput(std::string name, ValueType type) {
  if (values_by_name_.contains(name)) return absl::AlreadyExistsError(absl::StrCat("value '", name, "' defined twice"));
  Value* v = NewValue(std::move(name), Value::Origin::kGraphInput);
  v->type_ = std::move(type);
  inputs_.push_back(v);
  return v;
}

absl::StatusOr<Value*> Graph::AddInitializer(std::string name, std::shared_ptr<const Tensor> data) {
  if (values_by_name_.contains(name)) {
    return absl::AlreadyExistsError(absl::StrCat("initializer '", name, "' defined twice"));
  }
  Value* v = NewValue(std::move(name), Value::Origin::kInitializer);
  v->type_ = ValueType::Tensor(data->dtype(), ToSymbolic(data->shape()));
  v->initializer_ = std::move(data);
  return v;
}

absl::StatusOr<Value*> Graph::AddCapture(std::string name, ValueType type) {
  if (values_by_name_.contains(name)) return absl::AlreadyExistsError(absl::StrCat("value '", name, "' defined twice"));
  Value* v = NewValue(std::move(name), Value::Origin::kCapture);
  v->type_ = std::move(type);
  captures_.push_back(v);
  return v;
}

void Graph::SetInputDefault(Value* input, std::shared_ptr<const Tensor> data) { input->initializer_ = std::move(data); }

absl::Status Graph::AddOutput(Value* value) {
  if (value == nullptr) return absl::InvalidArgumentError("graph output refers to no value");
  outputs_.push_back(value);
  ++value->graph_output_count_;
  return absl::OkStatus();
}

void Graph::SetOutputs(std::vector<Value*> outputs) {
  for (Value* v : outputs_) --v->graph_output_count_;
  outputs_ = std::move(outputs);
  for (Value* v : outputs_) ++v->graph_output_count_;
}

Value* Graph::FindValue(std::string_view name) const {
  auto it = values_by_name_.find(absl::string_view(name.data(), name.size()));
  return it == values_by_name_.end() ? nullptr : it->second;
}

std::vector<Value*> Graph::Initializers() const {
  std::vector<Value*> out;
  for (const auto& v : values_) {
    if (v->origin_ == Value::Origin::kInitializer) out.push_back(v.get());
  }
  return out;
}

std::string Graph::UniqueValueName(std::string_view hint_view) {
  std::string hint(hint_view);
  std::string name = hint;
  while (values_by_name_.contains(name)) name = absl::StrCat(hint, "__", ++name_counter_);
  return name;
}

std::string Graph::UniqueNodeName(std::string_view hint_view) {
  std::string hint(hint_view);
  std::string name = hint;
  while (node_names_.contains(name)) name = absl::StrCat(hint, "__", ++name_counter_);
  return name;
}

absl::StatusOr<Node*> Graph::AddNode(const NodeSpec& spec) {
  auto node = std::make_unique<Node>();
  node->name_ = UniqueNodeName(spec.name.empty() ? spec.op_type : spec.name);
  node->op_type_ = spec.op_type;
  node->domain_ = spec.domain;
  node->opset_ = spec.opset != 0 ? spec.opset : OpsetFor(spec.domain);
  node->attributes_ = spec.attributes;
  node->owner_ = this;
  for (const std::string& in : spec.inputs) {
    if (in.empty()) {
      node->inputs_.push_back(nullptr);
      continue;
    }
    Value* v = FindValue(in);
    if (v == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("node '", node->name_, "' (", spec.op_type, ") reads undefined value '", in, "'"));
    }
    node->inputs_.push_back(v);
  }
  for (const std::string& out : spec.outputs) {
    if (!out.empty() && values_by_name_.contains(out)) {
      return absl::InvalidArgumentError(
          absl::StrCat("node '", node->name_, "' (", spec.op_type, ") redefines value '", out, "'"));
    }
  }
  Node* raw = node.get();
  for (size_t i = 0; i < raw->inputs_.size(); ++i) {
    if (raw->inputs_[i] != nullptr) raw->inputs_[i]->uses_.push_back({raw, static_cast<int>(i)});
  }
  for (size_t i = 0; i < spec.outputs.size(); ++i) {
    std::string out = spec.outputs[i].empty() ? UniqueValueName(absl::StrCat(raw->name_, "_unused", i))
                                              : spec.outputs[i];
    Value* v = NewValue(std::move(out), Value::Origin::kNodeOutput);
    v->producer_ = raw;
    v->producer_output_ = static_cast<int>(i);
    raw->outputs_.push_back(v);
  }
  node_names_[raw->name_] = 1;
  node_storage_.push_back(std::move(node));
  order_.push_back(raw);
  return raw;
}

void Graph::AddImplicitInput(Node* node, Value* outer) {
  if (std::find(node->implicit_inputs_.begin(), node->implicit_inputs_.end(), outer) != node->implicit_inputs_.end()) {
    return;
  }
  node->implicit_inputs_.push_back(outer);
  outer->uses_.push_back({node, -1});
}

void Graph::RemoveUse(Value* value, Node* node, int index) {
  auto& uses = value->uses_;
  auto it = std::find(uses.begin(), uses.end(), Value::Use{node, index});
  if (it != uses.end()) uses.erase(it);
}

absl::Status Graph::RemoveNode(Node* node) {
  for (Value* out : node->outputs_) {
    if (!out->uses_.empty() || out->is_graph_output()) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot remove node '", node->name_, "': output '", out->name_, "' is still used"));
    }
  }
  for (size_t i = 0; i < node->inputs_.size(); ++i) {
    if (node->inputs_[i] != nullptr) RemoveUse(node->inputs_[i], node, static_cast<int>(i));
  }
  for (Value* v : node->implicit_inputs_) RemoveUse(v, node, -1);
  for (Value* out : node->outputs_) {
    out->producer_ = nullptr;
    values_by_name_.erase(out->name_);
    std::erase_if(values_, [out](const auto& p) { return p.get() == out; });
  }
  node_names_.erase(node->name_);
  std::erase(order_, node);
  std::erase_if(node_storage_, [node](const auto& p) { return p.get() == node; });
  return absl::OkStatus();
}

void Graph::ReplaceAllUses(Value* from, Value* to) {
  if (from == to) return;
  for (const Value::Use& use : from->uses_) {
    if (use.input_index >= 0) {
      use.node->inputs_[use.input_index] = to;
    } else {
      auto& implicit = use.node->implicit_inputs_;
      std::replace(implicit.begin(), implicit.end(), from, to);
    }
    to->uses_.push_back(use);
  }
  from->uses_.clear();
  for (Value*& out : outputs_) {
    if (out == from) {
      out = to;
      --from->graph_output_count_;
      ++to->graph_output_count_;
    }
  }
}

void Graph::SetNodeInput(Node* node, int index, Value* value) {
  if (index >= static_cast<int>(node->inputs_.size())) node->inputs_.resize(index + 1, nullptr);
  if (Value* old = node->inputs_[index]) RemoveUse(old, node, index);
  node->inputs_[index] = value;
  if (value != nullptr) value->uses_.push_back({node, index});
}

absl::Status Graph::RemoveValue(Value* value) {
  if (value->producer_ != nullptr || !value->uses_.empty() || value->is_graph_output()) {
    return absl::FailedPreconditionError(absl::StrCat("value '", value->name_, "' is still in use"));
  }
  std::erase(inputs_, value);
  std::erase(captures_, value);
  values_by_name_.erase(value->name_);
  std::erase_if(values_, [value](const auto& p) { return p.get() == value; });
  return absl::OkStatus();
}

void Graph::MakeConstant(Value* value, std::shared_ptr<const Tensor> data) {
  value->origin_ = Value::Origin::kInitializer;
  value->type_ = ValueType::Tensor(data->dtype(), ToSymbolic(data->shape()));
  value->initializer_ = std::move(data);
  if (value->producer_ != nullptr) {
    Node* producer = value->producer_;
    auto& outs = producer->outputs_;
    // The producer keeps a placeholder output so its arity stays intact.
    Value* placeholder = NewValue(UniqueValueName(absl::StrCat(value->name_, "__folded")), Value::Origin::kNodeOutput);
    placeholder->producer_ = producer;
    placeholder->producer_output_ = value->producer_output_;
    outs[value->producer_output_] = placeholder;
    value->producer_ = nullptr;
    value->producer_output_ = -1;
  }
}

absl::Status Graph::TopologicalSort() {
  // Depth-first: each node is emitted after its producers, visiting nodes in
  // their current order, so an already-sorted graph keeps its order exactly.
  enum class Mark : uint8_t { kNew, kActive, kDone };
  absl::flat_hash_map<const Node*, Mark> mark;
  for (Node* n : order_) mark[n] = Mark::kNew;
  auto producer_of = [&](const Value* v) -> Node* {
    return (v != nullptr && v->producer_ != nullptr && mark.contains(v->producer_)) ? v->producer_ : nullptr;
  };
  std::vector<Node*> sorted;
  sorted.reserve(order_.size());
  struct Frame {
    Node* node;
    size_t next;  // next dependency to visit: inputs, then implicit inputs
  };
  std::vector<Frame> stack;
  for (Node* root : order_) {
    if (mark[root] != Mark::kNew) continue;
    stack.push_back({root, 0});
    mark[root] = Mark::kActive;
    while (!stack.empty()) {
      Frame& f = stack.back();
      size_t n_in = f.node->inputs_.size();
      size_t total = n_in + f.node->implicit_inputs_.size();
      if (f.next == total) {
        mark[f.node] = Mark::kDone;
        sorted.push_back(f.node);
        stack.pop_back();
        continue;
      }
      const Value* v = f.next < n_in ? f.node->inputs_[f.next] : f.node->implicit_inputs_[f.next - n_in];
      ++f.next;
      Node* dep = producer_of(v);
      if (dep == nullptr) continue;
      if (mark[dep] == Mark::kActive) {
        return absl::InvalidArgumentError(absl::StrCat("graph '", name_, "' has a cycle through node '", dep->name_,
                                                       "' (", dep->op_type_, ")"));
      }
      if (mark[dep] == Mark::kNew) {
        mark[dep] = Mark::kActive;
        stack.push_back({dep, 0});
      }
    }
  }
  order_ = std::move(sorted);
  return absl::OkStatus();
}

}  // namespace braid::graph
