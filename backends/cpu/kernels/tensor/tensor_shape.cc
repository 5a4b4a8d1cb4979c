// Ops that only look at or relabel shapes: Identity, Reshape, Shape, Size,
// Squeeze, Unsqueeze, Flatten. Relabelling ops return views of their input.
#include <algorithm>

#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/tensor/tensor_util.h"

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

absl::Status Size(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(const Tensor* data, ctx.RequireTensor(0));
  BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, DataType::kInt64, {}));
  *out->data<int64_t>() = data->num_elements();
  return absl::OkStatus();
}

// Squeeze and Unsqueeze: `axes` is an attribute before opset 13 and an
// input from opset 13 on.
class SqueezeKernel : public Kernel {
 public:
  explicit SqueezeKernel(bool unsqueeze) : unsqueeze_(unsqueeze) {}

  template <bool kUnsqueeze>
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<SqueezeKernel>(kUnsqueeze);
    k->axes_from_input_ = init.opset() >= 13;
    if (!k->axes_from_input_) {
      if (kUnsqueeze || init.node().HasAttribute("axes")) {
        BRAID_ASSIGN_OR_RETURN(k->axes_, init.GetInts("axes"));
        k->has_axes_ = true;
      }
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* data, ctx.RequireTensor(0));
    std::vector<int64_t> axes = axes_;
    bool has_axes = has_axes_;
    if (axes_from_input_ && ctx.has_input(1)) {
      BRAID_ASSIGN_OR_RETURN(axes, ReadInt64s(ctx, ctx.input(1), "axes"));
      has_axes = true;
    }
    const Shape& in = data->shape();
    Shape out;
    if (unsqueeze_) {
      if (!has_axes) return ctx.Error("axes is required");
      const int64_t rank = data->rank() + static_cast<int64_t>(axes.size());
      std::vector<bool> inserted(rank, false);
      for (int64_t a : axes) {
        BRAID_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(ctx, a, rank));
        if (inserted[axis]) return ctx.Error(absl::StrCat("axis ", a, " appears more than once in axes"));
        inserted[axis] = true;
      }
      size_t next = 0;
      for (int64_t k = 0; k < rank; ++k) out.push_back(inserted[k] ? 1 : in[next++]);
    } else {
      const int64_t rank = data->rank();
      std::vector<bool> removed(rank, false);
      if (!has_axes) {
        for (int64_t k = 0; k < rank; ++k) removed[k] = in[k] == 1;
      }
      for (int64_t a : axes) {
        BRAID_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(ctx, a, rank));
        if (in[axis] != 1) {
          return ctx.Error(absl::StrCat("cannot squeeze axis ", a, " of size ", in[axis], " in ", ShapeToString(in)));
        }
        removed[axis] = true;
      }
      for (int64_t k = 0; k < rank; ++k) {
        if (!removed[k]) out.push_back(in[k]);
      }
    }
    BRAID_ASSIGN_OR_RETURN(Tensor view, data->Reshaped(std::move(out)));
    ctx.SetOutput(0, std::move(view));
    return absl::OkStatus();
  }

 private:
  bool unsqueeze_;
  bool axes_from_input_ = false;
  bool has_axes_ = false;
  std::vector<int64_t> axes_;
};

class FlattenKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<FlattenKernel>();
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis", 1));
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* data, ctx.RequireTensor(0));
    const int64_t rank = data->rank();
    if (axis_ < -rank || axis_ > rank) {
      return ctx.Error(absl::StrCat("axis ", axis_, " is out of range for rank ", rank, " (valid: [", -rank, ", ",
                                    rank, "])"));
    }
    const size_t axis = static_cast<size_t>(axis_ < 0 ? axis_ + rank : axis_);
    Shape out = {DimProduct(data->shape(), 0, axis), DimProduct(data->shape(), axis, data->shape().size())};
    BRAID_ASSIGN_OR_RETURN(Tensor view, data->Reshaped(std::move(out)));
    ctx.SetOutput(0, std::move(view));
    return absl::OkStatus();
  }

 private:
  int64_t axis_ = 1;
};

}  // namespace

void RegisterTensorShapeKernels(KernelRegistry& r) {
  r.Add("Identity", FunctionFactory(Identity));
  r.Add("Reshape", FactoryOf<ReshapeKernel>());
  r.Add("Shape", FactoryOf<ShapeKernel>());
  r.Add("Size", FunctionFactory(Size));
  r.Add("Squeeze", SqueezeKernel::Create<false>);
  r.Add("Unsqueeze", SqueezeKernel::Create<true>);
  r.Add("Flatten", FactoryOf<FlattenKernel>());
}

}  // namespace braid::backends::cpu
