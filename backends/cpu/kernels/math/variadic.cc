// Variadic element-wise ops with numpy broadcasting (Max, Min, Sum, Mean)
// and the three-way broadcasting Where.
#include <cmath>
#include <type_traits>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/binary_loop.h"
#include "backends/cpu/kernels/broadcast.h"
#include "backends/cpu/kernels/math/math_util.h"
#include "backends/cpu/kernels/math/nary_broadcast.h"

namespace braid::backends::cpu {
namespace {

enum class VariadicOp { kMax, kMin, kSum, kMean };

template <VariadicOp kOp, typename C>
inline C Combine(C a, C b) {
  if constexpr (kOp == VariadicOp::kMax) {
    if constexpr (std::is_floating_point_v<C>) return (a > b || a != a) ? a : b;  // NaN propagates
    return a > b ? a : b;
  } else if constexpr (kOp == VariadicOp::kMin) {
    if constexpr (std::is_floating_point_v<C>) return (a < b || a != a) ? a : b;
    return a < b ? a : b;
  } else {
    return static_cast<C>(a + b);
  }
}

template <VariadicOp kOp>
class VariadicKernel : public Kernel {
 public:
  absl::Status Compute(KernelContext& ctx) const override {
    const int n = ctx.num_inputs();
    if (n < 1) return ctx.Error("needs at least one input");
    std::vector<const Tensor*> in;
    std::vector<Shape> shapes;
    for (int i = 0; i < n; ++i) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* t, ctx.RequireTensor(i));
      if (t->dtype() != ctx.input(0).dtype()) {
        return ctx.Error(absl::StrCat("input ", i, " has type ", DataTypeName(t->dtype()), ", input 0 has ",
                                      DataTypeName(ctx.input(0).dtype())));
      }
      in.push_back(t);
      shapes.push_back(t->shape());
    }
    auto shape = BroadcastShapes(shapes);
    if (!shape.ok()) return WithNode(ctx, shape.status());
    const DataType dtype = in[0]->dtype();
    if (n == 1 && kOp != VariadicOp::kMean) {
      ctx.SetOutput(0, ctx.input_value(0));
      return absl::OkStatus();
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, dtype, *shape));
    using Types = std::conditional_t<kOp == VariadicOp::kMean, FloatTypes, NumericTypes>;
    return WithNode(ctx, Dispatch<Types>(dtype, [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using C = ComputeType<T>;
      auto combine = [](T a, T b) { return CastTo<T>(Combine<kOp, C>(CastTo<C>(a), CastTo<C>(b))); };
      if (n == 1) {
        BroadcastBinary<T, T, T>(ctx, *in[0], *in[0], *out, [](T a, T) { return a; });
      } else {
        BroadcastBinary<T, T, T>(ctx, *in[0], *in[1], *out, combine);
      }
      for (int i = 2; i < n; ++i) BroadcastBinary<T, T, T>(ctx, *out, *in[i], *out, combine);
      if constexpr (kOp == VariadicOp::kMean) {
        const C scale = static_cast<C>(1.0 / n);
        ParallelMap(ctx, out->data<T>(), out->data<T>(), out->num_elements(),
                    [scale](T v) { return CastTo<T>(static_cast<C>(CastTo<C>(v) * scale)); });
      }
      return absl::OkStatus();
    }));
  }
};

absl::Status WhereKernel(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(const Tensor* cond, ctx.RequireTensor(0));
  BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(1));
  BRAID_ASSIGN_OR_RETURN(const Tensor* y, ctx.RequireTensor(2));
  if (cond->dtype() != DataType::kBool) {
    return ctx.Error(absl::StrCat("condition must be bool, got ", DataTypeName(cond->dtype())));
  }
  if (x->dtype() != y->dtype()) {
    return ctx.Error(absl::StrCat("X and Y types differ: ", DataTypeName(x->dtype()), " and ",
                                  DataTypeName(y->dtype())));
  }
  const Shape shapes[] = {cond->shape(), x->shape(), y->shape()};
  auto shape = BroadcastShapes(std::span<const Shape>(shapes, 3));
  if (!shape.ok()) return WithNode(ctx, shape.status());
  BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, x->dtype(), *shape));
  NaryBroadcastPlan plan(shapes, *shape);
  const int64_t inner = plan.inner();
  const int64_t sc = plan.step(0), sx = plan.step(1), sy = plan.step(2);
  return WithNode(ctx, DispatchAll(x->dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    const bool* pc = cond->data<bool>();
    const T* px = x->data<T>();
    const T* py = y->data<T>();
    T* po = out->data<T>();
    ctx.ParallelFor(plan.outer(), static_cast<double>(inner), [&](int64_t begin, int64_t end) {
      int64_t off[3];
      for (int64_t run = begin; run < end; ++run) {
        plan.RunOffsets(run, off);
        const bool* c = pc + off[0];
        const T* a = px + off[1];
        const T* b = py + off[2];
        T* o = po + run * inner;
        if (sc && sx && sy) {
          for (int64_t i = 0; i < inner; ++i) o[i] = c[i] ? a[i] : b[i];
        } else {
          for (int64_t i = 0; i < inner; ++i) o[i] = c[i * sc] ? a[i * sx] : b[i * sy];
        }
      }
    });
    return absl::OkStatus();
  }));
}

}  // namespace

void RegisterVariadicKernels(KernelRegistry& r) {
  r.Add("Max", SimpleFactory<VariadicKernel<VariadicOp::kMax>>());
  r.Add("Min", SimpleFactory<VariadicKernel<VariadicOp::kMin>>());
  r.Add("Sum", SimpleFactory<VariadicKernel<VariadicOp::kSum>>());
  r.Add("Mean", SimpleFactory<VariadicKernel<VariadicOp::kMean>>());
  r.Add("Where", FunctionFactory(WhereKernel));
}

}  // namespace braid::backends::cpu
