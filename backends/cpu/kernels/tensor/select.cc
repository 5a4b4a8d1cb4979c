// Data-dependent selection and reordering: NonZero, Compress,
// ReverseSequence.
#include <string>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/tensor/tensor_util.h"

namespace braid::backends::cpu {
namespace {

template <typename T>
inline bool IsNonZero(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return !v.empty();
  } else if constexpr (std::is_same_v<T, Float16> || std::is_same_v<T, BFloat16>) {
    return static_cast<float>(v) != 0.0f;
  } else {
    return v != T{0};
  }
}

// NonZero: int64 [rank, count] coordinates in row-major order; a scalar
// counts as a 1-D tensor of one element.
absl::Status NonZero(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(const Tensor* in, ctx.RequireTensor(0));
  Shape shape = in->rank() == 0 ? Shape{1} : in->shape();
  const int64_t r = static_cast<int64_t>(shape.size());
  const int64_t n = in->num_elements();
  absl::Status st = DispatchAll(in->dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    const T* p = in->data<T>();
    int64_t count = 0;
    for (int64_t i = 0; i < n; ++i) count += IsNonZero(p[i]) ? 1 : 0;
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, DataType::kInt64, {r, count}));
    int64_t* o = out->data<int64_t>();
    std::vector<int64_t> pos(r, 0);
    int64_t j = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (IsNonZero(p[i])) {
        for (int64_t k = 0; k < r; ++k) o[k * count + j] = pos[k];
        ++j;
      }
      for (int64_t k = r - 1; k >= 0; --k) {
        if (++pos[k] < shape[k]) break;
        pos[k] = 0;
      }
    }
    return absl::OkStatus();
  });
  if (absl::IsUnimplemented(st)) return ctx.Error(absl::StrCat("unsupported type ", DataTypeName(in->dtype())));
  return st;
}

class CompressKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<CompressKernel>();
    if (init.node().HasAttribute("axis")) {
      BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis"));
      k->has_axis_ = true;
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  // Entries of `condition` past the axis length are ignored.
  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* in, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* cond, ctx.RequireTensor(1));
    if (cond->dtype() != DataType::kBool || cond->rank() != 1) {
      return ctx.Error(absl::StrCat("condition must be a 1-D bool tensor, got ", DataTypeName(cond->dtype()),
                                    ShapeToString(cond->shape())));
    }
    Shape shape = in->shape();
    int64_t axis = 0;
    if (has_axis_) {
      BRAID_ASSIGN_OR_RETURN(axis, NormalizeAxis(ctx, axis_, in->rank()));
    } else {
      shape = {in->num_elements()};
    }
    const int64_t r = static_cast<int64_t>(shape.size());
    const int64_t dim = shape[axis];
    const int64_t outer = DimProduct(shape, 0, axis);
    const int64_t inner = DimProduct(shape, axis + 1, r);
    std::vector<int64_t> keep;
    const bool* c = cond->data<bool>();
    for (int64_t i = 0; i < std::min(dim, cond->num_elements()); ++i) {
      if (c[i]) keep.push_back(i);
    }
    Shape out_shape = shape;
    out_shape[axis] = static_cast<int64_t>(keep.size());
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, in->dtype(), out_shape));
    if (out->num_elements() == 0) return absl::OkStatus();
    const int64_t kept = static_cast<int64_t>(keep.size());
    return DispatchByStorage(in->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      const T* s = in->data<T>();
      T* d = out->data<T>();
      ctx.ParallelFor(outer, static_cast<double>(kept * inner) + 2.0, [&](int64_t b, int64_t e) {
        for (int64_t o = b; o < e; ++o) {
          for (int64_t j = 0; j < kept; ++j) {
            CopyRun(d + (o * kept + j) * inner, s + (o * dim + keep[j]) * inner, inner);
          }
        }
      });
      return absl::OkStatus();
    });
  }

 private:
  bool has_axis_ = false;
  int64_t axis_ = 0;
};

class ReverseSequenceKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<ReverseSequenceKernel>();
    BRAID_ASSIGN_OR_RETURN(k->batch_axis_, init.GetInt("batch_axis", 1));
    BRAID_ASSIGN_OR_RETURN(k->time_axis_, init.GetInt("time_axis", 0));
    const bool valid = (k->batch_axis_ == 0 && k->time_axis_ == 1) || (k->batch_axis_ == 1 && k->time_axis_ == 0);
    if (!valid) {
      return init.Error(absl::StrCat("batch_axis and time_axis must be 0 and 1 in some order, got ", k->batch_axis_,
                                     " and ", k->time_axis_));
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* in, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* lens_t, ctx.RequireTensor(1));
    if (in->rank() < 2) return ctx.Error(absl::StrCat("input must have rank >= 2, got ", ShapeToString(in->shape())));
    const int64_t batch = in->dim(batch_axis_), time = in->dim(time_axis_);
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> lens, ReadInt64s(ctx, *lens_t, "sequence_lens"));
    if (static_cast<int64_t>(lens.size()) != batch) {
      return ctx.Error(absl::StrCat("sequence_lens has ", lens.size(), " entries for batch size ", batch));
    }
    for (int64_t b = 0; b < batch; ++b) {
      if (lens[b] < 0 || lens[b] > time) {
        return ctx.Error(absl::StrCat("sequence_lens[", b, "] = ", lens[b], " is outside [0, ", time, "]"));
      }
    }
    const int64_t inner = DimProduct(in->shape(), 2, in->shape().size());
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, in->dtype(), in->shape()));
    if (out->num_elements() == 0) return absl::OkStatus();
    const bool time_major = time_axis_ == 0;
    return DispatchByStorage(in->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      const T* s = in->data<T>();
      T* d = out->data<T>();
      ctx.ParallelFor(batch * time, static_cast<double>(inner) + 2.0, [&](int64_t begin, int64_t end) {
        for (int64_t item = begin; item < end; ++item) {
          const int64_t b = item / time, t = item % time;
          const int64_t from = t < lens[b] ? lens[b] - 1 - t : t;
          const int64_t dst_row = time_major ? t * batch + b : b * time + t;
          const int64_t src_row = time_major ? from * batch + b : b * time + from;
          CopyRun(d + dst_row * inner, s + src_row * inner, inner);
        }
      });
      return absl::OkStatus();
    });
  }

 private:
  int64_t batch_axis_ = 1;
  int64_t time_axis_ = 0;
};

}  // namespace

void RegisterSelectKernels(KernelRegistry& r) {
  r.Add("NonZero", FunctionFactory(NonZero));
  r.Add("Compress", FactoryOf<CompressKernel>());
  r.Add("ReverseSequence", FactoryOf<ReverseSequenceKernel>());
}

}  // namespace braid::backends::cpu
