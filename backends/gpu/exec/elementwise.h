// Elementwise ops (unary, binary, variadic, Where, Cast, BatchNormalization
// in inference form) and their fusion: a group of elementwise nodes whose
// intermediate values are used only inside the group runs as one fused
// program, one pass over the output.
#ifndef BRAID_BACKENDS_GPU_EXEC_ELEMENTWISE_H_
#define BRAID_BACKENDS_GPU_EXEC_ELEMENTWISE_H_

#include <memory>
#include <span>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "backends/gpu/exec/step.h"
#include "graph/graph.h"

namespace braid::backends::gpu {

// True when the node's op belongs to the elementwise family (whether or not
// this particular node can run).
bool IsElementwiseOp(const graph::Node& node);
// Capability claim for an elementwise node.
absl::Status CanRunElementwise(const graph::Node& node);
// Whether input i of `node` may be produced inside the same fused program
// (false for inputs that need a layout other than numpy broadcasting).
bool FusableInput(const graph::Node& node, size_t i);
// Whether the group fits one program (inputs, instructions).
bool FitsOneProgram(std::span<const graph::Node* const> nodes);
// One step running `nodes` (execution order; the last node's first output
// is the group's result, every other node's output is used only inside the
// group) as a single fused kernel. Precondition: every node was claimed.
absl::StatusOr<std::unique_ptr<Step>> BuildElementwiseStep(std::span<const graph::Node* const> nodes,
                                                           SlotMap& slots);

}  // namespace braid::backends::gpu

#endif  // BRAID_BACKENDS_GPU_EXEC_ELEMENTWISE_H_
