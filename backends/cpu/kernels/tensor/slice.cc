// Slice: starts/ends/axes attributes before opset 10, inputs (with steps)
// from opset 10 on. Contiguous results are views of the input.
#include <algorithm>
#include <limits>
#include <vector>

#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/tensor/strided_copy.h"
#include "backends/cpu/kernels/tensor/tensor_util.h"

namespace braid::backends::cpu {
namespace {

class SliceKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<SliceKernel>();
    k->from_attributes_ = init.opset() < 10;
    if (k->from_attributes_) {
      BRAID_ASSIGN_OR_RETURN(k->starts_, init.GetInts("starts"));
      BRAID_ASSIGN_OR_RETURN(k->ends_, init.GetInts("ends"));
      if (init.node().HasAttribute("axes")) {
        BRAID_ASSIGN_OR_RETURN(k->axes_, init.GetInts("axes"));
        k->has_axes_ = true;
      }
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* in, ctx.RequireTensor(0));
    std::vector<int64_t> starts = starts_, ends = ends_, axes = axes_, steps;
    bool has_axes = has_axes_;
    if (!from_attributes_) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* s, ctx.RequireTensor(1));
      BRAID_ASSIGN_OR_RETURN(const Tensor* e, ctx.RequireTensor(2));
      BRAID_ASSIGN_OR_RETURN(starts, ReadInt64s(ctx, *s, "starts"));
      BRAID_ASSIGN_OR_RETURN(ends, ReadInt64s(ctx, *e, "ends"));
      has_axes = ctx.has_input(3);
      if (has_axes) {
        BRAID_ASSIGN_OR_RETURN(axes, ReadInt64s(ctx, ctx.input(3), "axes"));
      }
      if (ctx.has_input(4)) {
        BRAID_ASSIGN_OR_RETURN(steps, ReadInt64s(ctx, ctx.input(4), "steps"));
      }
    }
    const size_t n = starts.size();
    if (ends.size() != n) return ctx.Error(absl::StrCat("starts has ", n, " entries, ends has ", ends.size()));
    if (!has_axes) {
      axes.resize(n);
      for (size_t i = 0; i < n; ++i) axes[i] = static_cast<int64_t>(i);
    } else if (axes.size() != n) {
      return ctx.Error(absl::StrCat("axes has ", axes.size(), " entries, starts has ", n));
    }
    if (steps.empty()) {
      steps.assign(n, 1);
    } else if (steps.size() != n) {
      return ctx.Error(absl::StrCat("steps has ", steps.size(), " entries, starts has ", n));
    }

    const int64_t r = in->rank();
    const Shape& dims = in->shape();
    std::vector<int64_t> begin(r, 0), step(r, 1);
    Shape out_shape = dims;
    std::vector<bool> seen(r, false);
    for (size_t i = 0; i < n; ++i) {
      BRAID_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(ctx, axes[i], r));
      if (seen[a]) return ctx.Error(absl::StrCat("axis ", axes[i], " appears more than once in axes"));
      seen[a] = true;
      if (steps[i] == 0) return ctx.Error(absl::StrCat("step for axis ", axes[i], " is 0"));
      const int64_t d = dims[a], st = steps[i];
      int64_t b = starts[i], e = ends[i];
      if (b < 0) b += d;
      if (e < 0) e += d;
      int64_t count;
      if (st > 0) {
        b = std::clamp<int64_t>(b, 0, d);
        e = std::clamp<int64_t>(e, 0, d);
        count = e > b ? (e - b + st - 1) / st : 0;
      } else {
        b = std::clamp<int64_t>(b, 0, d - 1);
        e = std::clamp<int64_t>(e, -1, d - 1);
        count = b > e ? (b - e + (-st) - 1) / (-st) : 0;
      }
      begin[a] = count > 0 ? b : 0;
      step[a] = st;
      out_shape[a] = count;
    }

    std::vector<int64_t> in_strides = ContiguousStrides(dims);
    int64_t offset = 0;
    std::vector<int64_t> strides(r);
    for (int64_t k = 0; k < r; ++k) {
      offset += begin[k] * in_strides[k];
      strides[k] = step[k] * in_strides[k];
    }
    if (IsContiguous(dims, out_shape, step) && in->location().is_host()) {
      ctx.SetOutput(0, SubView(*in, offset, std::move(out_shape)));
      return absl::OkStatus();
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, in->dtype(), out_shape));
    if (out->num_elements() == 0) return absl::OkStatus();
    const std::byte* src = static_cast<const std::byte*>(in->raw_data()) +
                           offset * static_cast<int64_t>(DataTypeSize(in->dtype()));
    return StridedCopy(ctx, in->dtype(), out->raw_data(), out_shape, src, strides);
  }

 private:
  // True when the selected elements form one contiguous range of the input:
  // outside the innermost partially-taken dim, every dim has extent 1
  // (outer) or is taken whole with step 1 (inner).
  static bool IsContiguous(const Shape& dims, const Shape& out, const std::vector<int64_t>& step) {
    const int64_t r = static_cast<int64_t>(dims.size());
    int64_t k = r - 1;
    while (k >= 0 && out[k] == dims[k] && (step[k] == 1 || dims[k] <= 1)) --k;
    if (k < 0) return true;
    if (step[k] != 1 && out[k] > 1) return false;
    for (int64_t j = 0; j < k; ++j) {
      if (out[j] != 1) return false;
    }
    return true;
  }

  bool from_attributes_ = false;
  bool has_axes_ = false;
  std::vector<int64_t> starts_, ends_, axes_;
};

}  // namespace

void RegisterSliceKernels(KernelRegistry& r) { r.Add("Slice", FactoryOf<SliceKernel>()); }

}  // namespace braid::backends::cpu
