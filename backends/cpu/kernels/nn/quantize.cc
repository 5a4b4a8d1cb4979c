// QuantizeLinear / DequantizeLinear (opsets 10-13: per-tensor, per-axis
// from 13), DynamicQuantizeLinear. Rounding is half-to-even, results
// saturate to the integer type.
#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/nn/nn_util.h"

namespace braid::backends::cpu {
namespace {

using QuantTypes = TypeList<uint8_t, int8_t>;

template <typename Q>
Q Saturate(float v) {
  if (std::isnan(v)) return Q{0};
  v = std::min(std::max(v, static_cast<float>(std::numeric_limits<Q>::lowest())),
               static_cast<float>(std::numeric_limits<Q>::max()));
  return static_cast<Q>(v);
}

// Resolves per-tensor or per-axis parameters: returns (axis dim, inner
// size) so that element i uses parameter (i / inner) % dim; dim = 1 for
// per-tensor.
absl::StatusOr<std::pair<int64_t, int64_t>> ParamLayout(const Shape& x, const Tensor& scale, int64_t axis_attr,
                                                        int opset) {
  if (scale.num_elements() == 1 && scale.rank() <= 1) return std::make_pair<int64_t, int64_t>(1, 1);
  if (opset < 13 || scale.rank() != 1) {
    return absl::InvalidArgumentError(absl::StrCat("scale must be a scalar", opset >= 13 ? " or 1-D" : "",
                                                   ", got ", ShapeToString(scale.shape())));
  }
  BRAID_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(axis_attr, static_cast<int64_t>(x.size())));
  if (scale.dim(0) != x[axis]) {
    return absl::InvalidArgumentError(
        absl::StrCat("per-axis scale has ", scale.dim(0), " elements, axis ", axis, " has ", x[axis]));
  }
  return std::make_pair(x[axis], DimProduct(x, axis + 1, x.size()));
}

class QuantizeKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<QuantizeKernel>(new QuantizeKernel());
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis", 1));
    k->opset_ = init.opset();
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* scale, ctx.RequireTensor(1));
    const Tensor* zp = ctx.has_input(2) ? &ctx.input(2) : nullptr;
    auto layout = ParamLayout(x->shape(), *scale, axis_, opset_);
    if (!layout.ok()) return ctx.Error(std::string(layout.status().message()));
    if (zp != nullptr && zp->num_elements() != scale->num_elements()) {
      return ctx.Error("zero point and scale must have the same number of elements");
    }
    BRAID_ASSIGN_OR_RETURN(std::vector<float> sv, TensorAs<float>(*scale));
    std::vector<float> zv(sv.size(), 0.0f);
    if (zp != nullptr) {
      BRAID_ASSIGN_OR_RETURN(zv, TensorAs<float>(*zp));
    }
    const DataType out_type = zp != nullptr ? zp->dtype() : DataType::kUInt8;
    BRAID_ASSIGN_OR_RETURN(std::vector<float> xv, TensorAs<float>(*x));
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, out_type, x->shape()));
    const auto [dim, inner] = *layout;
    return Dispatch<QuantTypes>(out_type, [&](auto tag) -> absl::Status {
      using Q = decltype(tag);
      Q* yp = y->data<Q>();
      for (int64_t i = 0; i < x->num_elements(); ++i) {
        const int64_t p = (i / inner) % dim;
        yp[i] = Saturate<Q>(std::nearbyint(xv[i] / sv[p]) + zv[p]);
      }
      return absl::OkStatus();
    });
  }

 private:
  int64_t axis_ = 1;
  int opset_ = 13;
};

class DequantizeKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<DequantizeKernel>(new DequantizeKernel());
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis", 1));
    k->opset_ = init.opset();
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* scale, ctx.RequireTensor(1));
    const Tensor* zp = ctx.has_input(2) ? &ctx.input(2) : nullptr;
    if (x->dtype() != DataType::kUInt8 && x->dtype() != DataType::kInt8 && x->dtype() != DataType::kInt32) {
      return ctx.Error(absl::StrCat("x must be uint8, int8 or int32, got ", DataTypeName(x->dtype())));
    }
    if (zp != nullptr && zp->dtype() != x->dtype()) return ctx.Error("x and x_zero_point types differ");
    auto layout = ParamLayout(x->shape(), *scale, axis_, opset_);
    if (!layout.ok()) return ctx.Error(std::string(layout.status().message()));
    if (zp != nullptr && zp->num_elements() != scale->num_elements()) {
      return ctx.Error("zero point and scale must have the same number of elements");
    }
    BRAID_ASSIGN_OR_RETURN(std::vector<float> sv, TensorAs<float>(*scale));
    std::vector<int64_t> zv(sv.size(), 0);
    if (zp != nullptr) {
      BRAID_ASSIGN_OR_RETURN(zv, TensorAs<int64_t>(*zp));
    }
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> xv, TensorAs<int64_t>(*x));
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, DataType::kFloat32, x->shape()));
    const auto [dim, inner] = *layout;
    float* yp = y->data<float>();
    for (int64_t i = 0; i < x->num_elements(); ++i) {
      const int64_t p = (i / inner) % dim;
      yp[i] = static_cast<float>(xv[i] - zv[p]) * sv[p];
    }
    return absl::OkStatus();
  }

 private:
  int64_t axis_ = 1;
  int opset_ = 13;
};

absl::Status DynamicQuantize(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
  if (x->dtype() != DataType::kFloat32) return ctx.Error("x must be float32");
  const float* xp = x->data<float>();
  const int64_t n = x->num_elements();
  float lo = 0.0f, hi = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    lo = std::min(lo, xp[i]);
    hi = std::max(hi, xp[i]);
  }
  const float scale = (hi - lo) / 255.0f;
  const float zp = scale == 0.0f ? 0.0f : std::min(std::max(std::nearbyint(-lo / scale), 0.0f), 255.0f);
  BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, DataType::kUInt8, x->shape()));
  BRAID_ASSIGN_OR_RETURN(Tensor * ys, ctx.AllocateOutput(1, DataType::kFloat32, {}));
  BRAID_ASSIGN_OR_RETURN(Tensor * yz, ctx.AllocateOutput(2, DataType::kUInt8, {}));
  uint8_t* yp = y->data<uint8_t>();
  for (int64_t i = 0; i < n; ++i) yp[i] = scale == 0.0f ? 0 : Saturate<uint8_t>(std::nearbyint(xp[i] / scale) + zp);
  ys->data<float>()[0] = scale;
  yz->data<uint8_t>()[0] = static_cast<uint8_t>(zp);
  return absl::OkStatus();
}

}  // namespace

void RegisterQuantizeKernels(KernelRegistry& r) {
  r.Add("QuantizeLinear", 10, INT_MAX, FactoryOf<QuantizeKernel>());
  r.Add("DequantizeLinear", 10, INT_MAX, FactoryOf<DequantizeKernel>());
  r.Add("DynamicQuantizeLinear", 11, INT_MAX, FunctionFactory(DynamicQuantize));
}

}  // namespace braid::backends::cpu
