// Softmax, LogSoftmax and Hardmax. Before opset 13 the input is viewed as
// 2-D [prod(dims[:axis]), prod(dims[axis:])] (default axis 1); from 13 on
// the op works along the single `axis` (default -1). Softmax subtracts the
// max before exponentiating, so large inputs do not overflow.
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/math/fast_math.h"
#include "backends/cpu/kernels/math/math_util.h"

namespace braid::backends::cpu {
namespace {

enum class Kind { kSoftmax, kLogSoftmax, kHardmax };

// One contiguous float row.
template <Kind kKind>
void RowF32(const float* x, float* y, int64_t n) {
  if constexpr (kKind == Kind::kHardmax) {
    int64_t best = 0;
    for (int64_t i = 1; i < n; ++i) {
      if (x[i] > x[best]) best = i;
    }
    for (int64_t i = 0; i < n; ++i) y[i] = i == best ? 1.0f : 0.0f;
  } else {
    const float m = fastmath::Max(x, n);
    if constexpr (kKind == Kind::kSoftmax) {
      const float s = fastmath::ExpShiftSum(x, y, n, m);
      fastmath::Scale(y, n, 1.0f / s);
    } else {
      const float s = fastmath::ExpShiftSumOnly(x, n, m);
      fastmath::SubtractScalar(x, y, n, m + std::log(s));
    }
  }
}

// One contiguous double row.
template <Kind kKind>
void RowF64(const double* x, double* y, int64_t n) {
  if constexpr (kKind == Kind::kHardmax) {
    int64_t best = 0;
    for (int64_t i = 1; i < n; ++i) {
      if (x[i] > x[best]) best = i;
    }
    for (int64_t i = 0; i < n; ++i) y[i] = i == best ? 1.0 : 0.0;
  } else {
    double m = -std::numeric_limits<double>::infinity();
    for (int64_t i = 0; i < n; ++i) m = (x[i] > m || x[i] != x[i]) ? x[i] : m;
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += std::exp(x[i] - m);
    if constexpr (kKind == Kind::kSoftmax) {
      const double inv = 1.0 / s;
      for (int64_t i = 0; i < n; ++i) y[i] = std::exp(x[i] - m) * inv;
    } else {
      const double shift = m + std::log(s);
      for (int64_t i = 0; i < n; ++i) y[i] = x[i] - shift;
    }
  }
}

template <Kind kKind, typename T>
void Rows(const KernelContext& ctx, const T* x, T* y, int64_t rows, int64_t n) {
  ctx.ParallelFor(rows, 24.0 * n, [&](int64_t begin, int64_t end) {
    if constexpr (std::is_same_v<T, float>) {
      for (int64_t r = begin; r < end; ++r) RowF32<kKind>(x + r * n, y + r * n, n);
    } else if constexpr (std::is_same_v<T, double>) {
      for (int64_t r = begin; r < end; ++r) RowF64<kKind>(x + r * n, y + r * n, n);
    } else {
      std::vector<float> in(static_cast<size_t>(n)), out(static_cast<size_t>(n));
      for (int64_t r = begin; r < end; ++r) {
        for (int64_t i = 0; i < n; ++i) in[i] = CastTo<float>(x[r * n + i]);
        RowF32<kKind>(in.data(), out.data(), n);
        for (int64_t i = 0; i < n; ++i) y[r * n + i] = CastTo<T>(out[i]);
      }
    }
  });
}

// [outer, n, inner] with inner > 1: columns handled in blocks, vectorized
// along the inner dim.
template <Kind kKind, typename T>
void Columns(const KernelContext& ctx, const T* x, T* y, int64_t outer, int64_t n, int64_t inner) {
  using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
  constexpr int64_t kBlock = 128;
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
  ctx.ParallelFor(outer * blocks, 40.0 * n * std::min(inner, kBlock), [&](int64_t begin, int64_t end) {
    A m[kBlock], s[kBlock], e[kBlock];
    int64_t best[kBlock];
    for (int64_t t = begin; t < end; ++t) {
      const int64_t o = t / blocks, i0 = (t % blocks) * kBlock, len = std::min(kBlock, inner - i0);
      const T* xb = x + o * n * inner + i0;
      T* yb = y + o * n * inner + i0;
      for (int64_t i = 0; i < len; ++i) {
        m[i] = -std::numeric_limits<A>::infinity();
        s[i] = 0;
        best[i] = 0;
      }
      for (int64_t r = 0; r < n; ++r) {
        const T* row = xb + r * inner;
        for (int64_t i = 0; i < len; ++i) {
          A v = CastTo<A>(row[i]);
          if constexpr (kKind == Kind::kHardmax) {
            if (v > m[i] || r == 0) {
              m[i] = v;
              best[i] = r;
            }
          } else {
            m[i] = (v > m[i] || v != v) ? v : m[i];
          }
        }
      }
      if constexpr (kKind == Kind::kHardmax) {
        for (int64_t r = 0; r < n; ++r) {
          T* row = yb + r * inner;
          for (int64_t i = 0; i < len; ++i) row[i] = CastTo<T>(A(best[i] == r ? 1 : 0));
        }
        continue;
      }
      // Softmax with a full-precision output keeps exp(x - max) there and
      // rescales it afterwards; otherwise the exponentials are recomputed.
      constexpr bool kKeepExp = kKind == Kind::kSoftmax && std::is_same_v<T, A>;
      for (int64_t r = 0; r < n; ++r) {
        const T* row = xb + r * inner;
        A* ex = e;
        if constexpr (kKeepExp) ex = yb + r * inner;
        for (int64_t i = 0; i < len; ++i) ex[i] = CastTo<A>(row[i]) - m[i];
        if constexpr (std::is_same_v<A, float>) {
          fastmath::Exp(ex, ex, len);
        } else {
          for (int64_t i = 0; i < len; ++i) ex[i] = std::exp(ex[i]);
        }
        for (int64_t i = 0; i < len; ++i) s[i] += ex[i];
      }
      if constexpr (kKind == Kind::kLogSoftmax) {
        for (int64_t i = 0; i < len; ++i) m[i] += std::log(s[i]);
        for (int64_t r = 0; r < n; ++r) {
          const T* row = xb + r * inner;
          T* orow = yb + r * inner;
          for (int64_t i = 0; i < len; ++i) orow[i] = CastTo<T>(static_cast<A>(CastTo<A>(row[i]) - m[i]));
        }
      } else {
        for (int64_t i = 0; i < len; ++i) s[i] = A{1} / s[i];
        if constexpr (kKeepExp) {
          for (int64_t r = 0; r < n; ++r) {
            A* orow = yb + r * inner;
            for (int64_t i = 0; i < len; ++i) orow[i] *= s[i];
          }
          continue;
        }
        for (int64_t r = 0; r < n; ++r) {
          const T* row = xb + r * inner;
          T* orow = yb + r * inner;
          for (int64_t i = 0; i < len; ++i) e[i] = CastTo<A>(row[i]) - m[i];
          if constexpr (std::is_same_v<A, float>) {
            fastmath::Exp(e, e, len);
          } else {
            for (int64_t i = 0; i < len; ++i) e[i] = std::exp(e[i]);
          }
          for (int64_t i = 0; i < len; ++i) orow[i] = CastTo<T>(static_cast<A>(e[i] * s[i]));
        }
      }
    }
  });
}

template <Kind kKind>
class SoftmaxKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<SoftmaxKernel>();
    k->flatten_ = init.opset() < 13;
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis", k->flatten_ ? 1 : -1));
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    const Shape& shape = x->shape();
    const int64_t rank = x->rank();
    int64_t outer, n, inner;
    if (rank == 0) {
      outer = n = inner = 1;  // a scalar is a row of one element
    } else {
      auto axis = NormalizeAxis(axis_, rank);
      if (!axis.ok()) return WithNode(ctx, axis.status());
      outer = DimProduct(shape, 0, *axis);
      if (flatten_) {
        n = DimProduct(shape, *axis, rank);
        inner = 1;
      } else {
        n = shape[*axis];
        inner = DimProduct(shape, *axis + 1, rank);
      }
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), shape));
    if (x->num_elements() == 0) return absl::OkStatus();
    return WithNode(ctx, DispatchFloat(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      if (inner == 1) {
        Rows<kKind, T>(ctx, x->data<T>(), y->data<T>(), outer, n);
      } else {
        Columns<kKind, T>(ctx, x->data<T>(), y->data<T>(), outer, n, inner);
      }
      return absl::OkStatus();
    }));
  }

 private:
  bool flatten_ = false;
  int64_t axis_ = -1;
};

}  // namespace

void RegisterSoftmaxKernels(KernelRegistry& r) {
  r.Add("Softmax", FactoryOf<SoftmaxKernel<Kind::kSoftmax>>());
  r.Add("LogSoftmax", FactoryOf<SoftmaxKernel<Kind::kLogSoftmax>>());
  r.Add("Hardmax", FactoryOf<SoftmaxKernel<Kind::kHardmax>>());
}

}  // namespace braid::backends::cpu
