#include "backends/cpu/kernel_registry.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace braid::backends::cpu {

void KernelRegistry::Register(KernelDef def) {
  auto key = std::make_pair(def.domain, def.op_type);
  defs_[key].push_back(std::move(def));
}

bool KernelRegistry::HasKernel(const std::string& domain, const std::string& op_type, int opset) const {
  auto it = defs_.find({domain, op_type});
  if (it == defs_.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [opset](const KernelDef& d) { return opset >= d.since_version && opset <= d.end_version; });
}

absl::StatusOr<const KernelDef*> KernelRegistry::Find(const graph::Node& node) const {
  auto it = defs_.find({node.domain(), node.op_type()});
  std::string where = absl::StrCat(node.op_type(), " (domain '", node.domain().empty() ? "ai.onnx" : node.domain(),
                                   "', opset ", node.opset(), ")");
  if (it == defs_.end()) return absl::UnimplementedError(absl::StrCat("no CPU kernel for ", where));
  bool version_found = false;
  DataType type = DataType::kUndefined;
  for (const KernelDef& d : it->second) {
    if (node.opset() < d.since_version || node.opset() > d.end_version) continue;
    version_found = true;
    if (d.types.empty()) return &d;
    const graph::Value* in = node.input(d.type_input);
    type = in == nullptr ? DataType::kUndefined : in->type().ScalarType();
    if (type == DataType::kUndefined || std::find(d.types.begin(), d.types.end(), type) != d.types.end()) return &d;
  }
  if (!version_found) return absl::UnimplementedError(absl::StrCat("no CPU kernel for ", where, " at this opset"));
  return absl::UnimplementedError(absl::StrCat("no CPU kernel for ", where, " with element type ", DataTypeName(type)));
}

std::vector<std::pair<std::string, std::string>> KernelRegistry::Ops() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, defs] : defs_) out.push_back(key);
  return out;
}

const KernelRegistry& CpuKernelRegistry() {
  static const KernelRegistry* registry = [] {
    auto* r = new KernelRegistry();
    RegisterAllKernels(*r);
    return r;
  }();
  return *registry;
}

}  // namespace braid::backends::cpu
