// Unique: distinct elements (or slices along `axis`), sorted or in order of
// first occurrence, with first-occurrence indices, inverse indices and
// counts. Floats order NaN after every number and treat NaNs as equal.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/tensor/tensor_util.h"

namespace braid::backends::cpu {
namespace {

// -1, 0, 1 under a total order (NaN last, NaN == NaN).
template <typename T>
inline int Compare(const T& a, const T& b) {
  if constexpr (std::is_same_v<T, std::string> || std::is_integral_v<T>) {
    return a < b ? -1 : (b < a ? 1 : 0);
  } else {
    const auto x = CastTo<ComputeType<T>>(a), y = CastTo<ComputeType<T>>(b);
    const bool xn = std::isnan(x), yn = std::isnan(y);
    if (xn || yn) return xn == yn ? 0 : (xn ? 1 : -1);
    return x < y ? -1 : (y < x ? 1 : 0);
  }
}

class UniqueKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<UniqueKernel>();
    BRAID_ASSIGN_OR_RETURN(int64_t sorted, init.GetInt("sorted", 1));
    k->sorted_ = sorted != 0;
    if (init.node().HasAttribute("axis")) {
      BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis"));
      k->has_axis_ = true;
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* in, ctx.RequireTensor(0));
    Shape shape = {in->num_elements()};
    int64_t axis = 0;
    if (has_axis_) {
      BRAID_ASSIGN_OR_RETURN(axis, NormalizeAxis(ctx, axis_, in->rank()));
      shape = in->shape();
    }
    absl::Status st = DispatchAll(in->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      return Run<T>(ctx, *in, shape, axis);
    });
    if (absl::IsUnimplemented(st)) return ctx.Error(absl::StrCat("unsupported type ", DataTypeName(in->dtype())));
    return st;
  }

 private:
  template <typename T>
  absl::Status Run(KernelContext& ctx, const Tensor& in, const Shape& shape, int64_t axis) const {
    const int64_t r = static_cast<int64_t>(shape.size());
    const int64_t items = shape[axis];
    const int64_t outer = DimProduct(shape, 0, axis);
    const int64_t inner = DimProduct(shape, axis + 1, r);
    const T* x = in.data<T>();
    // Item m is the slice x[o, m, i] over all (o, i), compared in that order.
    auto compare_items = [&](int64_t a, int64_t b) {
      for (int64_t o = 0; o < outer; ++o) {
        const T* pa = x + (o * items + a) * inner;
        const T* pb = x + (o * items + b) * inner;
        for (int64_t i = 0; i < inner; ++i) {
          const int c = Compare(pa[i], pb[i]);
          if (c != 0) return c;
        }
      }
      return 0;
    };
    std::vector<int64_t> order(items);
    std::iota(order.begin(), order.end(), int64_t{0});
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return compare_items(a, b) < 0; });

    // Groups of equal items in sorted order; each starts at its first occurrence.
    struct Group {
      int64_t first;
      int64_t begin;  // range in `order`
      int64_t end;
    };
    std::vector<Group> groups;
    for (int64_t p = 0; p < items; ++p) {
      if (p == 0 || compare_items(order[p - 1], order[p]) != 0) groups.push_back({order[p], p, p});
      groups.back().end = p + 1;
    }
    if (!sorted_) {
      std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) { return a.first < b.first; });
    }
    const int64_t u = static_cast<int64_t>(groups.size());

    Shape y_shape = shape;
    y_shape[axis] = u;
    if (!has_axis_) y_shape = {u};
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, in.dtype(), y_shape));
    T* yd = y->data<T>();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t g = 0; g < u; ++g) {
        std::copy(x + (o * items + groups[g].first) * inner, x + (o * items + groups[g].first + 1) * inner,
                  yd + (o * u + g) * inner);
      }
    }
    if (ctx.num_outputs() > 1 && ctx.output_wanted(1)) {
      BRAID_ASSIGN_OR_RETURN(Tensor * t, ctx.AllocateOutput(1, DataType::kInt64, {u}));
      for (int64_t g = 0; g < u; ++g) t->data<int64_t>()[g] = groups[g].first;
    }
    if (ctx.num_outputs() > 2 && ctx.output_wanted(2)) {
      BRAID_ASSIGN_OR_RETURN(Tensor * t, ctx.AllocateOutput(2, DataType::kInt64, {items}));
      for (int64_t g = 0; g < u; ++g) {
        for (int64_t p = groups[g].begin; p < groups[g].end; ++p) t->data<int64_t>()[order[p]] = g;
      }
    }
    if (ctx.num_outputs() > 3 && ctx.output_wanted(3)) {
      BRAID_ASSIGN_OR_RETURN(Tensor * t, ctx.AllocateOutput(3, DataType::kInt64, {u}));
      for (int64_t g = 0; g < u; ++g) t->data<int64_t>()[g] = groups[g].end - groups[g].begin;
    }
    return absl::OkStatus();
  }

  bool sorted_ = true;
  bool has_axis_ = false;
  int64_t axis_ = 0;
};

}  // namespace

void RegisterUniqueKernels(KernelRegistry& r) { r.Add("Unique", FactoryOf<UniqueKernel>()); }

}  // namespace braid::backends::cpu
