// Text rendering of a session's placement report.
#ifndef BRAID_TOOLS_PLACEMENT_FORMAT_H_
#define BRAID_TOOLS_PLACEMENT_FORMAT_H_

#include <string>

#include "braid/runtime.h"

namespace braid::tools {

// Per device: node count and op histogram; then partitions and copies.
std::string PlacementSummary(const PlacementReport& report);
// One line per node: "name (Op) -> device [reason it is not on the preferred device]".
std::string PlacementTable(const PlacementReport& report);

}  // namespace braid::tools

#endif  // BRAID_TOOLS_PLACEMENT_FORMAT_H_
