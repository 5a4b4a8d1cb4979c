#include "runtime/partitioner.h"

#include <map>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "braid/status_macros.h"

namespace braid::runtime {
namespace {

using graph::Node;
using graph::Value;

std::string DomainName(const std::string& d) { return d.empty() ? "ai.onnx" : d; }

// Picks a device per node; `forced_cpu` holds nodes whose partition failed
// to compile elsewhere, with the reason.
absl::Status AssignDevices(const graph::Graph& g, std::span<Device* const> devices, std::span<const DevicePin> pins,
                           const absl::flat_hash_map<const Node*, std::string>& forced_cpu,
                           std::vector<Device*>& assignment, std::vector<std::string>& reasons) {
  Device* cpu = devices.back();
  std::map<std::string, std::vector<std::string>> unsupported;  // op description -> node names
  assignment.clear();
  reasons.clear();
  for (const Node* node : g.nodes()) {
    Device* chosen = nullptr;
    std::vector<std::string> declined;
    auto forced = forced_cpu.find(node);
    Device* preferred = devices.front();
    for (const DevicePin& pin : pins) {
      if (!std::regex_match(node->name(), pin.node_regex)) continue;
      preferred = pin.device;
      if (forced == forced_cpu.end()) {
        absl::Status can = pin.device->CanRun(*node);
        if (can.ok()) {
          chosen = pin.device;
        } else {
          declined.push_back(absl::StrCat(pin.device->info().name, " (pinned): ", can.message()));
        }
      }
      break;
    }
    for (Device* d : devices) {
      if (chosen != nullptr) break;
      if (forced != forced_cpu.end() && d != cpu) continue;
      absl::Status can = d->CanRun(*node);
      if (can.ok()) {
        chosen = d;
        break;
      }
      declined.push_back(absl::StrCat(d->info().name, ": ", can.message()));
    }
    if (forced != forced_cpu.end()) declined.insert(declined.begin(), forced->second);
    if (chosen == nullptr) {
      unsupported[absl::StrCat(node->op_type(), " (domain '", DomainName(node->domain()), "', opset ", node->opset(),
                               ")")]
          .push_back(node->name());
    }
    assignment.push_back(chosen);
    reasons.push_back(chosen == preferred ? "" : absl::StrJoin(declined, "; "));
  }
  if (!unsupported.empty()) {
    std::vector<std::string> parts;
    for (const auto& [op, nodes] : unsupported) {
      std::vector<std::string> shown(nodes.begin(), nodes.begin() + std::min<size_t>(nodes.size(), 3));
      parts.push_back(absl::StrCat(op, " at node", nodes.size() > 1 ? "s " : " ", absl::StrJoin(shown, ", "),
                                   nodes.size() > 3 ? ", ..." : ""));
    }
    return absl::UnimplementedError(
        absl::StrCat("the model uses operators no device supports: ", absl::StrJoin(parts, "; ")));
  }
  return absl::OkStatus();
}

int64_t StaticBytes(const Value* v) {
  const graph::ValueType& t = v->type();
  if (!t.has_rank()) return 0;
  auto concrete = graph::ToConcrete(*t.shape);
  if (!concrete) return 0;
  absl::StatusOr<int64_t> n = ShapeElementCount(*concrete);
  return n.ok() ? *n * static_cast<int64_t>(DataTypeSize(t.elem_type)) : 0;
}

}  // namespace

std::unique_ptr<graph::Graph> ExtractSubgraph(const graph::Graph& g, std::span<const Node* const> nodes,
                                              std::vector<std::string>& input_names,
                                              std::vector<std::string>& output_names) {
  auto sub = std::make_unique<graph::Graph>();
  sub->set_name(g.name());
  for (const auto& [domain, version] : g.opset_imports()) sub->SetOpsetImport(domain, version);
  absl::flat_hash_set<const Node*> inside(nodes.begin(), nodes.end());
  auto bring_in = [&](const Value* v) {
    if (v == nullptr || sub->FindValue(v->name()) != nullptr) return;
    if (v->is_constant()) {
      (void)sub->AddInitializer(v->name(), v->initializer());
    } else {
      (void)sub->AddInput(v->name(), v->type());
      input_names.push_back(v->name());
    }
  };
  for (const Node* n : nodes) {
    for (const Value* v : n->inputs()) {
      if (v != nullptr && !(v->producer() && inside.contains(v->producer()))) bring_in(v);
    }
    for (const Value* v : n->implicit_inputs()) {
      if (!(v->producer() && inside.contains(v->producer()))) bring_in(v);
    }
    graph::NodeSpec spec{n->name(), n->op_type(), n->domain(), n->opset(), {}, {}, n->attributes()};
    for (const Value* v : n->inputs()) spec.inputs.push_back(v == nullptr ? "" : v->name());
    for (const Value* v : n->outputs()) spec.outputs.push_back(v->name());
    Node* copy = sub->AddNode(spec).value();  // names come from a valid graph
    for (size_t i = 0; i < n->outputs().size(); ++i) copy->outputs()[i]->set_type(n->outputs()[i]->type());
    for (const Value* v : n->implicit_inputs()) sub->AddImplicitInput(copy, sub->FindValue(v->name()));
  }
  for (const Node* n : nodes) {
    for (const Value* v : n->outputs()) {
      bool used_outside = v->is_graph_output();
      for (const Value::Use& use : v->uses()) used_outside |= !inside.contains(use.node);
      if (used_outside) {
        (void)sub->AddOutput(sub->FindValue(v->name()));
        output_names.push_back(v->name());
      }
    }
  }
  return sub;
}

absl::StatusOr<PartitionPlan> PartitionAndCompile(const graph::Graph& g, std::span<Device* const> devices,
                                                  const CompileOptions& options, std::span<const DevicePin> pins) {
  if (devices.empty() || !devices.back()->is_host()) {
    return absl::InternalError("partitioning needs the host CPU device last");
  }
  absl::flat_hash_map<const Node*, std::string> forced_cpu;
  const std::vector<Node*>& nodes = g.nodes();
  // Each round either compiles everything or moves a failed partition's
  // nodes to the CPU, so at most one round per partition is needed.
  for (size_t round = 0; round <= nodes.size() + 1; ++round) {
    std::vector<Device*> assignment;
    std::vector<std::string> reasons;
    BRAID_RETURN_IF_ERROR(AssignDevices(g, devices, pins, forced_cpu, assignment, reasons));
    PartitionPlan plan;
    bool retry = false;
    for (size_t begin = 0; begin < nodes.size() && !retry;) {
      size_t end = begin;
      while (end < nodes.size() && assignment[end] == assignment[begin]) ++end;
      Partition part;
      part.device = assignment[begin];
      std::vector<const Node*> members(nodes.begin() + begin, nodes.begin() + end);
      part.subgraph = ExtractSubgraph(g, members, part.input_names, part.output_names);
      absl::StatusOr<std::unique_ptr<Executable>> exe = part.device->Compile(*part.subgraph, options);
      if (!exe.ok()) {
        if (part.device->is_host()) return exe.status();
        std::string why = absl::StrCat(part.device->info().name, ": compile failed: ", exe.status().message());
        for (const Node* n : members) forced_cpu[n] = why;
        retry = true;
        break;
      }
      part.executable = *std::move(exe);
      plan.partitions.push_back(std::move(part));
      begin = end;
    }
    if (retry) continue;

    PlacementReport& report = plan.report;
    report.partitions = static_cast<int>(plan.partitions.size());
    for (size_t i = 0; i < nodes.size(); ++i) {
      report.nodes.push_back({nodes[i]->name(), nodes[i]->op_type(), assignment[i]->info().name, reasons[i]});
    }
    // Values whose producer and some consumer (or the caller) sit on different devices.
    absl::flat_hash_map<const Node*, Device*> device_of;
    for (size_t i = 0; i < nodes.size(); ++i) device_of[nodes[i]] = assignment[i];
    for (const Node* n : nodes) {
      for (const Value* v : n->outputs()) {
        absl::flat_hash_set<Device*> targets;
        for (const Value::Use& use : v->uses()) {
          auto it = device_of.find(use.node);
          if (it != device_of.end() && it->second != device_of[n]) targets.insert(it->second);
        }
        if (v->is_graph_output() && !device_of[n]->is_host()) targets.insert(devices.back());
        report.boundary_copies += static_cast<int64_t>(targets.size());
        report.boundary_bytes += static_cast<int64_t>(targets.size()) * StaticBytes(v);
      }
    }
    for (const Value* in : g.inputs()) {  // graph inputs consumed on a non-host device
      absl::flat_hash_set<Device*> targets;
      for (const Value::Use& use : in->uses()) {
        auto it = device_of.find(use.node);
        if (it != device_of.end() && !it->second->is_host()) targets.insert(it->second);
      }
      report.boundary_copies += static_cast<int64_t>(targets.size());
      report.boundary_bytes += static_cast<int64_t>(targets.size()) * StaticBytes(in);
    }
    return plan;
  }
  return absl::InternalError("partitioning did not converge");
}

}  // namespace braid::runtime
