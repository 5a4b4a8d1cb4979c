// CumSum along an axis given as a tensor input, with the `exclusive` and
// `reverse` attributes.
#include <algorithm>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/math/math_util.h"

namespace braid::backends::cpu {
namespace {

class CumSumKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<CumSumKernel>();
    BRAID_ASSIGN_OR_RETURN(int64_t exclusive, init.GetInt("exclusive", 0));
    BRAID_ASSIGN_OR_RETURN(int64_t reverse, init.GetInt("reverse", 0));
    k->exclusive_ = exclusive != 0;
    k->reverse_ = reverse != 0;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* axis_t, ctx.RequireTensor(1));
    auto axis_v = ReadInt64s(*axis_t, "axis");
    if (!axis_v.ok()) return WithNode(ctx, axis_v.status());
    if (axis_v->size() != 1) return ctx.Error("axis must hold exactly one value");
    if (x->rank() == 0) return ctx.Error("input must have rank >= 1");
    auto axis = NormalizeAxis((*axis_v)[0], x->rank());
    if (!axis.ok()) return WithNode(ctx, axis.status());
    const Shape& shape = x->shape();
    const int64_t outer = DimProduct(shape, 0, *axis), n = shape[*axis],
                  inner = DimProduct(shape, *axis + 1, x->rank());
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), shape));
    if (x->num_elements() == 0) return absl::OkStatus();
    const bool exclusive = exclusive_, reverse = reverse_;
    using Types = TypeList<float, double, Float16, BFloat16, int32_t, int64_t, uint32_t, uint64_t>;
    return WithNode(ctx, Dispatch<Types>(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using C = ComputeType<T>;
      constexpr int64_t kBlock = 256;
      const int64_t blocks = (inner + kBlock - 1) / kBlock;
      const T* px = x->data<T>();
      T* py = y->data<T>();
      ctx.ParallelFor(outer * blocks, 2.0 * n * std::min(inner, kBlock), [&](int64_t begin, int64_t end) {
        C acc[kBlock];
        for (int64_t t = begin; t < end; ++t) {
          const int64_t o = t / blocks, i0 = (t % blocks) * kBlock, len = std::min(kBlock, inner - i0);
          std::fill(acc, acc + len, C{0});
          for (int64_t s = 0; s < n; ++s) {
            const int64_t r = reverse ? n - 1 - s : s;
            const T* in = px + (o * n + r) * inner + i0;
            T* out = py + (o * n + r) * inner + i0;
            if (exclusive) {
              for (int64_t i = 0; i < len; ++i) {
                out[i] = CastTo<T>(acc[i]);
                acc[i] = static_cast<C>(acc[i] + CastTo<C>(in[i]));
              }
            } else {
              for (int64_t i = 0; i < len; ++i) {
                acc[i] = static_cast<C>(acc[i] + CastTo<C>(in[i]));
                out[i] = CastTo<T>(acc[i]);
              }
            }
          }
        }
      });
      return absl::OkStatus();
    }));
  }

 private:
  bool exclusive_ = false;
  bool reverse_ = false;
};

}  // namespace

void RegisterCumSumKernels(KernelRegistry& r) { r.Add("CumSum", FactoryOf<CumSumKernel>()); }

}  // namespace braid::backends::cpu
