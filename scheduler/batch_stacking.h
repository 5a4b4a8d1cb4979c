// Stacking a batch of requests into one run: every input tensor of every
// request joined along dimension 0, and the run's outputs cut back into one
// set per request. This is what lets a device run a batch as one call
// instead of one call per request.
#ifndef BRAID_SCHEDULER_BATCH_STACKING_H_
#define BRAID_SCHEDULER_BATCH_STACKING_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "braid/runtime.h"

namespace braid::scheduler {

struct StackedBatch {
  NamedValues inputs;               // each input joined along dimension 0
  std::vector<int64_t> item_sizes;  // dimension 0 of each request's inputs
};

// Joins the requests' inputs along dimension 0, or returns nullopt when the
// batch cannot be stacked: fewer than two requests; a model input whose
// leading dimension is fixed (`model_inputs` dims[0] != -1) or whose rank
// is unknown; requests naming different inputs; a value that is not a host
// tensor of a fixed-size type (strings are not stacked); tensors of one
// name that differ in type or in any dimension but the first; or requests
// whose inputs disagree on their own leading dimension.
std::optional<StackedBatch> StackAlongBatch(const std::vector<NamedValues>& requests,
                                            const std::vector<IoInfo>& model_inputs);

// Cuts each output along dimension 0 into consecutive pieces of
// `item_sizes`. Fails (so the caller runs the requests one by one) when an
// output is not a host tensor of a fixed-size type or its leading dimension
// is not the sum of `item_sizes`.
absl::StatusOr<std::vector<NamedValues>> SplitAlongBatch(const NamedValues& outputs,
                                                         const std::vector<int64_t>& item_sizes);

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_BATCH_STACKING_H_
