#include "backends/cpu/kernels/broadcast.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace braid::backends::cpu {

absl::StatusOr<Shape> BroadcastShapes(std::span<const Shape> shapes) {
  size_t rank = 0;
  for (const Shape& s : shapes) rank = std::max(rank, s.size());
  Shape out(rank, 1);
  for (const Shape& s : shapes) {
    size_t pad = rank - s.size();
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t d = s[i];
      int64_t& o = out[pad + i];
      if (d == o || d == 1) continue;
      if (o == 1) {
        o = d;
        continue;
      }
      std::string all;
      for (const Shape& t : shapes) absl::StrAppend(&all, all.empty() ? "" : " and ", ShapeToString(t));
      return absl::InvalidArgumentError(absl::StrCat("shapes ", all, " cannot be broadcast together"));
    }
  }
  return out;
}

absl::StatusOr<Shape> BroadcastShapes(const Shape& a, const Shape& b) {
  const Shape shapes[] = {a, b};
  return BroadcastShapes(std::span<const Shape>(shapes, 2));
}

std::vector<int64_t> BroadcastStrides(const Shape& shape, const Shape& out) {
  std::vector<int64_t> strides(out.size(), 0);
  int64_t stride = 1;
  size_t pad = out.size() - shape.size();
  for (size_t i = shape.size(); i-- > 0;) {
    strides[pad + i] = shape[i] == 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

BinaryBroadcastPlan::BinaryBroadcastPlan(const Shape& a, const Shape& b, const Shape& out) {
  std::vector<int64_t> as = BroadcastStrides(a, out);
  std::vector<int64_t> bs = BroadcastStrides(b, out);
  // Collapse adjacent dims whose broadcast pattern matches, dropping size-1 dims.
  struct D {
    int64_t size;
    bool a_bcast;
    bool b_bcast;
  };
  std::vector<D> dims;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == 1) continue;
    D d{out[i], as[i] == 0, bs[i] == 0};
    if (!dims.empty() && dims.back().a_bcast == d.a_bcast && dims.back().b_bcast == d.b_bcast) {
      dims.back().size *= d.size;
    } else {
      dims.push_back(d);
    }
  }
  if (dims.empty()) return;  // scalar output
  const D& last = dims.back();
  inner_ = last.size;
  a_step_ = last.a_bcast ? 0 : 1;
  b_step_ = last.b_bcast ? 0 : 1;
  // Strides of the collapsed dims, innermost first.
  int64_t a_stride = last.a_bcast ? 1 : last.size;
  int64_t b_stride = last.b_bcast ? 1 : last.size;
  for (size_t i = dims.size() - 1; i-- > 0;) {
    dims_.insert(dims_.begin(), dims[i].size);
    a_strides_.insert(a_strides_.begin(), dims[i].a_bcast ? 0 : a_stride);
    b_strides_.insert(b_strides_.begin(), dims[i].b_bcast ? 0 : b_stride);
    if (!dims[i].a_bcast) a_stride *= dims[i].size;
    if (!dims[i].b_bcast) b_stride *= dims[i].size;
    outer_ *= dims[i].size;
  }
}

void BinaryBroadcastPlan::RunOffsets(int64_t run, int64_t& a_offset, int64_t& b_offset) const {
  a_offset = 0;
  b_offset = 0;
  for (size_t i = dims_.size(); i-- > 0;) {
    int64_t idx = run % dims_[i];
    run /= dims_[i];
    a_offset += idx * a_strides_[i];
    b_offset += idx * b_strides_[i];
  }
}

}  // namespace braid::backends::cpu
