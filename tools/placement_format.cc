#include "tools/placement_format.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace braid::tools {

std::string PlacementSummary(const PlacementReport& report) {
  std::map<std::string, std::map<std::string, int>> by_device;
  for (const auto& n : report.nodes) ++by_device[n.device][n.op_type];
  std::string out;
  for (const auto& [device, ops] : by_device) {
    int total = 0;
    std::vector<std::string> parts;
    for (const auto& [op, count] : ops) {
      total += count;
      parts.push_back(absl::StrCat(op, " x", count));
    }
    absl::StrAppend(&out, "  ", device, ": ", total, " nodes (", absl::StrJoin(parts, ", "), ")\n");
  }
  absl::StrAppend(&out, "  ", report.partitions, " partition(s), ", report.boundary_copies,
                  " tensor copies between devices per run (", report.boundary_bytes, " bytes where shapes are static)\n");
  return out;
}

std::string PlacementTable(const PlacementReport& report) {
  std::string out;
  for (const auto& n : report.nodes) {
    absl::StrAppend(&out, "  ", n.node, " (", n.op_type, ") -> ", n.device);
    if (!n.reason.empty()) absl::StrAppend(&out, "   [", n.reason, "]");
    absl::StrAppend(&out, "\n");
  }
  return out;
}

}  // namespace braid::tools
