// Reductions over axes: ReduceSum, ReduceMean, ReduceMax, ReduceMin,
// ReduceProd, ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp,
// ReduceSumSquare. Axes come from the attribute before opset 13 (ReduceSum)
// or 18 (the others) and from the optional second input afterwards.
// Reducing an empty set gives the op's identity (0 for sums, 1 for the
// product, -inf/+inf or the type's limits for max/min, NaN for the mean).
#include <cmath>
#include <limits>
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/math/fast_math.h"
#include "backends/cpu/kernels/math/math_util.h"
#include "backends/cpu/kernels/math/reduce_plan.h"

namespace braid::backends::cpu {
namespace {

enum class ReduceOp { kSum, kMean, kMax, kMin, kProd, kL1, kL2, kLogSum, kLogSumExp, kSumSquare };

// Accumulation: A acc = Init(); acc = Combine(acc, Map(x)) for each x;
// result = Finalize(acc, count). LogSumExp additionally shifts by the max.
template <ReduceOp kOp, typename T>
struct Traits {
  static constexpr bool kNeedsFloat =
      kOp == ReduceOp::kMean || kOp == ReduceOp::kL2 || kOp == ReduceOp::kLogSum || kOp == ReduceOp::kLogSumExp;
  using A = std::conditional_t<std::is_integral_v<T> && kNeedsFloat, double, ComputeType<T>>;

  static A Init() {
    if constexpr (kOp == ReduceOp::kMax) {
      return std::numeric_limits<A>::has_infinity ? -std::numeric_limits<A>::infinity()
                                                  : std::numeric_limits<A>::lowest();
    } else if constexpr (kOp == ReduceOp::kMin) {
      return std::numeric_limits<A>::has_infinity ? std::numeric_limits<A>::infinity() : std::numeric_limits<A>::max();
    } else if constexpr (kOp == ReduceOp::kProd) {
      return A{1};
    } else {
      return A{0};
    }
  }
  static A Map(T v) {
    A x = CastTo<A>(v);
    if constexpr (kOp == ReduceOp::kL1) {
      if constexpr (std::is_unsigned_v<A>) return x;
      return x < A{0} ? static_cast<A>(A{0} - x) : x;
    } else if constexpr (kOp == ReduceOp::kL2 || kOp == ReduceOp::kSumSquare) {
      return static_cast<A>(x * x);
    } else {
      return x;
    }
  }
  static A Combine(A a, A b) {
    if constexpr (kOp == ReduceOp::kMax) {
      if constexpr (std::is_floating_point_v<A>) return (b > a || b != b) ? b : a;
      return b > a ? b : a;
    } else if constexpr (kOp == ReduceOp::kMin) {
      if constexpr (std::is_floating_point_v<A>) return (b < a || b != b) ? b : a;
      return b < a ? b : a;
    } else if constexpr (kOp == ReduceOp::kProd) {
      return static_cast<A>(a * b);
    } else {
      return static_cast<A>(a + b);
    }
  }
  // `shift` is the LogSumExp max (0 for other ops).
  static T Finalize(A acc, int64_t count, A shift) {
    if constexpr (kOp == ReduceOp::kMean) {
      if constexpr (std::is_integral_v<T>) {
        if (count == 0) return T{0};
      }
      return FromAcc(acc / static_cast<A>(count));
    } else if constexpr (kOp == ReduceOp::kL2) {
      return FromAcc(std::sqrt(acc));
    } else if constexpr (kOp == ReduceOp::kLogSum) {
      return FromAcc(std::log(acc));
    } else if constexpr (kOp == ReduceOp::kLogSumExp) {
      return FromAcc(std::log(acc) + shift);
    } else {
      return FromAcc(acc);
    }
  }
  static T FromAcc(A v) {
    if constexpr (std::is_integral_v<T> && std::is_floating_point_v<A>) {
      return static_cast<T>(v);
    } else {
      return CastTo<T>(v);
    }
  }
};

constexpr int kLanes = 8;

template <ReduceOp kOp>
constexpr bool kMinMax = kOp == ReduceOp::kMax || kOp == ReduceOp::kMin;

// Reduces the contiguous x[0, n): float32 through the vectorized helpers,
// other types with lane-parallel accumulators.
template <ReduceOp kOp, typename T>
typename Traits<kOp, T>::A ReduceRow(const T* x, int64_t n) {
  using Tr = Traits<kOp, T>;
  using A = typename Tr::A;
  if constexpr (std::is_same_v<T, float> && std::is_same_v<A, float>) {
    if constexpr (kOp == ReduceOp::kSum || kOp == ReduceOp::kMean) return fastmath::Sum(x, n);
    if constexpr (kOp == ReduceOp::kMax) return fastmath::Max(x, n);
    if constexpr (kOp == ReduceOp::kMin) return fastmath::Min(x, n);
    if constexpr (kOp == ReduceOp::kL2 || kOp == ReduceOp::kSumSquare) return fastmath::SumSquares(x, n);
    if constexpr (kOp == ReduceOp::kL1) return fastmath::SumAbs(x, n);
  }
  A acc[kLanes];
  for (int j = 0; j < kLanes; ++j) acc[j] = Tr::Init();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int j = 0; j < kLanes; ++j) acc[j] = Tr::Combine(acc[j], Tr::Map(x[i + j]));
  }
  A r = Tr::Init();
  for (int j = 0; j < kLanes; ++j) r = Tr::Combine(r, acc[j]);
  for (; i < n; ++i) r = Tr::Combine(r, Tr::Map(x[i]));
  return r;
}

// LogSumExp of one contiguous row: log(sum(exp(x - m))) + m, m = max.
template <typename T, typename A>
T LogSumExpRow(const T* x, int64_t n) {
  using Tr = Traits<ReduceOp::kLogSumExp, T>;
  A m = ReduceRow<ReduceOp::kMax, T>(x, n);
  if (!std::isfinite(static_cast<double>(m))) return Tr::FromAcc(m);  // all -inf (or empty), some +inf, or NaN
  A s;
  if constexpr (std::is_same_v<T, float>) {
    s = fastmath::ExpShiftSumOnly(x, n, m);
  } else {
    s = A{0};
    for (int64_t i = 0; i < n; ++i) s += std::exp(CastTo<A>(x[i]) - m);
  }
  return Tr::Finalize(s, n, m);
}

template <ReduceOp kOp, typename T>
void ReduceBlocked(const KernelContext& ctx, const ReducePlan& p, const T* x, T* y) {
  using Tr = Traits<kOp, T>;
  using A = typename Tr::A;
  const int64_t R = p.reduced, I = p.inner;
  if (I == 1) {
    ctx.ParallelFor(p.outer, 2.0 * R + 1, [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) {
        const T* row = x + o * R;
        if constexpr (kOp == ReduceOp::kLogSumExp) {
          y[o] = LogSumExpRow<T, A>(row, R);
        } else {
          y[o] = Tr::Finalize(ReduceRow<kOp, T>(row, R), R, A{0});
        }
      }
    });
    return;
  }
  // Column blocks: acc[i] combines x[o, r, i] over r, vectorized along i.
  constexpr int64_t kBlock = 256;
  const int64_t blocks = (I + kBlock - 1) / kBlock;
  ctx.ParallelFor(p.outer * blocks, 2.0 * R * std::min(I, kBlock), [&](int64_t begin, int64_t end) {
    A acc[kBlock];
    A shift[kBlock];
    for (int64_t t = begin; t < end; ++t) {
      const int64_t o = t / blocks, i0 = (t % blocks) * kBlock, len = std::min(kBlock, I - i0);
      const T* base = x + o * R * I + i0;
      if constexpr (kOp == ReduceOp::kLogSumExp) {
        using TrMax = Traits<ReduceOp::kMax, T>;
        for (int64_t i = 0; i < len; ++i) shift[i] = TrMax::Init();
        for (int64_t r = 0; r < R; ++r) {
          const T* row = base + r * I;
          for (int64_t i = 0; i < len; ++i) shift[i] = TrMax::Combine(shift[i], CastTo<A>(row[i]));
        }
        for (int64_t i = 0; i < len; ++i) acc[i] = A{0};
        for (int64_t r = 0; r < R; ++r) {
          const T* row = base + r * I;
          for (int64_t i = 0; i < len; ++i) acc[i] += std::exp(CastTo<A>(row[i]) - shift[i]);
        }
      } else {
        for (int64_t i = 0; i < len; ++i) acc[i] = Tr::Init();
        if constexpr (kMinMax<kOp> && std::is_floating_point_v<A>) {
          // Plain compare-select plus a NaN count per column: vectorizes.
          int32_t nan[kBlock] = {};
          for (int64_t r = 0; r < R; ++r) {
            const T* row = base + r * I;
            for (int64_t i = 0; i < len; ++i) {
              const A v = CastTo<A>(row[i]);
              acc[i] = (kOp == ReduceOp::kMax ? v > acc[i] : v < acc[i]) ? v : acc[i];
              nan[i] += v != v;
            }
          }
          for (int64_t i = 0; i < len; ++i) {
            if (nan[i]) acc[i] = std::numeric_limits<A>::quiet_NaN();
          }
        } else {
          for (int64_t r = 0; r < R; ++r) {
            const T* row = base + r * I;
            for (int64_t i = 0; i < len; ++i) acc[i] = Tr::Combine(acc[i], Tr::Map(row[i]));
          }
        }
      }
      T* out = y + o * I + i0;
      for (int64_t i = 0; i < len; ++i) {
        if constexpr (kOp == ReduceOp::kLogSumExp) {
          out[i] = std::isfinite(static_cast<double>(shift[i])) ? Tr::Finalize(acc[i], R, shift[i]) : Tr::FromAcc(shift[i]);
        } else {
          out[i] = Tr::Finalize(acc[i], R, A{0});
        }
      }
    }
  });
}

template <ReduceOp kOp, typename T>
void ReduceGathered(const KernelContext& ctx, const ReducePlan& p, const T* x, T* y) {
  using Tr = Traits<kOp, T>;
  using A = typename Tr::A;
  const int64_t R = p.reduced;
  ctx.ParallelFor(p.outer, 3.0 * R + 1, [&](int64_t begin, int64_t end) {
    for (int64_t o = begin; o < end; ++o) {
      const T* base = x + p.BaseOffset(o);
      A shift{0};
      if constexpr (kOp == ReduceOp::kLogSumExp) {
        using TrMax = Traits<ReduceOp::kMax, T>;
        shift = TrMax::Init();
        for (int64_t r = 0; r < R; ++r) shift = TrMax::Combine(shift, CastTo<A>(base[p.reduced_offsets[r]]));
        if (!std::isfinite(static_cast<double>(shift))) {
          y[o] = Tr::FromAcc(shift);
          continue;
        }
        A s{0};
        for (int64_t r = 0; r < R; ++r) s += std::exp(CastTo<A>(base[p.reduced_offsets[r]]) - shift);
        y[o] = Tr::Finalize(s, R, shift);
      } else {
        A acc = Tr::Init();
        for (int64_t r = 0; r < R; ++r) acc = Tr::Combine(acc, Tr::Map(base[p.reduced_offsets[r]]));
        y[o] = Tr::Finalize(acc, R, shift);
      }
    }
  });
}

template <ReduceOp kOp>
class ReduceKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<ReduceKernel>();
    BRAID_ASSIGN_OR_RETURN(int64_t keepdims, init.GetInt("keepdims", 1));
    k->keepdims_ = keepdims != 0;
    const int axes_input_since = kOp == ReduceOp::kSum ? 13 : 18;
    if (init.opset() < axes_input_since) {
      BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> axes, init.GetInts("axes", std::vector<int64_t>{}));
      k->attr_axes_ = std::move(axes);
    } else {
      BRAID_ASSIGN_OR_RETURN(int64_t noop, init.GetInt("noop_with_empty_axes", 0));
      k->noop_with_empty_axes_ = noop != 0;
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    auto axes = ResolveReduceAxes(ctx, attr_axes_, noop_with_empty_axes_);
    if (!axes.ok()) return WithNode(ctx, axes.status());
    if (axes->noop) {
      ctx.SetOutput(0, ctx.input_value(0));
      return absl::OkStatus();
    }
    auto plan = MakeReducePlan(x->shape(), axes->axes, keepdims_);
    if (!plan.ok()) return WithNode(ctx, plan.status());
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), plan->out_shape));
    using Types = TypeList<float, double, Float16, BFloat16, int32_t, int64_t, uint32_t, uint64_t, int8_t, uint8_t>;
    return WithNode(ctx, Dispatch<Types>(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      if (plan->blocked) {
        ReduceBlocked<kOp, T>(ctx, *plan, x->data<T>(), y->data<T>());
      } else {
        ReduceGathered<kOp, T>(ctx, *plan, x->data<T>(), y->data<T>());
      }
      return absl::OkStatus();
    }));
  }

 private:
  bool keepdims_ = true;
  bool noop_with_empty_axes_ = false;
  std::optional<std::vector<int64_t>> attr_axes_;
};

}  // namespace

void RegisterReduceKernels(KernelRegistry& r) {
  r.Add("ReduceSum", FactoryOf<ReduceKernel<ReduceOp::kSum>>());
  r.Add("ReduceMean", FactoryOf<ReduceKernel<ReduceOp::kMean>>());
  r.Add("ReduceMax", FactoryOf<ReduceKernel<ReduceOp::kMax>>());
  r.Add("ReduceMin", FactoryOf<ReduceKernel<ReduceOp::kMin>>());
  r.Add("ReduceProd", FactoryOf<ReduceKernel<ReduceOp::kProd>>());
  r.Add("ReduceL1", FactoryOf<ReduceKernel<ReduceOp::kL1>>());
  r.Add("ReduceL2", FactoryOf<ReduceKernel<ReduceOp::kL2>>());
  r.Add("ReduceLogSum", FactoryOf<ReduceKernel<ReduceOp::kLogSum>>());
  r.Add("ReduceLogSumExp", FactoryOf<ReduceKernel<ReduceOp::kLogSumExp>>());
  r.Add("ReduceSumSquare", FactoryOf<ReduceKernel<ReduceOp::kSumSquare>>());
}

}  // namespace braid::backends::cpu
