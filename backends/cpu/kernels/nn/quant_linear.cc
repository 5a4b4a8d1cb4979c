// Integer matrix products: MatMulInteger, QLinearMatMul (numpy batching),
// ConvInteger and QLinearConv (N-D, groups, padding). Operands are 8-bit
// (uint8 or int8) with zero points (scalar, or per row of A / per column of
// B / per output channel of W); products accumulate in int32. The QLinear
// ops requantize with multiplier in_scale * w_scale / y_scale, rounding half
// to even and saturating.
#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/broadcast.h"
#include "backends/cpu/kernels/nn/conv_geometry.h"
#include "backends/cpu/kernels/nn/nn_util.h"

namespace braid::backends::cpu {
namespace {

bool IsQuant8(DataType t) { return t == DataType::kUInt8 || t == DataType::kInt8; }

// x - zp[param(i)] as int32, where param(i) = (i / inner) % period.
absl::StatusOr<std::vector<int32_t>> Shifted(const Tensor& x, const Tensor* zp, int64_t period, int64_t inner) {
  BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> xv, TensorAs<int64_t>(x));
  std::vector<int64_t> zv(1, 0);
  if (zp != nullptr) {
    BRAID_ASSIGN_OR_RETURN(zv, TensorAs<int64_t>(*zp));
  }
  if (zv.size() != 1 && static_cast<int64_t>(zv.size()) != period) {
    return absl::InvalidArgumentError(absl::StrCat("zero point has ", zv.size(), " elements, expected 1 or ", period));
  }
  std::vector<int32_t> out(xv.size());
  for (size_t i = 0; i < xv.size(); ++i) {
    const int64_t z = zv.size() == 1 ? zv[0] : zv[(static_cast<int64_t>(i) / inner) % period];
    out[i] = static_cast<int32_t>(xv[i] - z);
  }
  return out;
}

// Batched int32 matmul with numpy broadcasting; returns the output shape.
absl::StatusOr<Shape> IntMatMul(KernelContext& ctx, const Shape& as, const Shape& bs, const std::vector<int32_t>& a,
                                const std::vector<int32_t>& b, std::vector<int32_t>& out) {
  if (as.empty() || bs.empty()) return absl::InvalidArgumentError("operands must not be scalars");
  Shape a2 = as, b2 = bs;
  if (a2.size() == 1) a2.insert(a2.begin(), 1);
  if (b2.size() == 1) b2.push_back(1);
  const int64_t m = a2[a2.size() - 2], k = a2.back(), n = b2.back();
  if (b2[b2.size() - 2] != k) return absl::InvalidArgumentError("inner dimensions differ");
  Shape ba(a2.begin(), a2.end() - 2), bb(b2.begin(), b2.end() - 2);
  BRAID_ASSIGN_OR_RETURN(Shape batch, BroadcastShapes(ba, bb));
  std::vector<int64_t> sa = BroadcastStrides(ba, batch), sb = BroadcastStrides(bb, batch);
  const int64_t nb = DimProduct(batch, 0, batch.size());
  out.assign(nb * m * n, 0);
  ctx.ParallelFor(nb, static_cast<double>(m * n * k), [&](int64_t begin, int64_t end) {
    for (int64_t bi = begin; bi < end; ++bi) {
      int64_t oa = 0, ob = 0, rem = bi;
      for (int64_t d = static_cast<int64_t>(batch.size()) - 1; d >= 0; --d) {
        oa += (rem % batch[d]) * sa[d];
        ob += (rem % batch[d]) * sb[d];
        rem /= batch[d];
      }
      NaiveGemm<int32_t>(m, n, k, a.data() + oa * m * k, b.data() + ob * k * n, out.data() + bi * m * n, false);
    }
  });
  Shape os = batch;
  if (as.size() > 1) os.push_back(m);
  if (bs.size() > 1) os.push_back(n);
  return os;
}

// Writes saturate(round(acc * mult[p]) + zp) into y of type Q.
absl::Status Requantize(const std::vector<int32_t>& acc, const std::vector<float>& mult, int64_t period, int64_t inner,
                        const Tensor* y_zp, Tensor* y) {
  int64_t z = 0;
  if (y_zp != nullptr) {
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> zv, TensorAs<int64_t>(*y_zp));
    if (zv.size() != 1) return absl::InvalidArgumentError("y_zero_point must be a scalar");
    z = zv[0];
  }
  return Dispatch<TypeList<uint8_t, int8_t>>(y->dtype(), [&](auto tag) -> absl::Status {
    using Q = decltype(tag);
    Q* yp = y->data<Q>();
    const float lo = std::numeric_limits<Q>::lowest(), hi = std::numeric_limits<Q>::max();
    for (size_t i = 0; i < acc.size(); ++i) {
      const float m = mult.size() == 1 ? mult[0] : mult[(static_cast<int64_t>(i) / inner) % period];
      float v = std::nearbyint(static_cast<float>(acc[i]) * m) + static_cast<float>(z);
      yp[i] = std::isnan(v) ? Q{0} : static_cast<Q>(std::min(std::max(v, lo), hi));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<float> ScalarFloat(const Tensor& t, const char* name) {
  BRAID_ASSIGN_OR_RETURN(std::vector<float> v, TensorAs<float>(t));
  if (v.size() != 1) return absl::InvalidArgumentError(absl::StrCat(name, " must be a scalar"));
  return v[0];
}

absl::Status MatMulInteger(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(const Tensor* a, ctx.RequireTensor(0));
  BRAID_ASSIGN_OR_RETURN(const Tensor* b, ctx.RequireTensor(1));
  if (!IsQuant8(a->dtype()) || !IsQuant8(b->dtype())) return ctx.Error("A and B must be uint8 or int8");
  const int64_t m = a->rank() >= 2 ? a->dim(a->rank() - 2) : 1, n = b->rank() >= 2 ? b->shape().back() : 1;
  auto av = Shifted(*a, ctx.has_input(2) ? &ctx.input(2) : nullptr, m, a->rank() >= 1 ? a->shape().back() : 1);
  if (!av.ok()) return ctx.Error(std::string(av.status().message()));
  auto bv = Shifted(*b, ctx.has_input(3) ? &ctx.input(3) : nullptr, n, 1);
  if (!bv.ok()) return ctx.Error(std::string(bv.status().message()));
  std::vector<int32_t> out;
  auto shape = IntMatMul(ctx, a->shape(), b->shape(), *av, *bv, out);
  if (!shape.ok()) return ctx.Error(std::string(shape.status().message()));
  BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, DataType::kInt32, *shape));
  std::copy(out.begin(), out.end(), y->data<int32_t>());
  return absl::OkStatus();
}

absl::Status QLinearMatMul(KernelContext& ctx) {
  const Tensor* in[8];
  for (int i = 0; i < 8; ++i) {
    BRAID_ASSIGN_OR_RETURN(in[i], ctx.RequireTensor(i));
  }
  const Tensor& a = *in[0];
  const Tensor& b = *in[3];
  if (!IsQuant8(a.dtype()) || !IsQuant8(b.dtype()) || !IsQuant8(in[7]->dtype())) {
    return ctx.Error("a, b and y_zero_point must be uint8 or int8");
  }
  const int64_t m = a.rank() >= 2 ? a.dim(a.rank() - 2) : 1, n = b.rank() >= 2 ? b.shape().back() : 1;
  auto av = Shifted(a, in[2], m, a.shape().back());
  auto bv = Shifted(b, in[5], n, 1);
  if (!av.ok() || !bv.ok()) return ctx.Error("zero points must be scalars (or per row of a / per column of b)");
  std::vector<int32_t> acc;
  auto shape = IntMatMul(ctx, a.shape(), b.shape(), *av, *bv, acc);
  if (!shape.ok()) return ctx.Error(std::string(shape.status().message()));
  BRAID_ASSIGN_OR_RETURN(std::vector<float> as, TensorAs<float>(*in[1]));
  BRAID_ASSIGN_OR_RETURN(std::vector<float> bs, TensorAs<float>(*in[4]));
  auto ys = ScalarFloat(*in[6], "y_scale");
  if (!ys.ok()) return ctx.Error(std::string(ys.status().message()));
  if (as.size() != 1 || bs.size() != 1) return ctx.Error("a_scale and b_scale must be scalars");
  BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, in[7]->dtype(), *shape));
  return Requantize(acc, {as[0] * bs[0] / *ys}, 1, 1, in[7], y);
}

// Integer convolution on shifted int32 operands: out[N, M, out...].
absl::StatusOr<Shape> IntConv(KernelContext& ctx, const ConvAttrs& attrs, const Shape& xs, const Shape& ws,
                              const std::vector<int32_t>& x, const std::vector<int32_t>& w, std::vector<int32_t>& out) {
  if (xs.size() < 3 || ws.size() != xs.size()) return absl::InvalidArgumentError("X and W must have equal rank >= 3");
  const int64_t g = attrs.group, n = xs[0], c = xs[1], m = ws[0];
  if (c != ws[1] * g || m % g != 0) return absl::InvalidArgumentError("channels do not match group");
  Shape in_sp(xs.begin() + 2, xs.end()), k_sp(ws.begin() + 2, ws.end());
  BRAID_ASSIGN_OR_RETURN(ConvGeometry geom, MakeConvGeometry(attrs, in_sp, k_sp));
  const int64_t cg = c / g, mg = m / g, rows = cg * geom.kernel_size(), osz = geom.out_size(), isz = geom.in_size();
  const auto tables = ConvInputTables(geom);
  out.assign(n * m * osz, 0);
  std::vector<int32_t> col(rows * osz);
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t gi = 0; gi < g; ++gi) {
      Im2Col<int32_t>(geom, tables, x.data() + (b * c + gi * cg) * isz, cg, 0, col.data());
      NaiveGemm<int32_t>(mg, osz, rows, w.data() + gi * mg * rows, col.data(), out.data() + (b * m + gi * mg) * osz,
                         false);
    }
  }
  Shape os = {n, m};
  os.insert(os.end(), geom.out.begin(), geom.out.end());
  return os;
}

class ConvIntegerKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init, bool qlinear) {
    auto k = std::unique_ptr<ConvIntegerKernel>(new ConvIntegerKernel());
    BRAID_ASSIGN_OR_RETURN(k->attrs_, ConvAttrs::Parse(init));
    k->qlinear_ = qlinear;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    // ConvInteger: x, w, x_zp, w_zp. QLinearConv: x, xs, xzp, w, ws, wzp, ys, yzp, B.
    const int xi = 0, wi = qlinear_ ? 3 : 1;
    const int xzi = qlinear_ ? 2 : 2, wzi = qlinear_ ? 5 : 3;
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(xi));
    BRAID_ASSIGN_OR_RETURN(const Tensor* w, ctx.RequireTensor(wi));
    if (!IsQuant8(x->dtype()) || !IsQuant8(w->dtype())) return ctx.Error("x and w must be uint8 or int8");
    if (x->rank() < 3 || w->rank() != x->rank()) return ctx.Error("x and w must have equal rank >= 3");
    const Tensor* xz = ctx.has_input(xzi) ? &ctx.input(xzi) : nullptr;
    const Tensor* wz = ctx.has_input(wzi) ? &ctx.input(wzi) : nullptr;
    if (xz != nullptr && xz->num_elements() != 1) return ctx.Error("x_zero_point must be a scalar");
    const int64_t m = w->dim(0);
    auto xv = Shifted(*x, xz, 1, 1);
    auto wv = Shifted(*w, wz, m, DimProduct(w->shape(), 1, w->rank()));
    if (!xv.ok() || !wv.ok()) return ctx.Error("w_zero_point must be a scalar or hold one value per output channel");
    std::vector<int32_t> acc;
    auto shape = IntConv(ctx, attrs_, x->shape(), w->shape(), *xv, *wv, acc);
    if (!shape.ok()) return ctx.Error(std::string(shape.status().message()));
    const int64_t osz = DimProduct(*shape, 2, shape->size());
    if (!qlinear_) {
      BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, DataType::kInt32, *shape));
      std::copy(acc.begin(), acc.end(), y->data<int32_t>());
      return absl::OkStatus();
    }
    if (ctx.has_input(8)) {
      const Tensor& bias = ctx.input(8);
      if (bias.dtype() != DataType::kInt32 || bias.num_elements() != m) return ctx.Error("B must be int32 of size M");
      for (size_t i = 0; i < acc.size(); ++i) acc[i] += bias.data<int32_t>()[(static_cast<int64_t>(i) / osz) % m];
    }
    BRAID_ASSIGN_OR_RETURN(const Tensor* xs, ctx.RequireTensor(1));
    BRAID_ASSIGN_OR_RETURN(const Tensor* ws, ctx.RequireTensor(4));
    BRAID_ASSIGN_OR_RETURN(const Tensor* ys, ctx.RequireTensor(6));
    BRAID_ASSIGN_OR_RETURN(const Tensor* yz, ctx.RequireTensor(7));
    auto xsv = ScalarFloat(*xs, "x_scale");
    auto ysv = ScalarFloat(*ys, "y_scale");
    if (!xsv.ok() || !ysv.ok()) return ctx.Error("x_scale and y_scale must be scalars");
    BRAID_ASSIGN_OR_RETURN(std::vector<float> wsv, TensorAs<float>(*ws));
    if (wsv.size() != 1 && static_cast<int64_t>(wsv.size()) != m) {
      return ctx.Error("w_scale must be a scalar or hold one value per output channel");
    }
    std::vector<float> mult(wsv.size());
    for (size_t i = 0; i < wsv.size(); ++i) mult[i] = *xsv * wsv[i] / *ysv;
    if (!IsQuant8(yz->dtype())) return ctx.Error("y_zero_point must be uint8 or int8");
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, yz->dtype(), *shape));
    return Requantize(acc, mult, m, osz, yz, y);
  }

 private:
  ConvAttrs attrs_;
  bool qlinear_ = false;
};

}  // namespace

void RegisterQuantLinearKernels(KernelRegistry& r) {
  r.Add("MatMulInteger", 10, INT_MAX, FunctionFactory(MatMulInteger));
  r.Add("QLinearMatMul", 10, INT_MAX, FunctionFactory(QLinearMatMul));
  r.Add("ConvInteger", 10, INT_MAX, [](const KernelInit& init) { return ConvIntegerKernel::Create(init, false); });
  r.Add("QLinearConv", 10, INT_MAX, [](const KernelInit& init) { return ConvIntegerKernel::Create(init, true); });
}

}  // namespace braid::backends::cpu
