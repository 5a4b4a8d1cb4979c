// Unary element-wise math: Abs, Neg, Reciprocal, Sqrt, Exp, Log, Ceil,
// Floor, Round, Sign, the trigonometric and hyperbolic functions, Erf,
// Sigmoid, Tanh; and the predicates Not, IsNaN, IsInf.
#include <cmath>
#include <limits>
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/math/fast_math.h"
#include "backends/cpu/kernels/math/math_util.h"

namespace braid::backends::cpu {
namespace {

// An op F provides `template <typename C> static C Apply(C)` on compute
// types, `kCost` (rough scalar ops per element) and optionally
// `static void BatchF32(const float*, float*, int64_t)` for float32 arrays.
template <typename F>
concept HasBatchF32 = requires(const float* x, float* y, int64_t n) { F::BatchF32(x, y, n); };

template <typename F, typename T>
void MapUnary(const KernelContext& ctx, const Tensor& in, Tensor& out) {
  const T* x = in.data<T>();
  T* y = out.data<T>();
  const int64_t n = in.num_elements();
  if constexpr (std::is_same_v<T, float> && HasBatchF32<F>) {
    ctx.ParallelFor(n, F::kCost, [&](int64_t b, int64_t e) { F::BatchF32(x + b, y + b, e - b); });
  } else {
    using C = ComputeType<T>;
    ParallelMap(ctx, x, y, n, [](T v) { return CastTo<T>(F::template Apply<C>(CastTo<C>(v))); }, F::kCost);
  }
}

template <typename F, typename Types>
class UnaryKernel : public Kernel {
 public:
  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), x->shape()));
    absl::Status st = Dispatch<Types>(x->dtype(), [&](auto tag) -> absl::Status {
      MapUnary<F, decltype(tag)>(ctx, *x, *y);
      return absl::OkStatus();
    });
    return WithNode(ctx, st);
  }
};

template <typename C>
C NegateWrapping(C x) {
  if constexpr (std::is_integral_v<C>) {
    return static_cast<C>(std::make_unsigned_t<C>{0} - static_cast<std::make_unsigned_t<C>>(x));
  } else {
    return -x;
  }
}

struct AbsOp {
  static constexpr double kCost = 1;
  template <typename C>
  static C Apply(C x) {
    if constexpr (std::is_unsigned_v<C>) {
      return x;
    } else if constexpr (std::is_integral_v<C>) {
      return x < 0 ? NegateWrapping(x) : x;
    } else {
      return std::fabs(x);
    }
  }
};
struct NegOp {
  static constexpr double kCost = 1;
  template <typename C>
  static C Apply(C x) { return NegateWrapping(x); }
};
struct SignOp {
  static constexpr double kCost = 1;
  template <typename C>
  static C Apply(C x) {
    if constexpr (std::is_unsigned_v<C>) {
      return x > 0 ? C{1} : C{0};
    } else if constexpr (std::is_integral_v<C>) {
      return static_cast<C>((x > 0) - (x < 0));
    } else {
      return x > 0 ? C{1} : (x < 0 ? C{-1} : (x == 0 ? C{0} : x));  // NaN stays NaN
    }
  }
};
struct ReciprocalOp {
  static constexpr double kCost = 2;
  template <typename C>
  static C Apply(C x) { return C{1} / x; }
};
struct SqrtOp {
  static constexpr double kCost = 4;
  template <typename C>
  static C Apply(C x) { return std::sqrt(x); }
};
struct ExpOp {
  static constexpr double kCost = 16;
  template <typename C>
  static C Apply(C x) { return std::exp(x); }
  static void BatchF32(const float* x, float* y, int64_t n) { fastmath::Exp(x, y, n); }
};
struct LogOp {
  static constexpr double kCost = 16;
  template <typename C>
  static C Apply(C x) { return std::log(x); }
};
struct CeilOp {
  static constexpr double kCost = 2;
  template <typename C>
  static C Apply(C x) { return std::ceil(x); }
};
struct FloorOp {
  static constexpr double kCost = 2;
  template <typename C>
  static C Apply(C x) { return std::floor(x); }
};
struct RoundOp {  // half to even (the default rounding mode)
  static constexpr double kCost = 2;
  template <typename C>
  static C Apply(C x) { return std::nearbyint(x); }
};

#define BRAID_LIBM_UNARY(Name, fn, cost)  \
  struct Name {                           \
    static constexpr double kCost = cost; \
    template <typename C>                 \
    static C Apply(C x) {                 \
      return std::fn(x);                  \
    }                                     \
  };
BRAID_LIBM_UNARY(SinOp, sin, 32)
BRAID_LIBM_UNARY(CosOp, cos, 32)
BRAID_LIBM_UNARY(TanOp, tan, 40)
BRAID_LIBM_UNARY(AsinOp, asin, 32)
BRAID_LIBM_UNARY(AcosOp, acos, 32)
BRAID_LIBM_UNARY(AtanOp, atan, 32)
BRAID_LIBM_UNARY(SinhOp, sinh, 32)
BRAID_LIBM_UNARY(CoshOp, cosh, 32)
BRAID_LIBM_UNARY(AsinhOp, asinh, 40)
BRAID_LIBM_UNARY(AcoshOp, acosh, 40)
BRAID_LIBM_UNARY(AtanhOp, atanh, 40)
#undef BRAID_LIBM_UNARY

struct ErfOp {
  static constexpr double kCost = 16;
  template <typename C>
  static C Apply(C x) { return std::erf(x); }
  static void BatchF32(const float* x, float* y, int64_t n) { fastmath::Erf(x, y, n); }
};
struct SigmoidOp {
  static constexpr double kCost = 16;
  template <typename C>
  static C Apply(C x) {
    // Split by sign so that exp never overflows for large |x|.
    if (x >= 0) return C{1} / (C{1} + std::exp(-x));
    C e = std::exp(x);
    return e / (C{1} + e);
  }
  static void BatchF32(const float* x, float* y, int64_t n) { fastmath::Sigmoid(x, y, n); }
};
struct TanhOp {
  static constexpr double kCost = 16;
  template <typename C>
  static C Apply(C x) { return std::tanh(x); }
  static void BatchF32(const float* x, float* y, int64_t n) { fastmath::Tanh(x, y, n); }
};

using SignedNumeric = TypeList<float, double, Float16, BFloat16, int8_t, int16_t, int32_t, int64_t>;

// ---------------------------------------------------------------- predicates

absl::Status NotKernel(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
  if (x->dtype() != DataType::kBool) {
    return ctx.Error(absl::StrCat("input must be bool, got ", DataTypeName(x->dtype())));
  }
  BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, DataType::kBool, x->shape()));
  ParallelMap(ctx, x->data<bool>(), y->data<bool>(), x->num_elements(), [](bool v) { return !v; });
  return absl::OkStatus();
}

absl::Status IsNaNKernel(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
  BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, DataType::kBool, x->shape()));
  absl::Status st = DispatchFloat(x->dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    ParallelMap(ctx, x->data<T>(), y->data<bool>(), x->num_elements(), [](T v) {
      auto c = CastTo<ComputeType<T>>(v);
      return c != c;
    });
    return absl::OkStatus();
  });
  return WithNode(ctx, st);
}

class IsInfKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<IsInfKernel>();
    BRAID_ASSIGN_OR_RETURN(int64_t pos, init.GetInt("detect_positive", 1));
    BRAID_ASSIGN_OR_RETURN(int64_t neg, init.GetInt("detect_negative", 1));
    k->positive_ = pos != 0;
    k->negative_ = neg != 0;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, DataType::kBool, x->shape()));
    const bool pos = positive_, neg = negative_;
    absl::Status st = DispatchFloat(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using C = ComputeType<T>;
      constexpr C kInf = std::numeric_limits<C>::infinity();
      ParallelMap(ctx, x->data<T>(), y->data<bool>(), x->num_elements(), [pos, neg](T v) {
        C c = CastTo<C>(v);
        return (pos && c == kInf) || (neg && c == -kInf);
      });
      return absl::OkStatus();
    });
    return WithNode(ctx, st);
  }

 private:
  bool positive_ = true;
  bool negative_ = true;
};

template <typename F, typename Types>
void AddUnary(KernelRegistry& r, const char* name) {
  r.Add(name, SimpleFactory<UnaryKernel<F, Types>>());
}

}  // namespace

void RegisterUnaryMathKernels(KernelRegistry& r) {
  AddUnary<AbsOp, NumericTypes>(r, "Abs");
  AddUnary<NegOp, SignedNumeric>(r, "Neg");
  AddUnary<SignOp, NumericTypes>(r, "Sign");
  AddUnary<ReciprocalOp, FloatTypes>(r, "Reciprocal");
  AddUnary<SqrtOp, FloatTypes>(r, "Sqrt");
  AddUnary<ExpOp, FloatTypes>(r, "Exp");
  AddUnary<LogOp, FloatTypes>(r, "Log");
  AddUnary<CeilOp, FloatTypes>(r, "Ceil");
  AddUnary<FloorOp, FloatTypes>(r, "Floor");
  AddUnary<RoundOp, FloatTypes>(r, "Round");
  AddUnary<SinOp, FloatTypes>(r, "Sin");
  AddUnary<CosOp, FloatTypes>(r, "Cos");
  AddUnary<TanOp, FloatTypes>(r, "Tan");
  AddUnary<AsinOp, FloatTypes>(r, "Asin");
  AddUnary<AcosOp, FloatTypes>(r, "Acos");
  AddUnary<AtanOp, FloatTypes>(r, "Atan");
  AddUnary<SinhOp, FloatTypes>(r, "Sinh");
  AddUnary<CoshOp, FloatTypes>(r, "Cosh");
  AddUnary<AsinhOp, FloatTypes>(r, "Asinh");
  AddUnary<AcoshOp, FloatTypes>(r, "Acosh");
  AddUnary<AtanhOp, FloatTypes>(r, "Atanh");
  AddUnary<ErfOp, FloatTypes>(r, "Erf");
  AddUnary<SigmoidOp, FloatTypes>(r, "Sigmoid");
  AddUnary<TanhOp, FloatTypes>(r, "Tanh");
  r.Add("Not", FunctionFactory(NotKernel));
  r.Add("IsNaN", FunctionFactory(IsNaNKernel));
  r.Add("IsInf", FactoryOf<IsInfKernel>());
}

}  // namespace braid::backends::cpu
