// Evaluates single IR nodes on a device, for compile-time passes such as
// constant folding.
#ifndef BRAID_RUNTIME_NODE_EVALUATOR_H_
#define BRAID_RUNTIME_NODE_EVALUATOR_H_

#include "braid/backend.h"
#include "graph/passes/constant_folding.h"

namespace braid::runtime {

// An evaluator that copies the node into a one-node graph whose inputs are
// initializers holding the given tensors, compiles it on `device` (the host
// CPU device: results must be host tensors) and runs it once. Non-tensor
// results are an error. `device` must outlive the evaluator; calls are as
// thread-safe as the device's Compile.
graph::NodeEvaluator MakeNodeEvaluator(Device& device);

}  // namespace braid::runtime

#endif  // BRAID_RUNTIME_NODE_EVALUATOR_H_
