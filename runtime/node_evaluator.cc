#include "runtime/node_evaluator.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "braid/status_macros.h"

namespace braid::runtime {
namespace {

absl::StatusOr<std::vector<Tensor>> Evaluate(Device& device, const graph::Node& node, std::span<const Tensor> inputs) {
  if (inputs.size() != node.inputs().size()) {
    return absl::InvalidArgumentError(absl::StrCat("node '", node.name(), "': ", inputs.size(), " tensors for ",
                                                   node.inputs().size(), " inputs"));
  }
  graph::Graph g;
  g.set_name(absl::StrCat("eval_", node.name()));
  if (node.owner() != nullptr) {
    for (const auto& [domain, version] : node.owner()->opset_imports()) g.SetOpsetImport(domain, version);
  }
  graph::NodeSpec spec{node.name(), node.op_type(), node.domain(), node.opset(), {}, {}, node.attributes()};
  for (size_t i = 0; i < inputs.size(); ++i) {
    const graph::Value* v = node.input(i);
    if (v == nullptr) {
      spec.inputs.push_back("");
      continue;
    }
    if (!inputs[i].defined()) {
      return absl::InvalidArgumentError(absl::StrCat("node '", node.name(), "': no tensor for input '", v->name(), "'"));
    }
    if (g.FindValue(v->name()) == nullptr) {
      BRAID_RETURN_IF_ERROR(g.AddInitializer(v->name(), std::make_shared<const Tensor>(inputs[i])).status());
    }
    spec.inputs.push_back(v->name());
  }
  for (const graph::Value* v : node.outputs()) spec.outputs.push_back(v->name());
  BRAID_ASSIGN_OR_RETURN(graph::Node * copy, g.AddNode(spec));
  for (size_t i = 0; i < node.outputs().size(); ++i) {
    copy->outputs()[i]->set_type(node.outputs()[i]->type());
    BRAID_RETURN_IF_ERROR(g.AddOutput(copy->outputs()[i]));
  }
  CompileOptions options;
  options.intra_op_threads = 1;
  BRAID_ASSIGN_OR_RETURN(std::unique_ptr<Executable> exe, device.Compile(g, options));
  std::vector<Value> outputs;
  BRAID_RETURN_IF_ERROR(exe->Run({}, outputs, RunContext{}));
  std::vector<Tensor> result;
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (!outputs[i].is_tensor()) {
      return absl::UnimplementedError(absl::StrCat("node '", node.name(), "': output ", i, " is not a tensor"));
    }
    BRAID_ASSIGN_OR_RETURN(Tensor host, device.CopyToHost(outputs[i].tensor()));
    result.push_back(std::move(host));
  }
  return result;
}

}  // namespace

graph::NodeEvaluator MakeNodeEvaluator(Device& device) {
  return [&device](const graph::Node& node, std::span<const Tensor> inputs) {
    return Evaluate(device, node, inputs);
  };
}

}  // namespace braid::runtime
