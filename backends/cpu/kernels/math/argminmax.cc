// ArgMax and ArgMin along one axis (keepdims, select_last_index). NaN
// counts as the extreme value, as in numpy: the first NaN wins (the last
// with select_last_index).
#include <cmath>
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/math/math_util.h"

namespace braid::backends::cpu {
namespace {

// Whether `v` replaces the current best `b`.
template <bool kMax, typename C>
inline bool Better(C v, C b, bool last) {
  if constexpr (std::is_floating_point_v<C>) {
    if (v != v) return b == b || last;
    if (b != b) return false;
  }
  return kMax ? (v > b || (last && v == b)) : (v < b || (last && v == b));
}

template <bool kMax>
class ArgKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<ArgKernel>();
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis", 0));
    BRAID_ASSIGN_OR_RETURN(int64_t keepdims, init.GetInt("keepdims", 1));
    BRAID_ASSIGN_OR_RETURN(int64_t last, init.GetInt("select_last_index", 0));
    k->keepdims_ = keepdims != 0;
    k->last_ = last != 0;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    const Shape& shape = x->shape();
    auto axis_or = NormalizeAxis(axis_, std::max<int64_t>(x->rank(), 1));
    if (!axis_or.ok()) return WithNode(ctx, axis_or.status());
    const int64_t axis = *axis_or;
    const int64_t n = x->rank() == 0 ? 1 : shape[axis];
    const int64_t outer = x->rank() == 0 ? 1 : DimProduct(shape, 0, axis);
    const int64_t inner = x->rank() == 0 ? 1 : DimProduct(shape, axis + 1, x->rank());
    Shape out_shape;
    for (int64_t i = 0; i < x->rank(); ++i) {
      if (i != axis) {
        out_shape.push_back(shape[i]);
      } else if (keepdims_) {
        out_shape.push_back(1);
      }
    }
    if (n == 0 && outer * inner > 0) return ctx.Error("cannot take the arg-extreme of an empty axis");
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, DataType::kInt64, out_shape));
    const bool last = last_;
    return WithNode(ctx, DispatchNumeric(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using C = ComputeType<T>;
      const T* px = x->data<T>();
      int64_t* py = y->data<int64_t>();
      ctx.ParallelFor(outer * inner, 2.0 * n, [&](int64_t begin, int64_t end) {
        for (int64_t t = begin; t < end; ++t) {
          const int64_t o = t / inner, i = t % inner;
          const T* base = px + o * n * inner + i;
          C best = CastTo<C>(base[0]);
          int64_t idx = 0;
          for (int64_t r = 1; r < n; ++r) {
            C v = CastTo<C>(base[r * inner]);
            if (Better<kMax>(v, best, last)) {
              best = v;
              idx = r;
            }
          }
          py[t] = idx;
        }
      });
      return absl::OkStatus();
    }));
  }

 private:
  int64_t axis_ = 0;
  bool keepdims_ = true;
  bool last_ = false;
};

}  // namespace

void RegisterArgMinMaxKernels(KernelRegistry& r) {
  r.Add("ArgMax", FactoryOf<ArgKernel<true>>());
  r.Add("ArgMin", FactoryOf<ArgKernel<false>>());
}

}  // namespace braid::backends::cpu
