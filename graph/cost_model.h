// Hardware-agnostic cost estimates from a graph's static shapes: floating-
// point operations and bytes moved per run. Values with unknown shapes
// count as zero, so estimates are lower bounds on dynamic graphs.
#ifndef BRAID_GRAPH_COST_MODEL_H_
#define BRAID_GRAPH_COST_MODEL_H_

#include <cstdint>

#include "graph/graph.h"

namespace braid::graph {

struct Cost {
  double flops = 0;  // multiply-add counted as 2
  double bytes = 0;  // inputs read + outputs written
  int64_t nodes = 0;
};

Cost EstimateNodeCost(const Node& node);
Cost EstimateGraphCost(const Graph& graph);

}  // namespace braid::graph

#endif  // BRAID_GRAPH_COST_MODEL_H_
