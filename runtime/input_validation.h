// Checks a caller's inputs against a model's declared inputs.
#ifndef BRAID_RUNTIME_INPUT_VALIDATION_H_
#define BRAID_RUNTIME_INPUT_VALIDATION_H_

#include <vector>

#include "absl/status/statusor.h"
#include "braid/runtime.h"
#include "graph/graph.h"

namespace braid::runtime {

// Returns the values for graph.inputs() in order: the caller's, or the
// input's default. Errors name the input: unknown name, given twice,
// missing, wrong kind (tensor vs sequence), dtype, rank or a fixed dim.
absl::StatusOr<std::vector<Value>> BindInputs(const graph::Graph& graph, const NamedValues& inputs);

}  // namespace braid::runtime

#endif  // BRAID_RUNTIME_INPUT_VALIDATION_H_
