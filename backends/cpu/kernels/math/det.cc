// Det: determinant of each square matrix in the last two dims, by LU
// decomposition with partial pivoting (computed in double).
#include <cmath>
#include <utility>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/math/math_util.h"

namespace braid::backends::cpu {
namespace {

double Determinant(std::vector<double>& a, int64_t n) {
  double det = 1.0;
  for (int64_t c = 0; c < n; ++c) {
    int64_t pivot = c;
    for (int64_t r = c + 1; r < n; ++r) {
      if (std::fabs(a[r * n + c]) > std::fabs(a[pivot * n + c])) pivot = r;
    }
    if (a[pivot * n + c] == 0.0) return 0.0;
    if (pivot != c) {
      for (int64_t j = 0; j < n; ++j) std::swap(a[c * n + j], a[pivot * n + j]);
      det = -det;
    }
    const double d = a[c * n + c];
    det *= d;
    for (int64_t r = c + 1; r < n; ++r) {
      const double f = a[r * n + c] / d;
      if (f == 0.0) continue;
      for (int64_t j = c + 1; j < n; ++j) a[r * n + j] -= f * a[c * n + j];
    }
  }
  return det;
}

absl::Status DetKernel(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
  const int64_t rank = x->rank();
  if (rank < 2 || x->dim(rank - 1) != x->dim(rank - 2)) {
    return ctx.Error(absl::StrCat("input must be [*, M, M], got ", ShapeToString(x->shape())));
  }
  const int64_t n = x->dim(rank - 1);
  Shape out_shape(x->shape().begin(), x->shape().end() - 2);
  const int64_t mats = DimProduct(x->shape(), 0, rank - 2);
  BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), out_shape));
  return WithNode(ctx, DispatchFloat(x->dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    const T* px = x->data<T>();
    T* py = y->data<T>();
    ctx.ParallelFor(mats, static_cast<double>(n * n * n), [&](int64_t begin, int64_t end) {
      std::vector<double> a(static_cast<size_t>(n * n));
      for (int64_t m = begin; m < end; ++m) {
        for (int64_t i = 0; i < n * n; ++i) a[i] = CastTo<double>(px[m * n * n + i]);
        py[m] = CastTo<T>(Determinant(a, n));
      }
    });
    return absl::OkStatus();
  }));
}

}  // namespace

void RegisterDetKernels(KernelRegistry& r) { r.Add("Det", FunctionFactory(DetKernel)); }

}  // namespace braid::backends::cpu
