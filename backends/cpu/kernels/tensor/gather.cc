// Index-driven reads: Gather, GatherElements, GatherND. Every index is
// range-checked before any element moves; negative indices count from the
// end of their axis.
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/tensor/tensor_util.h"

namespace braid::backends::cpu {
namespace {

using IndexTypes = TypeList<int32_t, int64_t>;

absl::Status DispatchIndex(const KernelContext& ctx, const Tensor& indices, auto&& f) {
  if (indices.dtype() != DataType::kInt32 && indices.dtype() != DataType::kInt64) {
    return ctx.Error(absl::StrCat("indices must be int32 or int64, got ", DataTypeName(indices.dtype())));
  }
  return Dispatch<IndexTypes>(indices.dtype(), f);
}

class GatherKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<GatherKernel>();
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis", 0));
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* data, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* indices, ctx.RequireTensor(1));
    const int64_t r = data->rank();
    if (r == 0) return ctx.Error("data must have rank >= 1, got a scalar");
    BRAID_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(ctx, axis_, r));
    Shape out_shape(data->shape().begin(), data->shape().begin() + axis);
    out_shape.insert(out_shape.end(), indices->shape().begin(), indices->shape().end());
    out_shape.insert(out_shape.end(), data->shape().begin() + axis + 1, data->shape().end());
    const int64_t outer = DimProduct(data->shape(), 0, axis);
    const int64_t inner = DimProduct(data->shape(), axis + 1, r);
    const int64_t dim = data->dim(axis);
    const int64_t n = indices->num_elements();
    return DispatchIndex(ctx, *indices, [&](auto itag) -> absl::Status {
      using I = decltype(itag);
      const I* idx = indices->data<I>();
      BRAID_RETURN_IF_ERROR(CheckIndices(ctx, idx, n, dim, axis));
      BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, data->dtype(), out_shape));
      if (out->num_elements() == 0) return absl::OkStatus();
      return DispatchByStorage(data->dtype(), [&](auto tag) -> absl::Status {
        using T = decltype(tag);
        const T* src = data->data<T>();
        T* dst = out->data<T>();
        ctx.ParallelFor(outer * n, static_cast<double>(inner) + 3.0, [&](int64_t begin, int64_t end) {
          int64_t o = begin / n, j = begin % n;
          for (int64_t item = begin; item < end; ++item) {
            int64_t i = static_cast<int64_t>(idx[j]);
            if (i < 0) i += dim;
            const T* s = src + (o * dim + i) * inner;
            if (inner == 1) {
              dst[item] = *s;
            } else {
              CopyRun(dst + item * inner, s, inner);
            }
            if (++j == n) {
              j = 0;
              ++o;
            }
          }
        });
        return absl::OkStatus();
      });
    });
  }

 private:
  int64_t axis_ = 0;
};

class GatherElementsKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<GatherElementsKernel>();
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis", 0));
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* data, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* indices, ctx.RequireTensor(1));
    const int64_t r = data->rank();
    if (r == 0) return ctx.Error("data must have rank >= 1, got a scalar");
    if (indices->rank() != r) {
      return ctx.Error(absl::StrCat("indices ", ShapeToString(indices->shape()), " must have the rank of data ",
                                    ShapeToString(data->shape())));
    }
    BRAID_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(ctx, axis_, r));
    for (int64_t k = 0; k < r; ++k) {
      if (k != axis && indices->dim(k) > data->dim(k)) {
        return ctx.Error(absl::StrCat("indices ", ShapeToString(indices->shape()), " exceed data ",
                                      ShapeToString(data->shape()), " on axis ", k));
      }
    }
    const int64_t dim = data->dim(axis);
    return DispatchIndex(ctx, *indices, [&](auto itag) -> absl::Status {
      using I = decltype(itag);
      const I* idx = indices->data<I>();
      BRAID_RETURN_IF_ERROR(CheckIndices(ctx, idx, indices->num_elements(), dim, axis));
      BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, data->dtype(), indices->shape()));
      if (out->num_elements() == 0) return absl::OkStatus();
      return DispatchByStorage(data->dtype(), [&](auto tag) -> absl::Status {
        using T = decltype(tag);
        Run<T, I>(ctx, *data, idx, indices->shape(), axis, out->data<T>());
        return absl::OkStatus();
      });
    });
  }

 private:
  // Rows are all index dims but the last; each row's data offset comes from
  // an odometer (the axis coordinate contributes through the index only).
  template <typename T, typename I>
  static void Run(const KernelContext& ctx, const Tensor& data, const I* idx, const Shape& ishape, int64_t axis,
                  T* dst) {
    const int64_t r = static_cast<int64_t>(ishape.size());
    const std::vector<int64_t> ds = ContiguousStrides(data.shape());
    const int64_t dim = data.dim(axis), axis_stride = ds[axis];
    const int64_t last = ishape[r - 1];
    const int64_t rows = DimProduct(ishape, 0, r - 1);
    const T* src = data.data<T>();
    const bool along_last = axis == r - 1;
    ctx.ParallelFor(rows, static_cast<double>(last) * 2.0 + 4.0, [&](int64_t begin, int64_t end) {
      std::vector<int64_t> pos(r > 1 ? r - 1 : 0);
      int64_t base = 0, rem = begin;
      for (int64_t k = r - 2; k >= 0; --k) {
        pos[k] = rem % ishape[k];
        rem /= ishape[k];
        if (k != axis) base += pos[k] * ds[k];
      }
      for (int64_t row = begin; row < end; ++row) {
        const I* ir = idx + row * last;
        T* o = dst + row * last;
        for (int64_t c = 0; c < last; ++c) {
          int64_t i = static_cast<int64_t>(ir[c]);
          if (i < 0) i += dim;
          o[c] = along_last ? src[base + i] : src[base + c + i * axis_stride];
        }
        for (int64_t k = r - 2; k >= 0; --k) {
          const int64_t step = k == axis ? 0 : ds[k];
          base += step;
          if (++pos[k] < ishape[k]) break;
          base -= step * ishape[k];
          pos[k] = 0;
        }
      }
    });
  }

  int64_t axis_ = 0;
};

class GatherNDKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<GatherNDKernel>();
    BRAID_ASSIGN_OR_RETURN(k->batch_dims_, init.GetInt("batch_dims", 0));
    if (k->batch_dims_ < 0) return init.Error(absl::StrCat("batch_dims must be >= 0, got ", k->batch_dims_));
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* data, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* indices, ctx.RequireTensor(1));
    const int64_t r = data->rank(), q = indices->rank(), b = batch_dims_;
    if (r < 1 || q < 1) return ctx.Error("data and indices must have rank >= 1");
    if (b >= std::min(r, q)) {
      return ctx.Error(absl::StrCat("batch_dims ", b, " must be less than the ranks of data (", r, ") and indices (",
                                    q, ")"));
    }
    for (int64_t k = 0; k < b; ++k) {
      if (data->dim(k) != indices->dim(k)) {
        return ctx.Error(absl::StrCat("batch dim ", k, " differs: data ", ShapeToString(data->shape()), ", indices ",
                                      ShapeToString(indices->shape())));
      }
    }
    const int64_t depth = indices->dim(q - 1);
    if (depth > r - b) {
      return ctx.Error(absl::StrCat("indices' last dim ", depth, " exceeds data rank ", r, " minus batch_dims ", b));
    }
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> idx, ReadInt64s(ctx, *indices, "indices"));
    Shape out_shape(indices->shape().begin(), indices->shape().end() - 1);
    out_shape.insert(out_shape.end(), data->shape().begin() + b + depth, data->shape().end());
    const int64_t slice = DimProduct(data->shape(), b + depth, r);
    const int64_t batches = DimProduct(data->shape(), 0, b);
    const int64_t batch_stride = DimProduct(data->shape(), b, r);
    const int64_t tuples = DimProduct(indices->shape(), 0, q - 1);
    const int64_t per_batch = batches > 0 ? tuples / batches : 0;
    const std::vector<int64_t> ds = ContiguousStrides(data->shape());
    std::vector<int64_t> offsets(tuples);
    for (int64_t t = 0; t < tuples; ++t) {
      int64_t off = per_batch > 0 ? (t / per_batch) * batch_stride : 0;
      for (int64_t j = 0; j < depth; ++j) {
        int64_t i = idx[t * depth + j];
        const int64_t dim = data->dim(b + j);
        if (i < -dim || i >= dim) {
          return ctx.Error(absl::StrCat("index ", i, " at position ", t * depth + j, " is out of range for data axis ",
                                        b + j, " of size ", dim, " (valid: [", -dim, ", ", dim, "))"));
        }
        if (i < 0) i += dim;
        off += i * ds[b + j];
      }
      offsets[t] = off;
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, data->dtype(), out_shape));
    if (out->num_elements() == 0) return absl::OkStatus();
    return DispatchByStorage(data->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      const T* src = data->data<T>();
      T* dst = out->data<T>();
      ctx.ParallelFor(tuples, static_cast<double>(slice) + 2.0, [&](int64_t begin, int64_t end) {
        for (int64_t t = begin; t < end; ++t) CopyRun(dst + t * slice, src + offsets[t], slice);
      });
      return absl::OkStatus();
    });
  }

 private:
  int64_t batch_dims_ = 0;
};

}  // namespace

void RegisterGatherKernels(KernelRegistry& r) {
  r.Add("Gather", FactoryOf<GatherKernel>());
  r.Add("GatherElements", FactoryOf<GatherElementsKernel>());
  r.Add("GatherND", FactoryOf<GatherNDKernel>());
}

}  // namespace braid::backends::cpu
