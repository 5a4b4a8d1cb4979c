// ConvTranspose (opsets 1-17): groups, strides, dilations, pads, auto_pad,
// output_padding, output_shape; 1-D to 3-D on oneDNN (float32) with a
// GEMM + col2im reference path for other types and for geometries oneDNN
// rejects (negative end padding after output_padding).
#include <algorithm>
#include <climits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/nn/conv_geometry.h"
#include "backends/cpu/kernels/nn/dnnl_conv.h"
#include "backends/cpu/kernels/nn/dnnl_util.h"
#include "backends/cpu/kernels/nn/nn_util.h"

namespace braid::backends::cpu {
namespace {

struct TransposeGeometry {
  ConvGeometry g;  // in = input spatial, out = output spatial
  std::vector<int64_t> output_padding;
};

template <typename T>
absl::Status ReferenceConvTranspose(int threads, const Tensor& x, const Tensor& w, const Tensor* b,
                                    const TransposeGeometry& tg, int64_t group, Tensor* y) {
  using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
  const ConvGeometry& g = tg.g;
  const int nd = g.spatial();
  const int64_t n = x.dim(0), cin = x.dim(1), mg = w.dim(1), m = mg * group, cg = cin / group;
  const int64_t isz = g.in_size(), osz = g.out_size(), ksz = g.kernel_size(), rows = mg * ksz;
  auto convert = [](const Tensor& t) {
    std::vector<C> v(t.num_elements());
    for (int64_t i = 0; i < t.num_elements(); ++i) v[i] = CastTo<C>(t.data<T>()[i]);
    return v;
  };
  std::vector<C> xv = convert(x), wv = convert(w), yv(y->num_elements(), C{0});
  std::vector<C> col(rows * isz);
  std::vector<int64_t> kidx(nd), iidx(nd);
  for (int64_t bi = 0; bi < n; ++bi) {
    for (int64_t gi = 0; gi < group; ++gi) {
      const C* xg = xv.data() + (bi * cin + gi * cg) * isz;
      const C* wg = wv.data() + gi * cg * rows;
      // col[rows, isz] = W_g^T [rows, cg] x X_g [cg, isz]
      if constexpr (std::is_same_v<C, float>) {
        SetDnnlThreads(threads);
        BRAID_RETURN_IF_ERROR(DnnlSgemm(true, false, rows, isz, cg, 1.0f, wg, rows, xg, isz, 0.0f, col.data(), isz));
      } else {
        std::fill(col.begin(), col.end(), C{0});
        for (int64_t c = 0; c < cg; ++c) {
          for (int64_t r = 0; r < rows; ++r) {
            const C wvv = wg[c * rows + r];
            for (int64_t i = 0; i < isz; ++i) col[r * isz + i] += wvv * xg[c * isz + i];
          }
        }
      }
      // col2im
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t mo = gi * mg + r / ksz;
        int64_t rem = r % ksz;
        for (int d = nd - 1; d >= 0; --d) {
          kidx[d] = rem % g.kernel[d];
          rem /= g.kernel[d];
        }
        C* yo = yv.data() + (bi * m + mo) * osz;
        std::fill(iidx.begin(), iidx.end(), 0);
        for (int64_t i = 0; i < isz; ++i) {
          int64_t off = 0;
          bool inside = true;
          for (int d = 0; d < nd; ++d) {
            const int64_t o = iidx[d] * g.stride[d] - g.pad_begin[d] + kidx[d] * g.dilation[d];
            if (o < 0 || o >= g.out[d]) {
              inside = false;
              break;
            }
            off = off * g.out[d] + o;
          }
          if (inside) yo[off] += col[r * isz + i];
          for (int d = nd - 1; d >= 0; --d) {
            if (++iidx[d] < g.in[d]) break;
            iidx[d] = 0;
          }
        }
      }
    }
  }
  if (b != nullptr) {
    for (int64_t bi = 0; bi < n; ++bi) {
      for (int64_t mo = 0; mo < m; ++mo) {
        const C bv = CastTo<C>(b->data<T>()[mo]);
        C* yo = yv.data() + (bi * m + mo) * osz;
        for (int64_t i = 0; i < osz; ++i) yo[i] += bv;
      }
    }
  }
  for (int64_t i = 0; i < y->num_elements(); ++i) y->data<T>()[i] = CastTo<T>(yv[i]);
  return absl::OkStatus();
}

class ConvTransposeKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<ConvTransposeKernel>(new ConvTransposeKernel());
    BRAID_ASSIGN_OR_RETURN(k->attrs_, ConvAttrs::Parse(init));
    BRAID_ASSIGN_OR_RETURN(k->output_padding_, init.GetInts("output_padding", std::vector<int64_t>{}));
    BRAID_ASSIGN_OR_RETURN(k->output_shape_, init.GetInts("output_shape", std::vector<int64_t>{}));
    if (const Tensor* w = init.constant_input(1); w != nullptr) k->const_w_ = *w;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* w, ctx.RequireTensor(1));
    const Tensor* b = ctx.has_input(2) ? &ctx.input(2) : nullptr;
    if (x->rank() < 3 || w->rank() != x->rank()) return ctx.Error("X and W must have equal rank >= 3");
    if (x->dtype() != w->dtype() || (b && b->dtype() != x->dtype())) return ctx.Error("X, W and B types differ");
    const int64_t group = attrs_.group, cin = x->dim(1);
    if (w->dim(0) != cin) return ctx.Error(absl::StrCat("W has ", w->dim(0), " input channels, X has ", cin));
    if (cin % group != 0) return ctx.Error("input channels not divisible by group");
    const int64_t m = w->dim(1) * group;
    if (b != nullptr && b->num_elements() != m) return ctx.Error(absl::StrCat("B must have ", m, " elements"));
    auto tg = Geometry(*x, *w);
    if (!tg.ok()) return ctx.Error(std::string(tg.status().message()));
    Shape y_shape = {x->dim(0), m};
    y_shape.insert(y_shape.end(), tg->g.out.begin(), tg->g.out.end());
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), y_shape));
    if (y->num_elements() == 0) return absl::OkStatus();
    const int threads = DnnlThreadsFor(ctx.num_threads(), 2.0 * static_cast<double>(x->num_elements()) *
                                                              static_cast<double>(w->num_elements() / cin));
    if (x->dtype() == DataType::kFloat32 && tg->g.spatial() <= 3 && x->num_elements() > 0) {
      BRAID_ASSIGN_OR_RETURN(std::shared_ptr<const DnnlConv> plan,
                             GetPlan(threads, *x, *w, b != nullptr, *tg, y_shape));
      if (plan != nullptr) {
        return DnnlTry("ConvTranspose", [&] {
          SetDnnlThreads(threads);
          plan->Run(x->data<float>(), w->data<float>(), b ? b->data<float>() : nullptr, nullptr, y->data<float>());
          return absl::OkStatus();
        });
      }
    }
    return Dispatch<TypeList<float, double, Float16, BFloat16>>(x->dtype(), [&](auto tag) {
      return ReferenceConvTranspose<decltype(tag)>(threads, *x, *w, b, *tg, group, y);
    });
  }

 private:
  absl::StatusOr<TransposeGeometry> Geometry(const Tensor& x, const Tensor& w) const {
    const int nd = static_cast<int>(x.rank()) - 2;
    TransposeGeometry tg;
    ConvGeometry& g = tg.g;
    g.in.assign(x.shape().begin() + 2, x.shape().end());
    g.kernel.assign(w.shape().begin() + 2, w.shape().end());
    if (!attrs_.kernel_shape.empty() && attrs_.kernel_shape != g.kernel) {
      return absl::InvalidArgumentError("kernel_shape does not match W");
    }
    auto fill = [&](const std::vector<int64_t>& v, int64_t def, size_t want, const char* name)
        -> absl::StatusOr<std::vector<int64_t>> {
      if (v.empty()) return std::vector<int64_t>(want, def);
      if (v.size() != want) return absl::InvalidArgumentError(absl::StrCat(name, " has ", v.size(), " entries"));
      return v;
    };
    BRAID_ASSIGN_OR_RETURN(g.stride, fill(attrs_.strides, 1, nd, "strides"));
    BRAID_ASSIGN_OR_RETURN(g.dilation, fill(attrs_.dilations, 1, nd, "dilations"));
    BRAID_ASSIGN_OR_RETURN(tg.output_padding, fill(output_padding_, 0, nd, "output_padding"));
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> pads, fill(attrs_.pads, 0, 2 * nd, "pads"));
    g.pad_begin.assign(pads.begin(), pads.begin() + nd);
    g.pad_end.assign(pads.begin() + nd, pads.end());
    g.out.assign(nd, 0);
    std::vector<int64_t> target;
    if (!output_shape_.empty()) {
      if (static_cast<int>(output_shape_.size()) < nd) return absl::InvalidArgumentError("output_shape is too short");
      target.assign(output_shape_.end() - nd, output_shape_.end());
    }
    for (int d = 0; d < nd; ++d) {
      const int64_t ext = (g.kernel[d] - 1) * g.dilation[d] + 1;
      const int64_t full = g.stride[d] * (g.in[d] - 1) + tg.output_padding[d] + ext;
      const bool same = attrs_.auto_pad == AutoPad::kSameUpper || attrs_.auto_pad == AutoPad::kSameLower;
      if (!target.empty() || same) {
        const int64_t out = !target.empty() ? target[d] : g.in[d] * g.stride[d];
        const int64_t total = full - out;
        // Floor division, as in the ONNX definition (total may be negative).
        const int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
        if (attrs_.auto_pad == AutoPad::kSameUpper) {
          g.pad_begin[d] = half;
          g.pad_end[d] = total - half;
        } else {
          g.pad_begin[d] = total - half;
          g.pad_end[d] = half;
        }
        g.out[d] = out;
      } else {
        if (attrs_.auto_pad == AutoPad::kValid) g.pad_begin[d] = g.pad_end[d] = 0;
        g.out[d] = full - g.pad_begin[d] - g.pad_end[d];
      }
      if (g.out[d] < 0) return absl::InvalidArgumentError("output size is negative");
    }
    return tg;
  }

  absl::StatusOr<std::shared_ptr<const DnnlConv>> GetPlan(int threads, const Tensor& x, const Tensor& w,
                                                          bool has_bias, const TransposeGeometry& tg,
                                                          const Shape& y_shape) const {
    const bool packed = const_w_.defined() && const_w_.raw_data() == w.raw_data();
    std::vector<int64_t> key = x.shape();
    key.insert(key.end(), w.shape().begin(), w.shape().end());
    key.insert(key.end(), y_shape.begin(), y_shape.end());
    key.insert(key.end(), tg.g.pad_begin.begin(), tg.g.pad_begin.end());
    key.push_back(has_bias);
    key.push_back(packed);
    key.push_back(threads);
    return cache_.Get(key, [&]() -> absl::StatusOr<std::shared_ptr<const DnnlConv>> {
      DnnlConvShape s;
      s.transposed = true;
      s.x = x.shape();
      s.w = w.shape();
      s.y = y_shape;
      s.group = attrs_.group;
      s.geom = tg.g;
      // oneDNN derives the output from its paddings: out = (in-1)*s + ext - pl - pr.
      for (int d = 0; d < tg.g.spatial(); ++d) {
        const int64_t ext = (tg.g.kernel[d] - 1) * tg.g.dilation[d] + 1;
        s.geom.pad_end[d] = (tg.g.in[d] - 1) * tg.g.stride[d] + ext - tg.g.pad_begin[d] - tg.g.out[d];
        if (s.geom.pad_end[d] < 0 || s.geom.pad_begin[d] < 0) return std::shared_ptr<const DnnlConv>();
      }
      s.has_bias = has_bias;
      std::shared_ptr<const DnnlConv> plan;
      absl::Status st = DnnlTry("ConvTranspose", [&] {
        SetDnnlThreads(threads);
        plan = DnnlConv::Build(s, packed ? w.data<float>() : nullptr);
        return absl::OkStatus();
      });
      if (!st.ok()) plan = nullptr;
      return plan;
    });
  }

  ConvAttrs attrs_;
  std::vector<int64_t> output_padding_, output_shape_;
  Tensor const_w_;
  mutable PlanCache<DnnlConv> cache_;
};

}  // namespace

void RegisterConvTransposeKernels(KernelRegistry& r) {
  r.Register(KernelDef{"ConvTranspose", "", 1, INT_MAX,
                       {DataType::kFloat32, DataType::kFloat64, DataType::kFloat16, DataType::kBFloat16}, 0,
                       FactoryOf<ConvTransposeKernel>()});
}

}  // namespace braid::backends::cpu
