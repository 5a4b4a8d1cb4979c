// The op lowerings of the GPU executable layer: which nodes the kernel
// library can run (capability claims) and how each becomes a Step.
// Registration is explicit: op_registry.cc lists every family.
#ifndef BRAID_BACKENDS_GPU_EXEC_OPS_H_
#define BRAID_BACKENDS_GPU_EXEC_OPS_H_

#include <memory>
#include <span>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "backends/gpu/exec/step.h"
#include "graph/graph.h"

namespace braid::backends::gpu {

struct OpLowering {
  // Capability claim: OK when a kernel exists for this node's op, types and
  // attributes (inferred types must be known).
  absl::Status (*can_run)(const graph::Node& node);
  // Builds the step of a node that was claimed.
  absl::StatusOr<std::unique_ptr<Step>> (*build)(const graph::Node& node, SlotMap& slots);
};
using OpTable = absl::flat_hash_map<std::string, OpLowering>;

// Per-family registration (one function per source file).
void RegisterDataOps(OpTable& table);     // ops_data.cc
void RegisterPadGatherOps(OpTable& table);  // ops_pad_gather.cc
void RegisterReduceOps(OpTable& table);   // ops_reduce.cc
void RegisterImageOps(OpTable& table);    // ops_image.cc
void RegisterLinearOps(OpTable& table);   // ops_linear.cc

// The lowering for a non-elementwise node, or null.
const OpLowering* FindLowering(const graph::Node& node);

// Capability claim for any node: elementwise or not, with the checks every
// op shares (default domain, tensor types, rank limits).
absl::Status CanRunOnGpu(const graph::Node& node);

// Step name used in errors: "node 'name' (Op)".
std::string StepName(const graph::Node& node);

// ---- fusion entry points of the linear ops (ops_linear.cc)
// Whether `next` (the only consumer of op's output) can become part of
// op's epilogue given the epilogue nodes already absorbed.
bool CanFuseIntoEpilogue(const graph::Node& op, std::span<const graph::Node* const> absorbed,
                         const graph::Node& next);
// MatMul/Gemm/Conv followed by its absorbed epilogue nodes.
absl::StatusOr<std::unique_ptr<Step>> BuildLinearStep(const graph::Node& op,
                                                      std::span<const graph::Node* const> epilogue,
                                                      SlotMap& slots);

}  // namespace braid::backends::gpu

#endif  // BRAID_BACKENDS_GPU_EXEC_OPS_H_
