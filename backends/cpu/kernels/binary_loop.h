// The broadcasting loop shared by binary element-wise kernels.
#ifndef BRAID_BACKENDS_CPU_KERNELS_BINARY_LOOP_H_
#define BRAID_BACKENDS_CPU_KERNELS_BINARY_LOOP_H_

#include "backends/cpu/kernel.h"
#include "backends/cpu/kernels/broadcast.h"

namespace braid::backends::cpu {

// out[i] = op(a[..], b[..]) over the broadcast of a and b, in parallel.
// A, B, R are storage types; `op` maps (A, B) -> R.
template <typename A, typename B, typename R, typename Op>
void BroadcastBinary(const KernelContext& ctx, const Tensor& a, const Tensor& b, Tensor& out, Op op,
                     double cost_per_element = 1.0) {
  const A* pa = a.data<A>();
  const B* pb = b.data<B>();
  R* po = out.data<R>();
  BinaryBroadcastPlan plan(a.shape(), b.shape(), out.shape());
  const int64_t inner = plan.inner();
  ctx.ParallelFor(plan.outer(), cost_per_element * static_cast<double>(inner), [&](int64_t begin, int64_t end) {
    for (int64_t run = begin; run < end; ++run) {
      int64_t ao, bo;
      plan.RunOffsets(run, ao, bo);
      R* o = po + run * inner;
      const A* x = pa + ao;
      const B* y = pb + bo;
      if (plan.a_step() && plan.b_step()) {
        for (int64_t i = 0; i < inner; ++i) o[i] = op(x[i], y[i]);
      } else if (plan.a_step()) {
        const B yv = *y;
        for (int64_t i = 0; i < inner; ++i) o[i] = op(x[i], yv);
      } else if (plan.b_step()) {
        const A xv = *x;
        for (int64_t i = 0; i < inner; ++i) o[i] = op(xv, y[i]);
      } else {
        const R v = op(*x, *y);
        for (int64_t i = 0; i < inner; ++i) o[i] = v;
      }
    }
  });
}

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNELS_BINARY_LOOP_H_
