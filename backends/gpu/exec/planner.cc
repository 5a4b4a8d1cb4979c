// Step planning: attention matches first, then one scan in execution order
// that absorbs GEMM/Conv epilogues and grows elementwise groups while their
// intermediate values stay private to the group.
#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "backends/gpu/exec/attention.h"
#include "backends/gpu/exec/elementwise.h"
#include "backends/gpu/exec/executable.h"
#include "backends/gpu/exec/ops.h"
#include "braid/status_macros.h"

namespace braid::backends::gpu {
namespace {

// The node consuming every use of `v`, when there is exactly one such node
// and v is not a subgraph output.
const graph::Node* SoleConsumer(const graph::Value* v) {
  if (v == nullptr || v->is_graph_output() || v->uses().empty()) return nullptr;
  const graph::Node* consumer = v->uses().front().node;
  for (const graph::Value::Use& u : v->uses()) {
    if (u.node != consumer || u.input_index < 0) return nullptr;
  }
  return consumer;
}

bool IsLinear(const graph::Node& n) {
  return n.domain().empty() && (n.op_type() == "MatMul" || n.op_type() == "Gemm" || n.op_type() == "Conv");
}

class Planner {
 public:
  Planner(const graph::Graph& g, SlotMap& slots) : graph_(g), slots_(slots) {
    for (size_t i = 0; i < g.nodes().size(); ++i) order_[g.nodes()[i]] = i;
  }

  absl::StatusOr<std::vector<std::unique_ptr<Step>>> Plan() {
    BRAID_RETURN_IF_ERROR(CheckOrderAndClaims());
    FindAttention();
    for (const graph::Node* node : graph_.nodes()) BRAID_RETURN_IF_ERROR(Visit(*node));
    if (!open_.empty()) return absl::InternalError("GPU planner left an elementwise group open");
    return std::move(steps_);
  }

 private:
  absl::Status CheckOrderAndClaims() {
    absl::flat_hash_set<const graph::Value*> ready;
    for (const graph::Value* v : graph_.inputs()) ready.insert(v);
    for (const graph::Value* v : graph_.Initializers()) ready.insert(v);
    for (const graph::Node* node : graph_.nodes()) {
      absl::Status claim = CanRunOnGpu(*node);
      if (!claim.ok()) {
        return absl::Status(claim.code(), absl::StrCat("node '", node->name(), "' cannot run on this GPU: ",
                                                       claim.message()));
      }
      for (const graph::Value* v : node->inputs()) {
        if (v != nullptr && !ready.contains(v)) {
          return absl::InvalidArgumentError(absl::StrCat("subgraph is not in execution order: node '", node->name(),
                                                         "' reads '", v->name(), "' before it is produced"));
        }
      }
      for (const graph::Value* v : node->outputs()) {
        if (v != nullptr) ready.insert(v);
      }
    }
    return absl::OkStatus();
  }

  void FindAttention() {
    auto free_node = [this](const graph::Node& n) { return !reserved_.contains(&n); };
    for (const graph::Node* node : graph_.nodes()) {
      std::optional<AttentionMatch> m = MatchAttention(*node, free_node);
      if (!m) continue;
      for (const graph::Node* n : m->Nodes()) reserved_.insert(n);
      attention_.emplace(node, *m);
    }
  }

  absl::Status Emit(absl::StatusOr<std::unique_ptr<Step>> step) {
    if (!step.ok()) return step.status();
    steps_.push_back(*std::move(step));
    return absl::OkStatus();
  }

  absl::Status EmitGroup(std::vector<const graph::Node*> nodes) {
    return Emit(BuildElementwiseStep(nodes, slots_));
  }

  absl::Status Visit(const graph::Node& node) {
    if (auto it = attention_.find(&node); it != attention_.end()) return Emit(BuildAttentionStep(it->second, slots_));
    if (reserved_.contains(&node)) return absl::OkStatus();
    if (auto it = pending_linear_.find(&node); it != pending_linear_.end()) {
      const auto& [op, epilogue] = it->second;
      return Emit(BuildLinearStep(*op, epilogue, slots_));
    }
    if (absorbed_.contains(&node)) return absl::OkStatus();
    if (IsLinear(node)) return VisitLinear(node);
    if (IsElementwiseOp(node)) return VisitElementwise(node);
    const OpLowering* lowering = FindLowering(node);
    if (lowering == nullptr) return absl::InternalError(absl::StrCat("no lowering for claimed node ", node.name()));
    return Emit(lowering->build(node, slots_));
  }

  absl::Status VisitLinear(const graph::Node& node) {
    std::vector<const graph::Node*> epilogue;
    const graph::Node* cur = &node;
    while (true) {
      const graph::Node* next = SoleConsumer(cur->output(0));
      if (next == nullptr || reserved_.contains(next) || next->outputs().size() != 1 ||
          !CanRunOnGpu(*next).ok() || !CanFuseIntoEpilogue(node, epilogue, *next)) {
        break;
      }
      epilogue.push_back(next);
      cur = next;
    }
    if (epilogue.empty()) return Emit(BuildLinearStep(node, {}, slots_));
    for (const graph::Node* n : epilogue) absorbed_.insert(n);
    absorbed_.erase(epilogue.back());
    pending_linear_.emplace(epilogue.back(), std::make_pair(&node, epilogue));
    return absl::OkStatus();
  }

  absl::Status VisitElementwise(const graph::Node& node) {
    // Open groups whose result only this node consumes, at fusable inputs.
    std::vector<const graph::Value*> sources;
    for (size_t i = 0; i < node.inputs().size(); ++i) {
      const graph::Value* v = node.input(i);
      if (v == nullptr || !open_.contains(v)) continue;
      if (std::find(sources.begin(), sources.end(), v) != sources.end()) continue;
      bool all_fusable = true;
      for (size_t j = 0; j < node.inputs().size(); ++j) {
        if (node.input(j) == v && !FusableInput(node, j)) all_fusable = false;
      }
      if (all_fusable) sources.push_back(v);
    }
    std::vector<const graph::Node*> group;
    for (const graph::Value* v : sources) {
      const std::vector<const graph::Node*>& g = open_.at(v);
      group.insert(group.end(), g.begin(), g.end());
    }
    std::sort(group.begin(), group.end(), [this](const graph::Node* a, const graph::Node* b) {
      return order_.at(a) < order_.at(b);
    });
    group.push_back(&node);
    if (!FitsOneProgram(group)) {
      for (const graph::Value* v : sources) BRAID_RETURN_IF_ERROR(CloseGroup(v));
      group = {&node};
    } else {
      for (const graph::Value* v : sources) open_.erase(v);
    }
    // Any other open group this node reads cannot join: materialize it first.
    for (const graph::Value* v : node.inputs()) {
      if (v != nullptr && open_.contains(v)) BRAID_RETURN_IF_ERROR(CloseGroup(v));
    }
    const graph::Value* out = node.output(0);
    const graph::Node* consumer = SoleConsumer(out);
    bool extra_outputs = false;
    for (size_t i = 1; i < node.outputs().size(); ++i) {
      const graph::Value* o = node.output(i);
      extra_outputs = extra_outputs || (o != nullptr && (!o->uses().empty() || o->is_graph_output()));
    }
    const bool keep_open = consumer != nullptr && !extra_outputs && IsElementwiseOp(*consumer) &&
                           !reserved_.contains(consumer) && !absorbed_.contains(consumer) &&
                           !pending_linear_.contains(consumer);
    if (keep_open) {
      open_.emplace(out, std::move(group));
      return absl::OkStatus();
    }
    return EmitGroup(std::move(group));
  }

  absl::Status CloseGroup(const graph::Value* v) {
    auto it = open_.find(v);
    std::vector<const graph::Node*> group = std::move(it->second);
    open_.erase(it);
    return EmitGroup(std::move(group));
  }

  const graph::Graph& graph_;
  SlotMap& slots_;
  std::vector<std::unique_ptr<Step>> steps_;
  absl::flat_hash_set<const graph::Node*> reserved_;  // in an attention match
  absl::flat_hash_map<const graph::Node*, AttentionMatch> attention_;  // keyed by the final MatMul
  absl::flat_hash_set<const graph::Node*> absorbed_;  // epilogue nodes emitted with their op
  absl::flat_hash_map<const graph::Node*, std::pair<const graph::Node*, std::vector<const graph::Node*>>>
      pending_linear_;  // last epilogue node -> (op, epilogue)
  std::map<const graph::Value*, std::vector<const graph::Node*>> open_;  // group result -> nodes
  absl::flat_hash_map<const graph::Node*, size_t> order_;                // position in execution order
};

}  // namespace

absl::StatusOr<std::vector<std::unique_ptr<Step>>> PlanSteps(const graph::Graph& subgraph, SlotMap& slots) {
  Planner planner(subgraph, slots);
  return planner.Plan();
}

}  // namespace braid::backends::gpu
