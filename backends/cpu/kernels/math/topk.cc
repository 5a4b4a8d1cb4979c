// TopK: the k largest (or smallest) elements along an axis with their
// indices. Output is always sorted (allowed for sorted = 0); equal values
// keep the lower index first; NaN orders above every number.
#include <algorithm>
#include <numeric>
#include <type_traits>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/math/math_util.h"

namespace braid::backends::cpu {
namespace {

class TopKKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<TopKKernel>();
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis", -1));
    BRAID_ASSIGN_OR_RETURN(int64_t largest, init.GetInt("largest", 1));
    k->largest_ = largest != 0;
    if (init.opset() < 10) {
      BRAID_ASSIGN_OR_RETURN(int64_t kv, init.GetInt("k"));
      k->k_attr_ = kv;
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    int64_t k = k_attr_;
    if (k_attr_ < 0) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* kt, ctx.RequireTensor(1));
      auto kv = ReadInt64s(*kt, "K");
      if (!kv.ok()) return WithNode(ctx, kv.status());
      if (kv->size() != 1) return ctx.Error("K must hold exactly one value");
      k = (*kv)[0];
    }
    if (x->rank() == 0) return ctx.Error("input must have rank >= 1");
    auto axis = NormalizeAxis(axis_, x->rank());
    if (!axis.ok()) return WithNode(ctx, axis.status());
    const Shape& shape = x->shape();
    const int64_t n = shape[*axis];
    if (k < 0 || k > n) return ctx.Error(absl::StrCat("k = ", k, " is outside [0, ", n, "] for axis ", *axis));
    const int64_t outer = DimProduct(shape, 0, *axis), inner = DimProduct(shape, *axis + 1, x->rank());
    Shape out_shape = shape;
    out_shape[*axis] = k;
    BRAID_ASSIGN_OR_RETURN(Tensor * values, ctx.AllocateOutput(0, x->dtype(), out_shape));
    Tensor scratch_indices;
    Tensor* indices = &scratch_indices;
    if (ctx.num_outputs() > 1) {
      BRAID_ASSIGN_OR_RETURN(indices, ctx.AllocateOutput(1, DataType::kInt64, out_shape));
    } else {
      BRAID_ASSIGN_OR_RETURN(scratch_indices, ctx.AllocateScratch(DataType::kInt64, out_shape));
    }
    const bool largest = largest_;
    return WithNode(ctx, DispatchNumeric(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using C = ComputeType<T>;
      const T* px = x->data<T>();
      T* pv = values->data<T>();
      int64_t* pi = indices->data<int64_t>();
      ctx.ParallelFor(outer * inner, 8.0 * n + 1, [&](int64_t begin, int64_t end) {
        std::vector<C> v(static_cast<size_t>(n));
        std::vector<int64_t> idx(static_cast<size_t>(n));
        // Strict weak order: NaN above numbers, ties by index.
        auto before = [&](int64_t a, int64_t b) {
          C va = v[a], vb = v[b];
          if constexpr (std::is_floating_point_v<C>) {
            const bool na = va != va, nb = vb != vb;
            if (na || nb) {
              if (na && nb) return a < b;
              return largest ? na : nb;
            }
          }
          if (va != vb) return largest ? va > vb : va < vb;
          return a < b;
        };
        for (int64_t t = begin; t < end; ++t) {
          const int64_t o = t / inner, i = t % inner;
          const T* base = px + o * n * inner + i;
          for (int64_t r = 0; r < n; ++r) v[r] = CastTo<C>(base[r * inner]);
          std::iota(idx.begin(), idx.end(), int64_t{0});
          std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), before);
          T* ov = pv + o * k * inner + i;
          int64_t* oi = pi + o * k * inner + i;
          for (int64_t r = 0; r < k; ++r) {
            ov[r * inner] = base[idx[r] * inner];
            oi[r * inner] = idx[r];
          }
        }
      });
      return absl::OkStatus();
    }));
  }

 private:
  int64_t axis_ = -1;
  bool largest_ = true;
  int64_t k_attr_ = -1;  // k from the attribute before opset 10; -1 = read input 1
};

}  // namespace

void RegisterTopKKernels(KernelRegistry& r) { r.Add("TopK", FactoryOf<TopKKernel>()); }

}  // namespace braid::backends::cpu
