#include "runtime/optimizer.h"

namespace braid::runtime {

absl::Status OptimizeGraph(graph::Graph& graph, Device& cpu, std::span<Device* const> devices) {
  return graph.TopologicalSort();
}

}  // namespace braid::runtime
