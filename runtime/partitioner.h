// Assigns every node to a device and cuts the graph into per-device
// partitions (subgraphs) in execution order.
//
// A node goes to the first device in preference order that claims it
// (Device::CanRun); the host CPU device, always last, takes the rest. A
// partition whose compilation fails on its device falls back to the CPU.
// Values crossing between partitions on different devices are copied by
// the session; the report counts them.
#ifndef BRAID_RUNTIME_PARTITIONER_H_
#define BRAID_RUNTIME_PARTITIONER_H_

#include <memory>
#include <regex>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "braid/backend.h"
#include "braid/runtime.h"
#include "graph/graph.h"

namespace braid::runtime {

struct Partition {
  Device* device = nullptr;
  std::unique_ptr<graph::Graph> subgraph;
  std::vector<std::string> input_names;   // outer values feeding subgraph->inputs(), in order
  std::vector<std::string> output_names;  // outer names of subgraph->outputs(), in order
  std::unique_ptr<Executable> executable;
};

struct PartitionPlan {
  std::vector<Partition> partitions;
  PlacementReport report;
};

// Partitions `graph` over `devices` (preference order; must end with the
// host CPU device) and compiles each partition. Fails, listing every such
// node with op, domain and opset, when some node can run on no device.
// A resolved SessionOptions::Pin.
struct DevicePin {
  std::regex node_regex;
  Device* device;
};

absl::StatusOr<PartitionPlan> PartitionAndCompile(const graph::Graph& graph, std::span<Device* const> devices,
                                                  const CompileOptions& options,
                                                  std::span<const DevicePin> pins = {});

// Copies `nodes` of `graph` into a standalone graph whose inputs are the
// non-constant values they read from outside, whose initializers are the
// constants they read, and whose outputs are the values read outside the
// set or returned by `graph`. Exposed for tests.
std::unique_ptr<graph::Graph> ExtractSubgraph(const graph::Graph& graph, std::span<const graph::Node* const> nodes,
                                              std::vector<std::string>& input_names,
                                              std::vector<std::string>& output_names);

}  // namespace braid::runtime

#endif  // BRAID_RUNTIME_PARTITIONER_H_
