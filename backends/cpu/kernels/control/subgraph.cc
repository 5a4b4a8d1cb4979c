#include "backends/cpu/kernels/control/subgraph.h"

#include "absl/strings/str_cat.h"

namespace braid::backends::cpu::control {

absl::StatusOr<BoundSubgraph> BoundSubgraph::Create(const KernelInit& init, std::string_view attribute) {
  BoundSubgraph b;
  absl::StatusOr<std::shared_ptr<graph::Graph>> g = init.node().GetGraph(attribute);
  if (!g.ok()) return init.Error(std::string(g.status().message()));
  if (*g == nullptr) return init.Error(absl::StrCat("attribute '", std::string(attribute), "' holds no graph"));
  b.graph_ = *std::move(g);
  const std::vector<graph::Value*>& implicit = init.node().implicit_inputs();
  for (const graph::Value* capture : b.graph_->captures()) {
    int found = -1;
    for (size_t i = 0; i < implicit.size(); ++i) {
      if (implicit[i] != nullptr && implicit[i]->name() == capture->name()) {
        found = static_cast<int>(i);
        break;
      }
    }
    if (found < 0) {
      return init.Error(absl::StrCat("graph '", std::string(attribute), "' reads outer value '", capture->name(),
                                     "', which the node does not list as an implicit input"));
    }
    b.capture_to_implicit_.push_back(found);
  }
  absl::StatusOr<std::unique_ptr<SubgraphRunner>> runner = init.CompileSubgraph(*b.graph_);
  if (!runner.ok()) {
    return absl::Status(runner.status().code(), absl::StrCat("node '", init.node().name(), "' (",
                                                             init.node().op_type(), "): in graph '",
                                                             std::string(attribute), "': ", runner.status().message()));
  }
  b.runner_ = *std::move(runner);
  return b;
}

std::vector<Value> BoundSubgraph::MakeInputs(const KernelContext& ctx) const {
  std::vector<Value> inputs(graph_->inputs().size() + capture_to_implicit_.size());
  size_t base = graph_->inputs().size();
  for (size_t c = 0; c < capture_to_implicit_.size(); ++c) {
    int idx = capture_to_implicit_[c];
    if (idx < ctx.num_implicit_inputs()) inputs[base + c] = ctx.implicit_input(idx);
  }
  return inputs;
}

absl::Status BoundSubgraph::Run(const KernelContext& ctx, std::span<const Value> inputs,
                                std::vector<Value>& outputs) const {
  BRAID_RETURN_IF_ERROR(runner_->Run(inputs, outputs, ctx));
  if (outputs.size() != graph_->outputs().size()) {
    return ctx.Error(absl::StrCat("subgraph '", graph_->name(), "' produced ", outputs.size(), " outputs, expected ",
                                  graph_->outputs().size()));
  }
  return absl::OkStatus();
}

}  // namespace braid::backends::cpu::control
