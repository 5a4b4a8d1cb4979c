#include "graph/clone.h"

#include "braid/status_macros.h"

namespace braid::graph {

absl::StatusOr<std::unique_ptr<Graph>> CloneGraph(const Graph& g) {
  auto out = std::make_unique<Graph>();
  out->set_name(g.name());
  for (const auto& [domain, version] : g.opset_imports()) out->SetOpsetImport(domain, version);
  for (const Value* v : g.inputs()) {
    BRAID_ASSIGN_OR_RETURN(Value * in, out->AddInput(v->name(), v->type()));
    if (v->initializer() != nullptr) out->SetInputDefault(in, v->initializer());
  }
  for (const Value* v : g.captures()) BRAID_RETURN_IF_ERROR(out->AddCapture(v->name(), v->type()).status());
  for (const Value* v : g.Initializers()) BRAID_RETURN_IF_ERROR(out->AddInitializer(v->name(), v->initializer()).status());
  for (const Node* n : g.nodes()) {
    NodeSpec spec{n->name(), n->op_type(), n->domain(), n->opset(), {}, {}, n->attributes()};
    for (const Value* v : n->inputs()) spec.inputs.push_back(v == nullptr ? "" : v->name());
    for (const Value* v : n->outputs()) spec.outputs.push_back(v->name());
    BRAID_ASSIGN_OR_RETURN(Node * copy, out->AddNode(spec));
    for (size_t i = 0; i < n->outputs().size(); ++i) copy->outputs()[i]->set_type(n->outputs()[i]->type());
    for (const Value* v : n->implicit_inputs()) out->AddImplicitInput(copy, out->FindValue(v->name()));
  }
  for (const Value* v : g.outputs()) BRAID_RETURN_IF_ERROR(out->AddOutput(out->FindValue(v->name())));
  return out;
}

}  // namespace braid::graph
