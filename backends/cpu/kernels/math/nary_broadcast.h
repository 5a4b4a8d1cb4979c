// Iteration plan for element-wise ops over several broadcast operands
// (Where, variadic Max/Min/Sum/Mean): the output is walked as `outer` runs of
// `inner` contiguous elements; within a run operand k advances by step(k)
// (1, or 0 when broadcast along the innermost collapsed dim).
#ifndef BRAID_BACKENDS_CPU_KERNELS_MATH_NARY_BROADCAST_H_
#define BRAID_BACKENDS_CPU_KERNELS_MATH_NARY_BROADCAST_H_

#include <cstdint>
#include <span>
#include <vector>

#include "braid/tensor.h"

namespace braid::backends::cpu {

class NaryBroadcastPlan {
 public:
  // Precondition: every shape in `inputs` broadcasts to `out`.
  NaryBroadcastPlan(std::span<const Shape> inputs, const Shape& out);

  int64_t inner() const { return inner_; }
  int64_t outer() const { return outer_; }
  int64_t step(int k) const { return steps_[k]; }
  // Element offsets of every operand where run `run` starts.
  void RunOffsets(int64_t run, std::span<int64_t> offsets) const;

 private:
  int num_inputs_ = 0;
  int64_t inner_ = 1;
  int64_t outer_ = 1;
  std::vector<int64_t> steps_;
  std::vector<int64_t> dims_;     // collapsed outer dims, outermost first
  std::vector<int64_t> strides_;  // [dim][operand]
};

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNELS_MATH_NARY_BROADCAST_H_
