// Ops that only look at or relabel shapes: Identity, Reshape, Shape.
#include <algorithm>

#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {
namespace {

absl::Status Identity(KernelContext& ctx) {
  if (ctx.num_inputs() < 1) return ctx.Error("needs one input");
  ctx.SetOutput(0, ctx.input_value(0));
  return absl::OkStatus();
}

class ReshapeKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<ReshapeKernel>();
    if (init.opset() < 5) {
      BRAID_ASSIGN_OR_RETURN(k->static_shape_, init.GetInts("shape"));
      k->has_static_shape_ = true;
    }
    BRAID_ASSIGN_OR_RETURN(int64_t allowzero, init.GetInt("allowzero", 0));
    k->allow_zero_ = allowzero != 0;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* data, ctx.RequireTensor(0));
    std::vector<int64_t> requested = static_shape_;
    if (!has_static_shape_) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* shape, ctx.RequireTensor(1));
      if (shape->dtype() != DataType::kInt64 || shape->rank() != 1) return ctx.Error("shape must be a 1-D int64 tensor");
      requested.assign(shape->data<int64_t>(), shape->data<int64_t>() + shape->num_elements());
    }
    Shape out(requested.size());
    int64_t known = 1;
    int infer = -1;
    for (size_t i = 0; i < requested.size(); ++i) {
      int64_t d = requested[i];
      if (d == 0 && !allow_zero_) {
        if (i >= data->shape().size()) return ctx.Error("shape has a 0 past the input's rank");
        d = data->shape()[i];
      }
      if (d == -1) {
        if (infer >= 0) return ctx.Error("shape has more than one -1");
        infer = static_cast<int>(i);
        continue;
      }
      if (d < 0) return ctx.Error(absl::StrCat("invalid dimension ", d, " in shape"));
      out[i] = d;
      known *= d;
    }
    if (infer >= 0) {
      if (known == 0 || data->num_elements() % known != 0) {
        return ctx.Error(absl::StrCat("cannot reshape ", ShapeToString(data->shape()), " to a shape with -1"));
      }
      out[infer] = data->num_elements() / known;
    }
    BRAID_ASSIGN_OR_RETURN(Tensor reshaped, data->Reshaped(std::move(out)));
    ctx.SetOutput(0, std::move(reshaped));
    return absl::OkStatus();
  }

 private:
  bool has_static_shape_ = false;
  std::vector<int64_t> static_shape_;
  bool allow_zero_ = false;
};

class ShapeKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<ShapeKernel>();
    BRAID_ASSIGN_OR_RETURN(k->start_, init.GetInt("start", 0));
    if (init.node().HasAttribute("end")) {
      BRAID_ASSIGN_OR_RETURN(int64_t end, init.GetInt("end"));
      k->end_ = end;
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* data, ctx.RequireTensor(0));
    int64_t rank = data->rank();
    auto clamp = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
    int64_t start = clamp(start_);
    int64_t end = clamp(end_.value_or(rank));
    int64_t n = std::max<int64_t>(0, end - start);
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, DataType::kInt64, {n}));
    for (int64_t i = 0; i < n; ++i) out->data<int64_t>()[i] = data->shape()[start + i];
    return absl::OkStatus();
  }

 private:
  int64_t start_ = 0;
  std::optional<int64_t> end_;
};

}  // namespace

void RegisterTensorShapeKernels(KernelRegistry& r) {
  r.Add("Identity", FunctionFactory(Identity));
  r.Add("Reshape", FactoryOf<ReshapeKernel>());
  r.Add("Shape", FactoryOf<ShapeKernel>());
}

}  // namespace braid::backends::cpu
