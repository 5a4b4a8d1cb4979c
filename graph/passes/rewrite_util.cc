#include "graph/passes/rewrite_util.h"

#include <cmath>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "braid/status_macros.h"
#include "graph/clone.h"
#include "graph/op_schema.h"

namespace braid::graph {

Node* SoleConsumer(const Value* v) {
  if (v == nullptr || v->is_graph_output() || v->uses().size() != 1) return nullptr;
  const Value::Use& use = v->uses()[0];
  return use.input_index >= 0 ? use.node : nullptr;
}

const Tensor* ConstantInput(const Node& node, size_t i) {
  const Value* v = node.input(i);
  if (v == nullptr || !v->is_constant() || v->initializer() == nullptr) return nullptr;
  return v->initializer().get();
}

namespace {

// A constant scalar bound as float, or nullopt when not constant/scalar.
std::optional<float> ScalarBound(const Node& node, size_t i) {
  const Tensor* t = ConstantInput(node, i);
  if (t == nullptr || t->num_elements() != 1) return std::nullopt;
  switch (t->dtype()) {
    case DataType::kFloat32: return t->data<float>()[0];
    case DataType::kFloat64: return static_cast<float>(t->data<double>()[0]);
    case DataType::kFloat16: return static_cast<float>(t->data<Float16>()[0]);
    case DataType::kBFloat16: return static_cast<float>(t->data<BFloat16>()[0]);
    default: return std::nullopt;
  }
}

}  // namespace

std::optional<FusedActivation> MatchActivation(const Node& node) {
  if (!node.domain().empty() || node.inputs().empty() || node.input(0) == nullptr || node.outputs().size() != 1) {
    return std::nullopt;
  }
  const std::string& op = node.op_type();
  if (op == "Relu" || op == "Sigmoid" || op == "Tanh") return FusedActivation{op, {}};
  if (op == "LeakyRelu") {
    absl::StatusOr<float> alpha = node.GetFloat("alpha", 0.01f);
    if (!alpha.ok()) return std::nullopt;
    return FusedActivation{op, {*alpha}};
  }
  if (op == "HardSigmoid") {
    absl::StatusOr<float> alpha = node.GetFloat("alpha", 0.2f);
    absl::StatusOr<float> beta = node.GetFloat("beta", 0.5f);
    if (!alpha.ok() || !beta.ok()) return std::nullopt;
    return FusedActivation{op, {*alpha, *beta}};
  }
  if (op == "Clip") {
    float lo = -std::numeric_limits<float>::infinity();
    float hi = std::numeric_limits<float>::infinity();
    if (node.opset() < 11) {
      absl::StatusOr<float> min = node.GetFloat("min", std::numeric_limits<float>::lowest());
      absl::StatusOr<float> max = node.GetFloat("max", std::numeric_limits<float>::max());
      if (!min.ok() || !max.ok()) return std::nullopt;
      lo = *min;
      hi = *max;
    } else {
      if (node.input(1) != nullptr) {
        std::optional<float> v = ScalarBound(node, 1);
        if (!v) return std::nullopt;
        lo = *v;
      }
      if (node.input(2) != nullptr) {
        std::optional<float> v = ScalarBound(node, 2);
        if (!v) return std::nullopt;
        hi = *v;
      }
    }
    if (std::isnan(lo) || std::isnan(hi)) return std::nullopt;
    return FusedActivation{op, {lo, hi}};
  }
  return std::nullopt;
}

void SetActivation(const std::optional<FusedActivation>& act, std::map<std::string, Attribute>& attributes) {
  if (!act) return;
  attributes["activation"] = Attribute(act->name);
  if (!act->params.empty()) attributes["activation_params"] = Attribute(act->params);
}

bool AcceptsFusedNode(const FusionPredicate& accept, const Graph& graph, const NodeSpec& spec,
                      const ValueType& output_type) {
  if (!accept) return false;
  Graph scratch;
  scratch.set_name(graph.name());
  for (const auto& [domain, version] : graph.opset_imports()) scratch.SetOpsetImport(domain, version);
  for (const std::string& name : spec.inputs) {
    if (name.empty() || scratch.FindValue(name) != nullptr) continue;
    const Value* v = graph.FindValue(name);
    if (v == nullptr) return false;
    absl::Status st = v->is_constant() && v->initializer() != nullptr
                          ? scratch.AddInitializer(name, v->initializer()).status()
                          : scratch.AddInput(name, v->type()).status();
    if (!st.ok()) return false;
  }
  NodeSpec candidate = spec;
  candidate.outputs = {scratch.UniqueValueName("fused_output")};
  absl::StatusOr<Node*> node = scratch.AddNode(candidate);
  if (!node.ok()) return false;
  Value* out = (*node)->outputs()[0];
  out->set_type(output_type);
  absl::StatusOr<NodeInference> inferred = InferNode(**node, DefaultOpSchemas());
  if (!inferred.ok()) return false;  // the fused node would be ill-typed
  out->set_type(RefineType(output_type, inferred->outputs[0]));
  return accept(**node);
}

absl::StatusOr<Node*> ReplaceChain(Graph& graph, std::span<Node* const> chain, Value* final_output, NodeSpec spec) {
  const std::string name = final_output->name();
  const ValueType type = final_output->type();
  // Park the final value's uses (and graph-output slots) on a temporary so
  // the chain can be removed and its name reused.
  BRAID_ASSIGN_OR_RETURN(Value * parked, graph.AddCapture(graph.UniqueValueName(absl::StrCat(name, "__rewrite")), type));
  graph.ReplaceAllUses(final_output, parked);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    absl::Status st = graph.RemoveNode(*it);
    if (!st.ok()) return absl::InternalError(absl::StrCat("rewrite of '", name, "' failed: ", st.message()));
  }
  spec.outputs = {name};
  BRAID_ASSIGN_OR_RETURN(Node * node, graph.AddNode(spec));
  Value* out = node->outputs()[0];
  out->set_type(type);
  graph.ReplaceAllUses(parked, out);
  BRAID_RETURN_IF_ERROR(graph.RemoveValue(parked));
  return node;
}

absl::StatusOr<int> RewriteEachNode(Graph& graph, const NodeRewrite& try_rewrite) {
  const std::vector<Node*> order = graph.nodes();
  // Removed nodes are freed: their pointers are compared, never followed.
  absl::flat_hash_set<const Node*> removed;
  int count = 0;
  for (Node* n : order) {
    if (removed.contains(n)) continue;
    BRAID_ASSIGN_OR_RETURN(std::vector<Node*> gone, try_rewrite(graph, n));
    if (gone.empty()) continue;
    removed.insert(gone.begin(), gone.end());
    ++count;
  }
  if (count > 0) BRAID_RETURN_IF_ERROR(graph.TopologicalSort());
  return count;
}

absl::StatusOr<int> RewriteSubgraphs(Graph& graph, const std::function<absl::StatusOr<int>(Graph&)>& pass) {
  int total = 0;
  for (Node* node : graph.nodes()) {
    std::vector<std::pair<std::string, Attribute>> replaced;
    for (const auto& [attr_name, attr] : node->attributes()) {
      if (attr.kind() == Attribute::Kind::kGraph) {
        absl::StatusOr<std::unique_ptr<Graph>> cloned = CloneGraph(*attr.g());
        if (!cloned.ok()) continue;  // not copyable (unsorted): left as it is
        std::unique_ptr<Graph> copy = *std::move(cloned);
        BRAID_ASSIGN_OR_RETURN(int changed, pass(*copy));
        if (changed > 0) {
          total += changed;
          replaced.emplace_back(attr_name, Attribute(std::shared_ptr<Graph>(std::move(copy))));
        }
      } else if (attr.kind() == Attribute::Kind::kGraphs) {
        std::vector<std::shared_ptr<Graph>> graphs;
        int changed_here = 0;
        for (const auto& g : attr.graphs()) {
          absl::StatusOr<std::unique_ptr<Graph>> cloned = CloneGraph(*g);
          if (!cloned.ok()) {
            graphs.push_back(g);
            continue;
          }
          std::unique_ptr<Graph> copy = *std::move(cloned);
          BRAID_ASSIGN_OR_RETURN(int changed, pass(*copy));
          changed_here += changed;
          graphs.push_back(changed > 0 ? std::shared_ptr<Graph>(std::move(copy)) : g);
        }
        if (changed_here > 0) {
          total += changed_here;
          replaced.emplace_back(attr_name, Attribute(std::move(graphs)));
        }
      }
    }
    for (auto& [attr_name, attr] : replaced) node->SetAttribute(attr_name, std::move(attr));
  }
  return total;
}

}  // namespace braid::graph
