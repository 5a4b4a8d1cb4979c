// Numpy-style broadcasting for element-wise kernels.
#ifndef BRAID_BACKENDS_CPU_KERNELS_BROADCAST_H_
#define BRAID_BACKENDS_CPU_KERNELS_BROADCAST_H_

#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "braid/tensor.h"

namespace braid::backends::cpu {

// The broadcast result of `shapes`, or InvalidArgument naming the first
// incompatible pair of dims.
absl::StatusOr<Shape> BroadcastShapes(std::span<const Shape> shapes);
absl::StatusOr<Shape> BroadcastShapes(const Shape& a, const Shape& b);

// Iteration plan for out[i] = f(a[...], b[...]) under broadcasting: the
// output is walked as `outer` runs of `inner` contiguous elements; within a
// run, a and b advance by a_step / b_step (1, or 0 when broadcast).
class BinaryBroadcastPlan {
 public:
  BinaryBroadcastPlan(const Shape& a, const Shape& b, const Shape& out);

  int64_t inner() const { return inner_; }
  int64_t outer() const { return outer_; }
  int64_t a_step() const { return a_step_; }
  int64_t b_step() const { return b_step_; }
  // Offsets into a and b where run `run` starts.
  void RunOffsets(int64_t run, int64_t& a_offset, int64_t& b_offset) const;

 private:
  int64_t inner_ = 1;
  int64_t outer_ = 1;
  int64_t a_step_ = 1;
  int64_t b_step_ = 1;
  // Collapsed outer dims (outermost first) and a/b strides along them.
  std::vector<int64_t> dims_;
  std::vector<int64_t> a_strides_;
  std::vector<int64_t> b_strides_;
};

// Strides (in elements) of a tensor of `shape` viewed as `out` under
// broadcasting: 0 along broadcast dims. Precondition: shape broadcasts to out.
std::vector<int64_t> BroadcastStrides(const Shape& shape, const Shape& out);

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNELS_BROADCAST_H_
