// Index-driven writes: Scatter (opset 9-10), ScatterElements, ScatterND,
// with the reductions of opset 16 (add, mul) and 18 (max, min). The output
// starts as a copy of data; updates are applied in index order, so with
// duplicate indices the last update wins (no reduction) or all combine.
#include <algorithm>
#include <string>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/tensor/tensor_util.h"

namespace braid::backends::cpu {
namespace {

enum class Reduction { kNone, kAdd, kMul, kMax, kMin };

absl::StatusOr<Reduction> ParseReduction(const KernelInit& init) {
  if (init.opset() < 16) return Reduction::kNone;
  BRAID_ASSIGN_OR_RETURN(std::string s, init.GetString("reduction", std::string("none")));
  if (s == "none") return Reduction::kNone;
  if (s == "add") return Reduction::kAdd;
  if (s == "mul") return Reduction::kMul;
  if (init.opset() >= 18 && s == "max") return Reduction::kMax;
  if (init.opset() >= 18 && s == "min") return Reduction::kMin;
  return init.Error(absl::StrCat("unsupported reduction '", s, "'"));
}

template <typename T, Reduction R>
inline void Combine(T& dst, const T& src) {
  if constexpr (R == Reduction::kNone) {
    dst = src;
  } else {
    using C = ComputeType<T>;
    const C a = CastTo<C>(dst), b = CastTo<C>(src);
    if constexpr (R == Reduction::kAdd) dst = CastTo<T>(static_cast<C>(a + b));
    if constexpr (R == Reduction::kMul) dst = CastTo<T>(static_cast<C>(a * b));
    if constexpr (R == Reduction::kMax) dst = CastTo<T>(std::max(a, b));
    if constexpr (R == Reduction::kMin) dst = CastTo<T>(std::min(a, b));
  }
}

// Calls f(T{}, std::integral_constant<Reduction, R>{}) for the element type
// and reduction; reductions need numeric or bool elements.
template <typename F>
absl::Status DispatchScatter(const KernelContext& ctx, DataType dtype, Reduction red, F&& f) {
  if (red == Reduction::kNone) {
    return DispatchByStorage(dtype, [&](auto tag) { return f(tag, std::integral_constant<Reduction, Reduction::kNone>{}); });
  }
  if (!IsNumeric(dtype) && dtype != DataType::kBool) {
    return ctx.Error(absl::StrCat("reduction needs numeric elements, got ", DataTypeName(dtype)));
  }
  return Dispatch<NumericBoolTypes>(dtype, [&](auto tag) -> absl::Status {
    switch (red) {
      case Reduction::kAdd: return f(tag, std::integral_constant<Reduction, Reduction::kAdd>{});
      case Reduction::kMul: return f(tag, std::integral_constant<Reduction, Reduction::kMul>{});
      case Reduction::kMax: return f(tag, std::integral_constant<Reduction, Reduction::kMax>{});
      default: return f(tag, std::integral_constant<Reduction, Reduction::kMin>{});
    }
  });
}

// out = copy of data, in parallel chunks.
absl::StatusOr<Tensor*> CopyOfData(KernelContext& ctx, const Tensor& data) {
  BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, data.dtype(), data.shape()));
  BRAID_RETURN_IF_ERROR(DispatchByStorage(data.dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    const T* s = data.data<T>();
    T* d = out->data<T>();
    constexpr int64_t kChunk = 16384;
    const int64_t n = data.num_elements();
    ctx.ParallelFor((n + kChunk - 1) / kChunk, kChunk, [&](int64_t b, int64_t e) {
      for (int64_t c = b; c < e; ++c) CopyRun(d + c * kChunk, s + c * kChunk, std::min(kChunk, n - c * kChunk));
    });
    return absl::OkStatus();
  }));
  return out;
}

class ScatterElementsKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<ScatterElementsKernel>();
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis", 0));
    BRAID_ASSIGN_OR_RETURN(k->reduction_, ParseReduction(init));
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* data, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* indices, ctx.RequireTensor(1));
    BRAID_ASSIGN_OR_RETURN(const Tensor* updates, ctx.RequireTensor(2));
    const int64_t r = data->rank();
    if (r == 0) return ctx.Error("data must have rank >= 1, got a scalar");
    BRAID_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(ctx, axis_, r));
    if (indices->rank() != r || indices->shape() != updates->shape()) {
      return ctx.Error(absl::StrCat("indices ", ShapeToString(indices->shape()), " and updates ",
                                    ShapeToString(updates->shape()), " must have equal shapes of data's rank ", r));
    }
    if (updates->dtype() != data->dtype()) {
      return ctx.Error(absl::StrCat("updates type ", DataTypeName(updates->dtype()), " differs from data type ",
                                    DataTypeName(data->dtype())));
    }
    for (int64_t k = 0; k < r; ++k) {
      if (k != axis && indices->dim(k) > data->dim(k)) {
        return ctx.Error(absl::StrCat("indices ", ShapeToString(indices->shape()), " exceed data ",
                                      ShapeToString(data->shape()), " on axis ", k));
      }
    }
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> idx, ReadInt64s(ctx, *indices, "indices"));
    const int64_t dim = data->dim(axis);
    BRAID_RETURN_IF_ERROR(CheckIndices(ctx, idx.data(), static_cast<int64_t>(idx.size()), dim, axis));
    BRAID_ASSIGN_OR_RETURN(Tensor * out, CopyOfData(ctx, *data));
    if (idx.empty()) return absl::OkStatus();
    const Shape& ishape = indices->shape();
    const std::vector<int64_t> ds = ContiguousStrides(data->shape());
    return DispatchScatter(ctx, data->dtype(), reduction_, [&](auto tag, auto red) -> absl::Status {
      using T = decltype(tag);
      constexpr Reduction R = decltype(red)::value;
      const T* upd = updates->data<T>();
      T* dst = out->data<T>();
      std::vector<int64_t> pos(r, 0);
      int64_t base = 0;  // data offset of pos, without the axis coordinate
      for (size_t p = 0; p < idx.size(); ++p) {
        int64_t i = idx[p] < 0 ? idx[p] + dim : idx[p];
        Combine<T, R>(dst[base + i * ds[axis]], upd[p]);
        for (int64_t k = r - 1; k >= 0; --k) {
          const int64_t step = k == axis ? 0 : ds[k];
          base += step;
          if (++pos[k] < ishape[k]) break;
          base -= step * ishape[k];
          pos[k] = 0;
        }
      }
      return absl::OkStatus();
    });
  }

 private:
  int64_t axis_ = 0;
  Reduction reduction_ = Reduction::kNone;
};

class ScatterNDKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<ScatterNDKernel>();
    BRAID_ASSIGN_OR_RETURN(k->reduction_, ParseReduction(init));
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* data, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* indices, ctx.RequireTensor(1));
    BRAID_ASSIGN_OR_RETURN(const Tensor* updates, ctx.RequireTensor(2));
    const int64_t r = data->rank(), q = indices->rank();
    if (r < 1 || q < 1) return ctx.Error("data and indices must have rank >= 1");
    const int64_t depth = indices->dim(q - 1);
    if (depth > r) return ctx.Error(absl::StrCat("indices' last dim ", depth, " exceeds data rank ", r));
    Shape expected(indices->shape().begin(), indices->shape().end() - 1);
    expected.insert(expected.end(), data->shape().begin() + depth, data->shape().end());
    if (updates->shape() != expected) {
      return ctx.Error(absl::StrCat("updates shape ", ShapeToString(updates->shape()), " must be ",
                                    ShapeToString(expected)));
    }
    if (updates->dtype() != data->dtype()) {
      return ctx.Error(absl::StrCat("updates type ", DataTypeName(updates->dtype()), " differs from data type ",
                                    DataTypeName(data->dtype())));
    }
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> idx, ReadInt64s(ctx, *indices, "indices"));
    const int64_t tuples = DimProduct(indices->shape(), 0, q - 1);
    const int64_t slice = DimProduct(data->shape(), depth, r);
    const std::vector<int64_t> ds = ContiguousStrides(data->shape());
    std::vector<int64_t> offsets(tuples);
    for (int64_t t = 0; t < tuples; ++t) {
      int64_t off = 0;
      for (int64_t j = 0; j < depth; ++j) {
        int64_t i = idx[t * depth + j];
        const int64_t dim = data->dim(j);
        if (i < -dim || i >= dim) {
          return ctx.Error(absl::StrCat("index ", i, " at position ", t * depth + j, " is out of range for data axis ",
                                        j, " of size ", dim, " (valid: [", -dim, ", ", dim, "))"));
        }
        off += (i < 0 ? i + dim : i) * ds[j];
      }
      offsets[t] = off;
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * out, CopyOfData(ctx, *data));
    return DispatchScatter(ctx, data->dtype(), reduction_, [&](auto tag, auto red) -> absl::Status {
      using T = decltype(tag);
      constexpr Reduction R = decltype(red)::value;
      const T* upd = updates->data<T>();
      T* dst = out->data<T>();
      for (int64_t t = 0; t < tuples; ++t) {
        T* d = dst + offsets[t];
        const T* u = upd + t * slice;
        for (int64_t e = 0; e < slice; ++e) Combine<T, R>(d[e], u[e]);
      }
      return absl::OkStatus();
    });
  }

 private:
  Reduction reduction_ = Reduction::kNone;
};

}  // namespace

void RegisterScatterKernels(KernelRegistry& r) {
  r.Add("Scatter", 9, INT_MAX, FactoryOf<ScatterElementsKernel>());
  r.Add("ScatterElements", FactoryOf<ScatterElementsKernel>());
  r.Add("ScatterND", FactoryOf<ScatterNDKernel>());
}

}  // namespace braid::backends::cpu
