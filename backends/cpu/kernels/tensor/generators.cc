// Ops that build tensors from small descriptions: ConstantOfShape, Range,
// EyeLike, OneHot.
#include <cmath>
#include <string>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/tensor/tensor_util.h"

namespace braid::backends::cpu {
namespace {

// Elements of a numeric tensor converted to int64 (floats truncate).
absl::StatusOr<std::vector<int64_t>> NumericAsInt64(const KernelContext& ctx, const Tensor& t, const char* what) {
  std::vector<int64_t> out(t.num_elements());
  absl::Status st = DispatchNumeric(t.dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    const T* p = t.data<T>();
    for (int64_t i = 0; i < t.num_elements(); ++i) {
      const double v = static_cast<double>(CastTo<ComputeType<T>>(p[i]));
      if (!(v >= -9.2e18 && v <= 9.2e18)) return ctx.Error(absl::StrCat(what, " value ", v, " is not a valid index"));
      out[i] = CastTo<int64_t>(p[i]);
    }
    return absl::OkStatus();
  });
  if (st.ok()) return out;
  if (absl::IsInvalidArgument(st)) return st;
  return ctx.Error(absl::StrCat(what, " must be numeric, got ", DataTypeName(t.dtype())));
}

class ConstantOfShapeKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<ConstantOfShapeKernel>();
    if (init.node().HasAttribute("value")) {
      BRAID_ASSIGN_OR_RETURN(k->value_, init.node().GetTensor("value"));
      if (k->value_.num_elements() != 1) {
        return init.Error(absl::StrCat("value must hold one element, got ", k->value_.num_elements()));
      }
      if (!k->value_.location().is_host()) return init.Error("value must be a host tensor");
    } else {
      k->value_ = Tensor::Scalar<float>(0.0f);
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* shape_t, ctx.RequireTensor(0));
    if (shape_t->rank() > 1) return ctx.Error(absl::StrCat("shape must be 1-D, got ", ShapeToString(shape_t->shape())));
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> dims, ReadInt64s(ctx, *shape_t, "shape"));
    for (int64_t d : dims) {
      if (d < 0) return ctx.Error(absl::StrCat("shape has a negative dim ", d));
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, value_.dtype(), Shape(dims.begin(), dims.end())));
    return DispatchByStorage(value_.dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      const T v = *value_.data<T>();
      T* d = out->data<T>();
      const int64_t n = out->num_elements();
      constexpr int64_t kChunk = 16384;
      ctx.ParallelFor((n + kChunk - 1) / kChunk, kChunk, [&](int64_t b, int64_t e) {
        for (int64_t c = b; c < e; ++c) FillRun(d + c * kChunk, v, std::min(kChunk, n - c * kChunk));
      });
      return absl::OkStatus();
    });
  }

 private:
  Tensor value_;
};

absl::Status Range(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(const Tensor* start_t, ctx.RequireTensor(0));
  BRAID_ASSIGN_OR_RETURN(const Tensor* limit_t, ctx.RequireTensor(1));
  BRAID_ASSIGN_OR_RETURN(const Tensor* delta_t, ctx.RequireTensor(2));
  const DataType dt = start_t->dtype();
  for (const Tensor* t : {start_t, limit_t, delta_t}) {
    if (t->dtype() != dt || t->num_elements() != 1) {
      return ctx.Error("start, limit and delta must be single elements of one type");
    }
  }
  using RangeTypes = TypeList<float, double, int16_t, int32_t, int64_t>;
  absl::Status st = Dispatch<RangeTypes>(dt, [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    const T start = *start_t->data<T>(), limit = *limit_t->data<T>(), delta = *delta_t->data<T>();
    if (delta == 0) return ctx.Error("delta must not be 0");
    int64_t n;
    if constexpr (std::is_integral_v<T>) {
      const int64_t span = static_cast<int64_t>(limit) - static_cast<int64_t>(start);
      const int64_t step = static_cast<int64_t>(delta);
      n = (span != 0 && (span > 0) == (step > 0)) ? (span + step - (step > 0 ? 1 : -1)) / step : 0;
    } else {
      const double c = std::ceil((static_cast<double>(limit) - static_cast<double>(start)) / static_cast<double>(delta));
      if (!(c < 9.0e18)) return ctx.Error("range has too many elements");
      n = c > 0 ? static_cast<int64_t>(c) : 0;
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, dt, {n}));
    T* d = out->data<T>();
    for (int64_t i = 0; i < n; ++i) d[i] = static_cast<T>(start + static_cast<T>(i) * delta);
    return absl::OkStatus();
  });
  if (absl::IsUnimplemented(st)) return ctx.Error(absl::StrCat("unsupported type ", DataTypeName(dt)));
  return st;
}

class EyeLikeKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<EyeLikeKernel>();
    BRAID_ASSIGN_OR_RETURN(k->k_, init.GetInt("k", 0));
    if (init.node().HasAttribute("dtype")) {
      BRAID_ASSIGN_OR_RETURN(int64_t dt, init.GetInt("dtype"));
      if (!IsKnownDataType(static_cast<int32_t>(dt))) return init.Error(absl::StrCat("unknown dtype ", dt));
      k->dtype_ = static_cast<DataType>(dt);
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* in, ctx.RequireTensor(0));
    if (in->rank() != 2) return ctx.Error(absl::StrCat("input must be 2-D, got ", ShapeToString(in->shape())));
    const DataType dt = dtype_ == DataType::kUndefined ? in->dtype() : dtype_;
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, dt, in->shape()));
    const int64_t rows = in->dim(0), cols = in->dim(1);
    absl::Status st = Dispatch<NumericBoolTypes>(dt, [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      T* d = out->data<T>();
      FillRun(d, CastTo<T>(0.0f), rows * cols);
      for (int64_t i = std::max<int64_t>(0, -k_); i < rows && i + k_ < cols; ++i) d[i * cols + i + k_] = CastTo<T>(1.0f);
      return absl::OkStatus();
    });
    if (absl::IsUnimplemented(st)) return ctx.Error(absl::StrCat("unsupported type ", DataTypeName(dt)));
    return st;
  }

 private:
  int64_t k_ = 0;
  DataType dtype_ = DataType::kUndefined;
};

// OneHot: indices outside [-depth, depth) give all-off rows, per the spec.
class OneHotKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<OneHotKernel>();
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis", -1));
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* indices, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* depth_t, ctx.RequireTensor(1));
    BRAID_ASSIGN_OR_RETURN(const Tensor* values, ctx.RequireTensor(2));
    if (depth_t->num_elements() != 1) return ctx.Error("depth must hold one element");
    if (values->num_elements() != 2) {
      return ctx.Error(absl::StrCat("values must hold [off_value, on_value], got ", values->num_elements(),
                                    " elements"));
    }
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> depth_v, NumericAsInt64(ctx, *depth_t, "depth"));
    const int64_t depth = depth_v[0];
    if (depth < 1) return ctx.Error(absl::StrCat("depth must be >= 1, got ", depth));
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> idx, NumericAsInt64(ctx, *indices, "indices"));
    const int64_t r = indices->rank();
    BRAID_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(ctx, axis_, r + 1));
    Shape out_shape = indices->shape();
    out_shape.insert(out_shape.begin() + axis, depth);
    const int64_t outer = DimProduct(indices->shape(), 0, axis);
    const int64_t inner = DimProduct(indices->shape(), axis, r);
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, values->dtype(), out_shape));
    return DispatchByStorage(values->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      const T off = values->data<T>()[0], on = values->data<T>()[1];
      T* d = out->data<T>();
      FillRun(d, off, out->num_elements());
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t i = 0; i < inner; ++i) {
          int64_t v = idx[o * inner + i];
          if (v < -depth || v >= depth) continue;
          if (v < 0) v += depth;
          d[(o * depth + v) * inner + i] = on;
        }
      }
      return absl::OkStatus();
    });
  }

 private:
  int64_t axis_ = -1;
};

}  // namespace

void RegisterGeneratorKernels(KernelRegistry& r) {
  r.Add("ConstantOfShape", FactoryOf<ConstantOfShapeKernel>());
  r.Add("Range", FunctionFactory(Range));
  r.Add("EyeLike", FactoryOf<EyeLikeKernel>());
  r.Add("OneHot", FactoryOf<OneHotKernel>());
}

}  // namespace braid::backends::cpu
