// Trilu: keeps the upper (j - i >= k) or lower (j - i <= k) triangle of the
// last two dims and zeroes the rest.
#include <string>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/math/math_util.h"

namespace braid::backends::cpu {
namespace {

class TriluKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<TriluKernel>();
    BRAID_ASSIGN_OR_RETURN(int64_t upper, init.GetInt("upper", 1));
    k->upper_ = upper != 0;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    if (x->rank() < 2) return ctx.Error(absl::StrCat("input must have rank >= 2, got ", x->rank()));
    int64_t k = 0;
    if (ctx.has_input(1)) {
      auto kv = ReadInt64s(ctx.input(1), "k");
      if (!kv.ok()) return WithNode(ctx, kv.status());
      if (kv->size() != 1) return ctx.Error("k must hold exactly one value");
      k = (*kv)[0];
    }
    const Shape& shape = x->shape();
    const int64_t rows = shape[x->rank() - 2], cols = shape[x->rank() - 1];
    const int64_t mats = DimProduct(shape, 0, x->rank() - 2);
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), shape));
    const bool upper = upper_;
    return WithNode(ctx, DispatchAll(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      const T* px = x->data<T>();
      T* py = y->data<T>();
      ctx.ParallelFor(mats * rows, static_cast<double>(cols), [&](int64_t begin, int64_t end) {
        for (int64_t t = begin; t < end; ++t) {
          const int64_t i = t % rows;
          const T* in = px + t * cols;
          T* out = py + t * cols;
          for (int64_t j = 0; j < cols; ++j) {
            const bool keep = upper ? (j - i >= k) : (j - i <= k);
            out[j] = keep ? in[j] : T{};
          }
        }
      });
      return absl::OkStatus();
    }));
  }

 private:
  bool upper_ = true;
};

}  // namespace

void RegisterTriluKernels(KernelRegistry& r) { r.Add("Trilu", FactoryOf<TriluKernel>()); }

}  // namespace braid::backends::cpu
