#include "backends/cpu/kernels/math/nary_broadcast.h"

#include "backends/cpu/kernels/broadcast.h"

namespace braid::backends::cpu {

NaryBroadcastPlan::NaryBroadcastPlan(std::span<const Shape> inputs, const Shape& out)
    : num_inputs_(static_cast<int>(inputs.size())), steps_(inputs.size(), 1) {
  const size_t n = inputs.size();
  std::vector<std::vector<int64_t>> strides;
  for (const Shape& s : inputs) strides.push_back(BroadcastStrides(s, out));
  // Collapse adjacent dims whose broadcast pattern matches for all operands.
  struct D {
    int64_t size;
    std::vector<bool> bcast;
  };
  std::vector<D> dims;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 1) continue;
    D d{out[i], std::vector<bool>(n)};
    for (size_t k = 0; k < n; ++k) d.bcast[k] = strides[k][i] == 0;
    if (!dims.empty() && dims.back().bcast == d.bcast) {
      dims.back().size *= d.size;
    } else {
      dims.push_back(std::move(d));
    }
  }
  if (dims.empty()) return;
  const D& last = dims.back();
  inner_ = last.size;
  std::vector<int64_t> running(n);
  for (size_t k = 0; k < n; ++k) {
    steps_[k] = last.bcast[k] ? 0 : 1;
    running[k] = last.bcast[k] ? 1 : last.size;
  }
  const size_t outer_dims = dims.size() - 1;
  dims_.resize(outer_dims);
  strides_.resize(outer_dims * n);
  for (size_t i = outer_dims; i-- > 0;) {
    dims_[i] = dims[i].size;
    for (size_t k = 0; k < n; ++k) {
      strides_[i * n + k] = dims[i].bcast[k] ? 0 : running[k];
      if (!dims[i].bcast[k]) running[k] *= dims[i].size;
    }
    outer_ *= dims[i].size;
  }
}

void NaryBroadcastPlan::RunOffsets(int64_t run, std::span<int64_t> offsets) const {
  const size_t n = static_cast<size_t>(num_inputs_);
  for (size_t k = 0; k < n; ++k) offsets[k] = 0;
  for (size_t i = dims_.size(); i-- > 0;) {
    int64_t idx = run % dims_[i];
    run /= dims_[i];
    for (size_t k = 0; k < n; ++k) offsets[k] += idx * strides_[i * n + k];
  }
}

}  // namespace braid::backends::cpu
