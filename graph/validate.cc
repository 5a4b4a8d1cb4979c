#include "graph/validate.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace braid::graph {
namespace {

std::string GraphLabel(const Graph& g) { return g.name().empty() ? std::string("<unnamed>") : g.name(); }

std::string NodeLabel(const Node& n) { return absl::StrCat("node '", n.name(), "' (", n.QualifiedOpType(), ")"); }

class Validator {
 public:
  explicit Validator(const ValidateOptions& options)
      : options_(options), registry_(options.registry != nullptr ? *options.registry : DefaultOpSchemas()) {}

  void Check(const Graph& g, const std::string& path) {
    absl::flat_hash_set<const Node*> members(g.nodes().begin(), g.nodes().end());
    auto defined_here = [&](const Value* v) { return v != nullptr && g.FindValue(v->name()) == v; };
    auto has_source = [&](const Value* v) {
      return v->origin() != Value::Origin::kNodeOutput || (v->producer() != nullptr && members.contains(v->producer()));
    };
    for (const Node* n : g.nodes()) {
      for (size_t i = 0; i < n->inputs().size(); ++i) {
        const Value* v = n->inputs()[i];
        if (v == nullptr) continue;
        if (!defined_here(v)) {
          Add(path, absl::StrCat(NodeLabel(*n), " reads value '", v->name(), "' (input ", i,
                                 "), which this graph does not define"));
        } else if (!has_source(v)) {
          Add(path, absl::StrCat(NodeLabel(*n), " reads value '", v->name(), "' (input ", i,
                                 "), which no node produces"));
        }
      }
      for (size_t i = 0; i < n->outputs().size(); ++i) {
        const Value* v = n->outputs()[i];
        if (v == nullptr || v->producer() != n || !defined_here(v)) {
          Add(path, absl::StrCat(NodeLabel(*n), ": output ", i, " is not registered as produced by it"));
        }
      }
      for (const Value* v : n->implicit_inputs()) {
        if (!defined_here(v)) {
          Add(path, absl::StrCat(NodeLabel(*n), " has implicit input '", v ? v->name() : "<null>",
                                 "', which this graph does not define"));
        } else if (!has_source(v)) {
          Add(path, absl::StrCat(NodeLabel(*n), " has implicit input '", v->name(), "', which no node produces"));
        }
      }
      for (const Graph* sub : n->Subgraphs()) {
        for (const Value* c : sub->captures()) {
          bool passed = false;
          for (const Value* v : n->implicit_inputs()) passed = passed || (v != nullptr && v->name() == c->name());
          if (!passed) {
            Add(path, absl::StrCat(NodeLabel(*n), ": subgraph '", GraphLabel(*sub), "' reads outer value '", c->name(),
                                   "', which the node does not list as an implicit input"));
          }
        }
      }
    }
    for (size_t i = 0; i < g.outputs().size(); ++i) {
      const Value* v = g.outputs()[i];
      if (v == nullptr || !defined_here(v)) {
        Add(path, absl::StrCat("output ", i, " '", v ? v->name() : "<null>", "' is not a value of this graph"));
      } else if (!has_source(v)) {
        Add(path, absl::StrCat("output ", i, " '", v->name(), "' is not produced by any node"));
      }
    }
    if (!errors_.empty()) return;  // the checks below assume a well-formed graph

    absl::StatusOr<std::vector<const Node*>> order = TopologicalOrder(g);
    if (!order.ok()) {
      Add(path, std::string(order.status().message()));
      return;
    }
    if (options_.check_types) CheckTypes(*order, path);
    for (const Node* n : *order) {
      for (const Graph* sub : n->Subgraphs()) {
        Check(*sub, absl::StrCat(path, " > ", NodeLabel(*n), " > graph '", GraphLabel(*sub), "'"));
      }
    }
  }

  absl::Status Result() const {
    if (errors_.empty()) return absl::OkStatus();
    std::string msg = absl::StrJoin(errors_, "; ");
    if (dropped_ > 0) absl::StrAppend(&msg, " (and ", dropped_, " more)");
    return absl::InvalidArgumentError(msg);
  }

 private:
  void Add(const std::string& path, std::string message) {
    if (static_cast<int>(errors_.size()) >= options_.max_errors) {
      ++dropped_;
      return;
    }
    errors_.push_back(absl::StrCat(path, ": ", message));
  }

  void CheckTypes(const std::vector<const Node*>& order, const std::string& path) {
    SymbolicValues values;
    for (const Node* n : order) {
      absl::StatusOr<NodeInference> inferred = InferNode(*n, registry_, &values);
      if (!inferred.ok()) {
        Add(path, std::string(inferred.status().message()));
        continue;
      }
      for (size_t i = 0; i < n->outputs().size(); ++i) {
        const Value* out = n->outputs()[i];
        std::string conflict = TypeConflict(out->type(), inferred->outputs[i]);
        if (!conflict.empty()) {
          Add(path, absl::StrCat(NodeLabel(*n), ": output '", out->name(), "' is declared ", out->type().ToString(),
                                 " but its inputs make it ", inferred->outputs[i].ToString(), " (", conflict, ")"));
        }
        if (inferred->values[i]) values[out] = *inferred->values[i];
      }
    }
  }

  const ValidateOptions& options_;
  const OpSchemaRegistry& registry_;
  std::vector<std::string> errors_;
  int dropped_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<const Node*>> TopologicalOrder(const Graph& g) {
  enum class Mark : uint8_t { kNew, kActive, kDone };
  absl::flat_hash_map<const Node*, Mark> mark;
  for (const Node* n : g.nodes()) mark[n] = Mark::kNew;
  std::vector<const Node*> sorted;
  sorted.reserve(g.nodes().size());
  struct Frame {
    const Node* node;
    size_t next;
  };
  std::vector<Frame> stack;
  for (const Node* root : g.nodes()) {
    if (mark[root] != Mark::kNew) continue;
    stack.push_back({root, 0});
    mark[root] = Mark::kActive;
    while (!stack.empty()) {
      Frame& f = stack.back();
      size_t n_in = f.node->inputs().size();
      size_t total = n_in + f.node->implicit_inputs().size();
      if (f.next == total) {
        mark[f.node] = Mark::kDone;
        sorted.push_back(f.node);
        stack.pop_back();
        continue;
      }
      const Value* v = f.next < n_in ? f.node->inputs()[f.next] : f.node->implicit_inputs()[f.next - n_in];
      ++f.next;
      if (v == nullptr || v->producer() == nullptr) continue;
      auto it = mark.find(v->producer());
      if (it == mark.end()) continue;
      if (it->second == Mark::kActive) {
        return absl::InvalidArgumentError(absl::StrCat("graph '", GraphLabel(g), "' has a cycle through ",
                                                       NodeLabel(*v->producer()), ": its output '", v->name(),
                                                       "' feeds back into its own inputs"));
      }
      if (it->second == Mark::kNew) {
        it->second = Mark::kActive;
        stack.push_back({v->producer(), 0});
      }
    }
  }
  return sorted;
}

absl::Status ValidateGraph(const Graph& graph, const ValidateOptions& options) {
  Validator v(options);
  v.Check(graph, absl::StrCat("graph '", GraphLabel(graph), "'"));
  return v.Result();
}

absl::Status ValidateGraph(const Graph& graph) { return ValidateGraph(graph, ValidateOptions()); }

}  // namespace braid::graph
