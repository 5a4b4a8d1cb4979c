// Activation functions: Relu, LeakyRelu, Elu, Selu, Celu, HardSigmoid,
// HardSwish, Softplus, Softsign, ThresholdedRelu, Shrink, PRelu, Clip.
#include <cmath>
#include <limits>
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/binary_loop.h"
#include "backends/cpu/kernels/broadcast.h"
#include "backends/cpu/kernels/math/math_util.h"

namespace braid::backends::cpu {
namespace {

// An activation F: `static absl::StatusOr<F> Create(const KernelInit&)`
// parses attributes, `template <typename C> C operator()(C) const` computes
// on compute types, `kCost` is the rough scalar cost per element.
template <typename F, typename Types>
class ActivationKernel : public Kernel {
 public:
  explicit ActivationKernel(F f) : f_(f) {}

  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    BRAID_ASSIGN_OR_RETURN(F f, F::Create(init));
    return std::unique_ptr<Kernel>(std::make_unique<ActivationKernel>(f));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), x->shape()));
    const F f = f_;
    return WithNode(ctx, Dispatch<Types>(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using C = ComputeType<T>;
      ParallelMap(ctx, x->data<T>(), y->data<T>(), x->num_elements(),
                  [f](T v) { return CastTo<T>(f.template operator()<C>(CastTo<C>(v))); }, F::kCost);
      return absl::OkStatus();
    }));
  }

 private:
  F f_;
};

struct Relu {
  static constexpr double kCost = 1;
  static absl::StatusOr<Relu> Create(const KernelInit&) { return Relu{}; }
  template <typename C>
  C operator()(C x) const { return x < C{0} ? C{0} : x; }  // NaN passes through
};

struct LeakyRelu {
  static constexpr double kCost = 1;
  float alpha;
  static absl::StatusOr<LeakyRelu> Create(const KernelInit& init) {
    BRAID_ASSIGN_OR_RETURN(float a, init.GetFloat("alpha", 0.01f));
    return LeakyRelu{a};
  }
  template <typename C>
  C operator()(C x) const { return x < C{0} ? static_cast<C>(x * static_cast<C>(alpha)) : x; }
};

struct Elu {
  static constexpr double kCost = 16;
  float alpha;
  static absl::StatusOr<Elu> Create(const KernelInit& init) {
    BRAID_ASSIGN_OR_RETURN(float a, init.GetFloat("alpha", 1.0f));
    return Elu{a};
  }
  template <typename C>
  C operator()(C x) const { return x < C{0} ? static_cast<C>(alpha) * std::expm1(x) : x; }
};

struct Selu {
  static constexpr double kCost = 16;
  float alpha, gamma;
  static absl::StatusOr<Selu> Create(const KernelInit& init) {
    BRAID_ASSIGN_OR_RETURN(float a, init.GetFloat("alpha", 1.67326319217681884765625f));
    BRAID_ASSIGN_OR_RETURN(float g, init.GetFloat("gamma", 1.05070102214813232421875f));
    return Selu{a, g};
  }
  template <typename C>
  C operator()(C x) const {
    return static_cast<C>(gamma) * (x <= C{0} ? static_cast<C>(alpha) * std::expm1(x) : x);
  }
};

struct Celu {
  static constexpr double kCost = 16;
  float alpha;
  static absl::StatusOr<Celu> Create(const KernelInit& init) {
    BRAID_ASSIGN_OR_RETURN(float a, init.GetFloat("alpha", 1.0f));
    if (a == 0.0f) return init.Error("alpha must not be 0");
    return Celu{a};
  }
  template <typename C>
  C operator()(C x) const {
    C a = static_cast<C>(alpha);
    C neg = a * std::expm1(x / a);
    return x < C{0} ? neg : x;
  }
};

struct HardSigmoid {
  static constexpr double kCost = 3;
  float alpha, beta;
  static absl::StatusOr<HardSigmoid> Create(const KernelInit& init) {
    BRAID_ASSIGN_OR_RETURN(float a, init.GetFloat("alpha", 0.2f));
    BRAID_ASSIGN_OR_RETURN(float b, init.GetFloat("beta", 0.5f));
    return HardSigmoid{a, b};
  }
  template <typename C>
  C operator()(C x) const {
    C v = static_cast<C>(alpha) * x + static_cast<C>(beta);
    v = v < C{0} ? C{0} : v;
    return v > C{1} ? C{1} : v;
  }
};

struct HardSwish {
  static constexpr double kCost = 4;
  static absl::StatusOr<HardSwish> Create(const KernelInit&) { return HardSwish{}; }
  template <typename C>
  C operator()(C x) const {
    C v = x * static_cast<C>(1.0 / 6.0) + static_cast<C>(0.5);
    v = v < C{0} ? C{0} : v;
    v = v > C{1} ? C{1} : v;
    return x * v;
  }
};

struct Softplus {
  static constexpr double kCost = 32;
  static absl::StatusOr<Softplus> Create(const KernelInit&) { return Softplus{}; }
  template <typename C>
  C operator()(C x) const {
    // log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|)).
    return (x > C{0} ? x : C{0}) + std::log1p(std::exp(-std::fabs(x)));
  }
};

struct Softsign {
  static constexpr double kCost = 3;
  static absl::StatusOr<Softsign> Create(const KernelInit&) { return Softsign{}; }
  template <typename C>
  C operator()(C x) const { return x / (C{1} + std::fabs(x)); }
};

struct ThresholdedRelu {
  static constexpr double kCost = 1;
  float alpha;
  static absl::StatusOr<ThresholdedRelu> Create(const KernelInit& init) {
    BRAID_ASSIGN_OR_RETURN(float a, init.GetFloat("alpha", 1.0f));
    return ThresholdedRelu{a};
  }
  template <typename C>
  C operator()(C x) const { return x > static_cast<C>(alpha) ? x : C{0}; }
};

struct Shrink {
  static constexpr double kCost = 2;
  float bias, lambd;
  static absl::StatusOr<Shrink> Create(const KernelInit& init) {
    BRAID_ASSIGN_OR_RETURN(float b, init.GetFloat("bias", 0.0f));
    BRAID_ASSIGN_OR_RETURN(float l, init.GetFloat("lambd", 0.5f));
    return Shrink{b, l};
  }
  template <typename C>
  C operator()(C x) const {
    // Compare and shift in double so integer inputs follow the float formula.
    double v = static_cast<double>(x);
    if (v < -static_cast<double>(lambd)) return static_cast<C>(v + bias);
    if (v > static_cast<double>(lambd)) return static_cast<C>(v - bias);
    return C{0};
  }
};

// ---------------------------------------------------------------- PRelu

absl::Status PReluKernel(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
  BRAID_ASSIGN_OR_RETURN(const Tensor* slope_in, ctx.RequireTensor(1));
  const Tensor* slope = slope_in;
  Tensor channel_slope;
  if (ctx.node().opset() < 7 && slope_in->rank() == 1 && x->rank() >= 2 && slope_in->dim(0) == x->dim(1) &&
      slope_in->dim(0) != 1) {
    // Before opset 7 a 1-D slope holds one value per channel (dim 1).
    Shape s(static_cast<size_t>(x->rank() - 1), 1);
    s[0] = slope_in->dim(0);
    BRAID_ASSIGN_OR_RETURN(channel_slope, slope_in->Reshaped(std::move(s)));
    slope = &channel_slope;
  }
  if (x->dtype() != slope->dtype()) {
    return ctx.Error(absl::StrCat("slope type ", DataTypeName(slope->dtype()), " differs from input type ",
                                  DataTypeName(x->dtype())));
  }
  auto shape = BroadcastShapes(x->shape(), slope->shape());
  if (!shape.ok()) return WithNode(ctx, shape.status());
  if (*shape != x->shape()) {
    return ctx.Error(absl::StrCat("slope shape ", ShapeToString(slope->shape()), " does not broadcast to input shape ",
                                  ShapeToString(x->shape())));
  }
  BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), x->shape()));
  using Types = TypeList<float, double, Float16, BFloat16, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t,
                         uint32_t, uint64_t>;
  return WithNode(ctx, Dispatch<Types>(x->dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    using C = ComputeType<T>;
    BroadcastBinary<T, T, T>(ctx, *x, *slope, *y, [](T a, T s) {
      C v = CastTo<C>(a);
      return v < C{0} ? CastTo<T>(static_cast<C>(v * CastTo<C>(s))) : a;
    });
    return absl::OkStatus();
  }));
}

// ---------------------------------------------------------------- Clip

class ClipKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<ClipKernel>();
    if (init.opset() < 11) {
      k->from_attributes_ = true;
      BRAID_ASSIGN_OR_RETURN(k->min_attr_, init.GetFloat("min", std::numeric_limits<float>::lowest()));
      BRAID_ASSIGN_OR_RETURN(k->max_attr_, init.GetFloat("max", std::numeric_limits<float>::max()));
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), x->shape()));
    return WithNode(ctx, DispatchNumeric(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using C = ComputeType<T>;
      C lo = std::numeric_limits<C>::lowest(), hi = std::numeric_limits<C>::max();
      if (from_attributes_) {
        if constexpr (std::is_floating_point_v<C>) {
          lo = static_cast<C>(min_attr_);
          hi = static_cast<C>(max_attr_);
        }
      } else {
        for (int i = 1; i <= 2; ++i) {
          if (!ctx.has_input(i)) continue;
          const Tensor& b = ctx.input(i);
          if (b.dtype() != x->dtype()) {
            return absl::InvalidArgumentError(absl::StrCat(i == 1 ? "min" : "max", " has type ",
                                                           DataTypeName(b.dtype()), ", input has ",
                                                           DataTypeName(x->dtype())));
          }
          if (b.num_elements() != 1) {
            return absl::InvalidArgumentError(absl::StrCat(i == 1 ? "min" : "max", " must be a scalar, got shape ",
                                                           ShapeToString(b.shape())));
          }
          (i == 1 ? lo : hi) = CastTo<C>(b.data<T>()[0]);
        }
      }
      ParallelMap(ctx, x->data<T>(), y->data<T>(), x->num_elements(), [lo, hi](T v) {
        C c = CastTo<C>(v);
        c = c < lo ? lo : c;
        c = c > hi ? hi : c;
        return CastTo<T>(c);
      });
      return absl::OkStatus();
    }));
  }

 private:
  bool from_attributes_ = false;
  float min_attr_ = 0;
  float max_attr_ = 0;
};

template <typename F, typename Types = FloatTypes>
void AddActivation(KernelRegistry& r, const char* name) {
  r.Add(name, FactoryOf<ActivationKernel<F, Types>>());
}

using SignedNumeric = TypeList<float, double, Float16, BFloat16, int8_t, int16_t, int32_t, int64_t>;

}  // namespace

void RegisterActivationKernels(KernelRegistry& r) {
  AddActivation<Relu, SignedNumeric>(r, "Relu");
  AddActivation<LeakyRelu>(r, "LeakyRelu");
  AddActivation<Elu>(r, "Elu");
  AddActivation<Selu>(r, "Selu");
  AddActivation<Celu>(r, "Celu");
  AddActivation<HardSigmoid>(r, "HardSigmoid");
  AddActivation<HardSwish>(r, "HardSwish");
  AddActivation<Softplus>(r, "Softplus");
  AddActivation<Softsign>(r, "Softsign");
  AddActivation<ThresholdedRelu>(r, "ThresholdedRelu");
  AddActivation<Shrink, NumericTypes>(r, "Shrink");
  r.Add("PRelu", FunctionFactory(PReluKernel));
  r.Add("Clip", FactoryOf<ClipKernel>());
}

}  // namespace braid::backends::cpu
