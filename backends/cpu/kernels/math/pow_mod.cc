// Pow (base and exponent types may differ from opset 12) and Mod.
#include <cmath>
#include <limits>
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/binary_loop.h"
#include "backends/cpu/kernels/broadcast.h"
#include "backends/cpu/kernels/math/legacy_broadcast.h"
#include "backends/cpu/kernels/math/math_util.h"

namespace braid::backends::cpu {
namespace {

// x^e for integers with wrap-around; negative exponents follow 1/x^|e|
// truncated toward zero (0 unless |x| == 1).
template <typename T>
T IntPow(T x, int64_t e) {
  if (e < 0) {
    if (x == T{1}) return T{1};
    if constexpr (std::is_signed_v<T>) {
      if (x == T{-1}) return (e & 1) ? T{-1} : T{1};
    }
    return T{0};
  }
  using U = std::make_unsigned_t<std::conditional_t<(sizeof(T) < sizeof(int)), unsigned, T>>;
  U base = static_cast<U>(x), result = 1;
  while (e > 0) {
    if (e & 1) result *= base;
    base *= base;
    e >>= 1;
  }
  return static_cast<T>(result);
}

// double -> integer T, truncating; NaN and out-of-range give T's minimum
// (what x86 conversions produce) instead of undefined behaviour.
template <typename T>
T DoubleToInt(double v) {
  if (!(v >= static_cast<double>(std::numeric_limits<T>::min()) &&
        v < static_cast<double>(std::numeric_limits<T>::max()) + 1.0)) {
    return std::numeric_limits<T>::min();
  }
  return static_cast<T>(v);
}

template <typename T>
T FromDouble(double v) {
  if constexpr (std::is_integral_v<T>) {
    return DoubleToInt<T>(v);
  } else {
    return CastTo<T>(v);
  }
}

class PowKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<PowKernel>();
    BRAID_ASSIGN_OR_RETURN(k->legacy_, LegacyBroadcast::Parse(init));
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* y_in, ctx.RequireTensor(1));
    auto y = legacy_.AlignSecond(*x, *y_in);
    if (!y.ok()) return WithNode(ctx, y.status());
    auto shape = BroadcastShapes(x->shape(), y->shape());
    if (!shape.ok()) return WithNode(ctx, shape.status());
    if (!IsNumeric(x->dtype()) || !IsNumeric(y->dtype())) {
      return ctx.Error(absl::StrCat("Pow needs numeric operands, got ", DataTypeName(x->dtype()), " and ",
                                    DataTypeName(y->dtype())));
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, x->dtype(), *shape));
    if (x->dtype() == y->dtype() && IsFloatingPoint(x->dtype())) return SameFloat(ctx, *x, *y, *out);
    const bool int_int = IsInteger(x->dtype()) && IsInteger(y->dtype());
    // Exponent widened to int64 (integer powers) or double (everything else).
    BRAID_ASSIGN_OR_RETURN(Tensor e, ctx.AllocateScratch(int_int ? DataType::kInt64 : DataType::kFloat64, y->shape()));
    BRAID_RETURN_IF_ERROR(WithNode(ctx, DispatchNumeric(y->dtype(), [&](auto tag) -> absl::Status {
      using E = decltype(tag);
      const E* src = y->data<E>();
      for (int64_t i = 0; i < y->num_elements(); ++i) {
        if (int_int) {
          if constexpr (std::is_integral_v<E>) e.data<int64_t>()[i] = static_cast<int64_t>(src[i]);
        } else {
          e.data<double>()[i] = CastTo<double>(src[i]);
        }
      }
      return absl::OkStatus();
    })));
    return WithNode(ctx, DispatchNumeric(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      if (int_int) {
        if constexpr (std::is_integral_v<T>) {
          BroadcastBinary<T, int64_t, T>(ctx, *x, e, *out, [](T b, int64_t p) { return IntPow(b, p); }, 8);
        }
      } else {
        BroadcastBinary<T, double, T>(ctx, *x, e, *out,
                                      [](T b, double p) { return FromDouble<T>(std::pow(CastTo<double>(b), p)); }, 40);
      }
      return absl::OkStatus();
    }));
  }

 private:
  static absl::Status SameFloat(KernelContext& ctx, const Tensor& x, const Tensor& y, Tensor& out) {
    return WithNode(ctx, DispatchFloat(x.dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using C = ComputeType<T>;
      if (y.num_elements() == 1 && out.shape() == x.shape()) {
        // Common constant exponents get exact, cheap forms.
        const C p = CastTo<C>(y.data<T>()[0]);
        const T* px = x.data<T>();
        T* po = out.data<T>();
        const int64_t n = x.num_elements();
        if (p == C{2}) {
          ParallelMap(ctx, px, po, n, [](T v) { C c = CastTo<C>(v); return CastTo<T>(static_cast<C>(c * c)); });
          return absl::OkStatus();
        }
        if (p == C{1}) {
          ParallelMap(ctx, px, po, n, [](T v) { return v; });
          return absl::OkStatus();
        }
        if (p == C{0.5}) {
          ParallelMap(ctx, px, po, n, [](T v) { return CastTo<T>(std::sqrt(CastTo<C>(v))); }, 4);
          return absl::OkStatus();
        }
        if (p == C{3}) {
          ParallelMap(ctx, px, po, n, [](T v) { C c = CastTo<C>(v); return CastTo<T>(static_cast<C>(c * c * c)); });
          return absl::OkStatus();
        }
      }
      BroadcastBinary<T, T, T>(ctx, x, y, out, [](T b, T p) {
        return CastTo<T>(static_cast<C>(std::pow(CastTo<C>(b), CastTo<C>(p))));
      }, 40);
      return absl::OkStatus();
    }));
  }

  LegacyBroadcast legacy_;
};

class ModKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<ModKernel>();
    BRAID_ASSIGN_OR_RETURN(int64_t fmod, init.GetInt("fmod", 0));
    k->fmod_ = fmod != 0;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* a, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* b, ctx.RequireTensor(1));
    if (a->dtype() != b->dtype()) {
      return ctx.Error(absl::StrCat("operand types differ: ", DataTypeName(a->dtype()), " and ",
                                    DataTypeName(b->dtype())));
    }
    auto shape = BroadcastShapes(a->shape(), b->shape());
    if (!shape.ok()) return WithNode(ctx, shape.status());
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, a->dtype(), *shape));
    const bool c_style = fmod_;
    return WithNode(ctx, DispatchNumeric(a->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using C = ComputeType<T>;
      BroadcastBinary<T, T, T>(ctx, *a, *b, *out, [c_style](T av, T bv) {
        C x = CastTo<C>(av), y = CastTo<C>(bv);
        C r;
        if constexpr (std::is_integral_v<C>) {
          if (y == 0) return T{0};  // no trap on division by zero
          if constexpr (std::is_signed_v<C>) {
            if (y == C{-1}) return T{0};
          }
          r = static_cast<C>(x % y);
        } else {
          r = std::fmod(x, y);
        }
        // Python-style: the remainder takes the divisor's sign.
        if constexpr (!std::is_unsigned_v<C>) {
          if (!c_style && r != 0 && ((r < 0) != (y < 0))) r = static_cast<C>(r + y);
        }
        return CastTo<T>(r);
      }, 4);
      return absl::OkStatus();
    }));
  }

 private:
  bool fmod_ = false;
};

}  // namespace

void RegisterPowModKernels(KernelRegistry& r) {
  r.Add("Pow", FactoryOf<PowKernel>());
  r.Add("Mod", FactoryOf<ModKernel>());
}

}  // namespace braid::backends::cpu
