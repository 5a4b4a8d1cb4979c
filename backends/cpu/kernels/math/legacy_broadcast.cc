#include "backends/cpu/kernels/math/legacy_broadcast.h"

#include "absl/strings/str_cat.h"

namespace braid::backends::cpu {

absl::StatusOr<LegacyBroadcast> LegacyBroadcast::Parse(const KernelInit& init) {
  LegacyBroadcast lb;
  if (init.opset() >= 7) return lb;
  BRAID_ASSIGN_OR_RETURN(int64_t broadcast, init.GetInt("broadcast", 0));
  lb.active_ = broadcast != 0;
  if (init.node().HasAttribute("axis")) {
    BRAID_ASSIGN_OR_RETURN(int64_t axis, init.GetInt("axis"));
    lb.axis_ = axis;
  }
  return lb;
}

absl::StatusOr<Tensor> LegacyBroadcast::AlignSecond(const Tensor& a, const Tensor& b) const {
  if (!active_ || !axis_.has_value()) return b;
  const int64_t rank = a.rank();
  int64_t axis = *axis_ < 0 ? *axis_ + rank : *axis_;
  if (axis < 0 || axis + b.rank() > rank) {
    return absl::InvalidArgumentError(absl::StrCat("legacy broadcast axis ", *axis_, " does not fit shape ",
                                                   ShapeToString(b.shape()), " into ", ShapeToString(a.shape())));
  }
  Shape shape = b.shape();
  shape.resize(static_cast<size_t>(rank - axis), 1);
  return b.Reshaped(std::move(shape));
}

}  // namespace braid::backends::cpu
