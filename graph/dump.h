// Readable text form of a graph, for `braid inspect` and debugging.
#ifndef BRAID_GRAPH_DUMP_H_
#define BRAID_GRAPH_DUMP_H_

#include <map>
#include <string>

#include "graph/graph.h"

namespace braid::graph {

// One line per input, initializer (summarized), node and output:
//   %y: float32[1,64,56,56] = Conv(%x, %w, %b) {kernel_shape=[3,3], pads=[1,1,1,1]}
// Nested graphs are indented beneath their node.
std::string DumpGraph(const Graph& graph, int indent = 0);

// Node count per op type (qualified with the domain outside ai.onnx),
// nested graphs included.
std::map<std::string, int> OpHistogram(const Graph& graph);

}  // namespace braid::graph

#endif  // BRAID_GRAPH_DUMP_H_
