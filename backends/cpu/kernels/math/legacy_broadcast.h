// Broadcasting of binary ops before opset 7: with `broadcast` = 1 the second
// operand's shape must match a contiguous run of the first operand's dims,
// starting at `axis` (default: aligned to the trailing dims). From opset 7 on
// both operands broadcast numpy-style and the attributes are gone.
#ifndef BRAID_BACKENDS_CPU_KERNELS_MATH_LEGACY_BROADCAST_H_
#define BRAID_BACKENDS_CPU_KERNELS_MATH_LEGACY_BROADCAST_H_

#include <optional>

#include "absl/status/statusor.h"
#include "backends/cpu/kernel.h"
#include "braid/tensor.h"

namespace braid::backends::cpu {

class LegacyBroadcast {
 public:
  // Reads `broadcast` and `axis` when init.opset() < 7; otherwise inactive.
  static absl::StatusOr<LegacyBroadcast> Parse(const KernelInit& init);

  // `b` reshaped (a view) so that numpy broadcasting against `a` gives the
  // legacy alignment; `b` itself when inactive or no reshape is needed.
  absl::StatusOr<Tensor> AlignSecond(const Tensor& a, const Tensor& b) const;

 private:
  bool active_ = false;
  std::optional<int64_t> axis_;
};

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNELS_MATH_LEGACY_BROADCAST_H_
