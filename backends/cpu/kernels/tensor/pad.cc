// Pad: constant, reflect, edge and wrap modes. Pads (and the constant) are
// attributes before opset 11 and inputs from opset 11 on; negative pads
// crop. Opset 18's `axes` input selects which axes the pads refer to.
#include <string>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/tensor/tensor_util.h"

namespace braid::backends::cpu {
namespace {

enum class PadMode { kConstant, kReflect, kEdge, kWrap };

// Input coordinate read by output coordinate `x` of an axis of size `dim`
// padded by `before`, or -1 for the constant.
int64_t SourceIndex(PadMode mode, int64_t x, int64_t before, int64_t dim) {
  int64_t i = x - before;
  if (i >= 0 && i < dim) return i;
  switch (mode) {
    case PadMode::kConstant: return -1;
    case PadMode::kEdge: return i < 0 ? 0 : dim - 1;
    case PadMode::kWrap: return ((i % dim) + dim) % dim;
    case PadMode::kReflect: {
      if (dim == 1) return 0;
      const int64_t period = 2 * (dim - 1);
      i = ((i % period) + period) % period;
      return i < dim ? i : period - i;
    }
  }
  return -1;
}

template <typename T>
void PadRows(const KernelContext& ctx, const T* src, const Shape& in_shape, T* dst, const Shape& out_shape,
             const std::vector<std::vector<int64_t>>& maps, const std::vector<int64_t>& before, const T& value) {
  const int64_t r = static_cast<int64_t>(out_shape.size());
  const std::vector<int64_t> is = ContiguousStrides(in_shape);
  const int64_t width = out_shape[r - 1];
  const int64_t in_width = in_shape[r - 1];
  const std::vector<int64_t>& last = maps[r - 1];
  // Output columns [mid_begin, mid_end) copy input columns contiguously.
  const int64_t mid_begin = std::clamp<int64_t>(before[r - 1], 0, width);
  const int64_t mid_end = std::clamp<int64_t>(before[r - 1] + in_width, mid_begin, width);
  const int64_t mid_src = mid_begin - before[r - 1];
  const int64_t rows = DimProduct(out_shape, 0, r - 1);
  ctx.ParallelFor(rows, static_cast<double>(width) + 4.0, [&](int64_t begin, int64_t end) {
    std::vector<int64_t> pos(r - 1);
    int64_t rem = begin;
    for (int64_t k = r - 2; k >= 0; --k) {
      pos[k] = rem % out_shape[k];
      rem /= out_shape[k];
    }
    for (int64_t row = begin; row < end; ++row) {
      T* d = dst + row * width;
      int64_t off = 0;
      bool constant_row = false;
      for (int64_t k = 0; k < r - 1; ++k) {
        const int64_t i = maps[k][pos[k]];
        if (i < 0) {
          constant_row = true;
          break;
        }
        off += i * is[k];
      }
      if (constant_row) {
        FillRun(d, value, width);
      } else {
        const T* s = src + off;
        for (int64_t x = 0; x < mid_begin; ++x) d[x] = last[x] < 0 ? value : s[last[x]];
        CopyRun(d + mid_begin, s + mid_src, mid_end - mid_begin);
        for (int64_t x = mid_end; x < width; ++x) d[x] = last[x] < 0 ? value : s[last[x]];
      }
      for (int64_t k = r - 2; k >= 0; --k) {
        if (++pos[k] < out_shape[k]) break;
        pos[k] = 0;
      }
    }
  });
}

class PadKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<PadKernel>();
    BRAID_ASSIGN_OR_RETURN(std::string mode, init.GetString("mode", std::string("constant")));
    if (mode == "constant") {
      k->mode_ = PadMode::kConstant;
    } else if (mode == "reflect") {
      k->mode_ = PadMode::kReflect;
    } else if (mode == "edge") {
      k->mode_ = PadMode::kEdge;
    } else if (mode == "wrap" && init.opset() >= 19) {
      k->mode_ = PadMode::kWrap;
    } else {
      return init.Error(absl::StrCat("unsupported mode '", mode, "'"));
    }
    k->from_attributes_ = init.opset() < 11;
    if (k->from_attributes_) {
      BRAID_ASSIGN_OR_RETURN(k->pads_, init.GetInts(init.opset() < 2 ? "paddings" : "pads"));
      BRAID_ASSIGN_OR_RETURN(k->value_, init.GetFloat("value", 0.0f));
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* in, ctx.RequireTensor(0));
    const int64_t r = in->rank();
    std::vector<int64_t> pads = pads_;
    if (!from_attributes_) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* p, ctx.RequireTensor(1));
      BRAID_ASSIGN_OR_RETURN(pads, ReadInt64s(ctx, *p, "pads"));
    }
    std::vector<int64_t> before(r, 0), after(r, 0);
    if (ctx.has_input(3)) {
      BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> axes, ReadInt64s(ctx, ctx.input(3), "axes"));
      const size_t n = axes.size();
      if (pads.size() != 2 * n) return ctx.Error(absl::StrCat("pads has ", pads.size(), " entries for ", n, " axes"));
      for (size_t i = 0; i < n; ++i) {
        BRAID_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(ctx, axes[i], r));
        before[a] = pads[i];
        after[a] = pads[n + i];
      }
    } else {
      if (static_cast<int64_t>(pads.size()) != 2 * r) {
        return ctx.Error(absl::StrCat("pads has ", pads.size(), " entries, expected ", 2 * r, " for rank ", r));
      }
      for (int64_t k = 0; k < r; ++k) {
        before[k] = pads[k];
        after[k] = pads[r + k];
      }
    }
    Shape out_shape(r);
    std::vector<std::vector<int64_t>> maps(r);
    for (int64_t k = 0; k < r; ++k) {
      const int64_t dim = in->dim(k);
      out_shape[k] = dim + before[k] + after[k];
      if (out_shape[k] < 0) {
        return ctx.Error(absl::StrCat("pads ", before[k], ", ", after[k], " shrink axis ", k, " of size ", dim,
                                      " below zero"));
      }
      if (mode_ != PadMode::kConstant && dim == 0 && out_shape[k] > 0) {
        return ctx.Error(absl::StrCat("cannot pad empty axis ", k, " in this mode"));
      }
      maps[k].resize(out_shape[k]);
      for (int64_t x = 0; x < out_shape[k]; ++x) maps[k][x] = SourceIndex(mode_, x, before[k], dim);
    }

    // The constant as a one-element tensor of the data type.
    Tensor value;
    if (from_attributes_) {
      BRAID_ASSIGN_OR_RETURN(value, Tensor::Create(in->dtype(), {}));
      if (in->dtype() != DataType::kString) {
        BRAID_RETURN_IF_ERROR(Dispatch<NumericBoolTypes>(in->dtype(), [&](auto tag) -> absl::Status {
          using T = decltype(tag);
          *value.data<T>() = CastTo<T>(value_);
          return absl::OkStatus();
        }));
      }
    } else if (ctx.has_input(2)) {
      value = ctx.input(2);
      if (value.dtype() != in->dtype() || value.num_elements() != 1) {
        return ctx.Error(absl::StrCat("constant_value must be one ", DataTypeName(in->dtype()), " element, got ",
                                      DataTypeName(value.dtype()), ShapeToString(value.shape())));
      }
    } else {
      BRAID_ASSIGN_OR_RETURN(value, Tensor::Create(in->dtype(), {}));  // zero / empty string
    }

    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, in->dtype(), out_shape));
    if (out->num_elements() == 0) return absl::OkStatus();
    return DispatchByStorage(in->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      const T v = *value.data<T>();
      if (r == 0) {
        *out->data<T>() = *in->data<T>();
        return absl::OkStatus();
      }
      PadRows<T>(ctx, in->data<T>(), in->shape(), out->data<T>(), out_shape, maps, before, v);
      return absl::OkStatus();
    });
  }

 private:
  PadMode mode_ = PadMode::kConstant;
  bool from_attributes_ = false;
  std::vector<int64_t> pads_;
  float value_ = 0.0f;
};

}  // namespace

void RegisterPadKernels(KernelRegistry& r) { r.Add("Pad", FactoryOf<PadKernel>()); }

}  // namespace braid::backends::cpu
