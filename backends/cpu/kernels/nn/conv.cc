// Conv (opsets 1-17) and the Braid fusion com.braid FusedConv: Conv with an
// optional residual input Z (added before the activation) and an activation.
// float32 runs on oneDNN; other types (and shapes oneDNN rejects) use an
// im2col + GEMM reference path.
#include <algorithm>
#include <climits>
#include <cstring>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/nn/conv_geometry.h"
#include "backends/cpu/kernels/nn/dnnl_conv.h"
#include "backends/cpu/kernels/nn/dnnl_util.h"
#include "backends/cpu/kernels/nn/fused_activation.h"
#include "backends/cpu/kernels/nn/nn_util.h"

namespace braid::backends::cpu {
namespace {

struct ConvRun {
  const Tensor* x;
  const Tensor* w;
  const Tensor* b;  // null if absent
  const Tensor* z;  // null if absent
  Tensor* y;
  ConvGeometry geom;
  int64_t group;
  int threads = 1;  // for oneDNN
};

// Reference path in compute type C (float or double).
template <typename T>
absl::Status ReferenceConv(KernelContext& ctx, const ConvRun& r, const FusedActivation& act) {
  using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
  const int64_t n_batch = r.x->dim(0), in_c = r.x->dim(1), out_c = r.y->dim(1), g = r.group;
  const int64_t in_cg = in_c / g, out_cg = out_c / g;
  const int64_t in_size = r.geom.in_size(), out_size = r.geom.out_size(), k_size = r.geom.kernel_size();
  const int64_t rows = in_cg * k_size;
  auto convert = [](const Tensor* t) {
    std::vector<C> v(t->num_elements());
    const T* p = t->data<T>();
    for (int64_t i = 0; i < t->num_elements(); ++i) v[i] = CastTo<C>(p[i]);
    return v;
  };
  std::vector<C> xv = convert(r.x), wv = convert(r.w);
  std::vector<C> bv = r.b ? convert(r.b) : std::vector<C>();
  std::vector<C> zv = r.z ? convert(r.z) : std::vector<C>();
  std::vector<C> yv(r.y->num_elements());
  const auto tables = ConvInputTables(r.geom);
  std::vector<C> col(rows * out_size);
  for (int64_t n = 0; n < n_batch; ++n) {
    for (int64_t gi = 0; gi < g; ++gi) {
      const C* xg = xv.data() + (n * in_c + gi * in_cg) * in_size;
      Im2Col<C>(r.geom, tables, xg, in_cg, C{0}, col.data());
      const C* wg = wv.data() + gi * out_cg * rows;
      C* yg = yv.data() + (n * out_c + gi * out_cg) * out_size;
      if constexpr (std::is_same_v<C, float>) {
        SetDnnlThreads(r.threads);
        BRAID_RETURN_IF_ERROR(
            DnnlSgemm(false, false, out_cg, out_size, rows, 1.0f, wg, rows, col.data(), out_size, 0.0f, yg, out_size));
      } else {
        ctx.ParallelFor(out_cg, static_cast<double>(rows * out_size), [&](int64_t b, int64_t e) {
          NaiveGemm<C>(e - b, out_size, rows, wg + b * rows, col.data(), yg + b * out_size, false);
        });
      }
    }
  }
  for (int64_t n = 0; n < n_batch; ++n) {
    for (int64_t m = 0; m < out_c; ++m) {
      C* yp = yv.data() + (n * out_c + m) * out_size;
      const C* zp = r.z ? zv.data() + (n * out_c + m) * out_size : nullptr;
      const C bias = r.b ? bv[m] : C{0};
      for (int64_t i = 0; i < out_size; ++i) {
        C v = yp[i] + bias;
        if (zp) v += zp[i];
        yp[i] = act.none() ? v : static_cast<C>(act.ApplyOne(static_cast<float>(v)));
      }
    }
  }
  T* out = r.y->data<T>();
  for (int64_t i = 0; i < r.y->num_elements(); ++i) out[i] = CastTo<T>(yv[i]);
  return absl::OkStatus();
}

class ConvKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init, bool fused) {
    auto k = std::unique_ptr<ConvKernel>(new ConvKernel());
    BRAID_ASSIGN_OR_RETURN(k->attrs_, ConvAttrs::Parse(init));
    if (fused) {
      BRAID_ASSIGN_OR_RETURN(k->act_, FusedActivation::Parse(init));
    }
    k->fused_ = fused;
    if (const Tensor* w = init.constant_input(1); w != nullptr) k->const_w_ = *w;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    ConvRun r;
    BRAID_ASSIGN_OR_RETURN(r.x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(r.w, ctx.RequireTensor(1));
    r.b = ctx.has_input(2) ? &ctx.input(2) : nullptr;
    r.z = fused_ && ctx.has_input(3) ? &ctx.input(3) : nullptr;
    r.group = attrs_.group;
    const Tensor& x = *r.x;
    const Tensor& w = *r.w;
    if (x.rank() < 3) return ctx.Error(absl::StrCat("input X must have rank >= 3, got ", ShapeToString(x.shape())));
    if (w.rank() != x.rank()) {
      return ctx.Error(absl::StrCat("weights ", ShapeToString(w.shape()), " and input ", ShapeToString(x.shape()),
                                    " differ in rank"));
    }
    if (w.dtype() != x.dtype()) return ctx.Error("X and W element types differ");
    const int64_t g = attrs_.group, in_c = x.dim(1), out_c = w.dim(0);
    if (in_c != w.dim(1) * g) {
      return ctx.Error(absl::StrCat("input channels ", in_c, " != weight channels ", w.dim(1), " * group ", g));
    }
    if (out_c % g != 0) return ctx.Error(absl::StrCat("output channels ", out_c, " not divisible by group ", g));
    Shape kernel(w.shape().begin() + 2, w.shape().end());
    if (!attrs_.kernel_shape.empty() && attrs_.kernel_shape != kernel) {
      return ctx.Error(absl::StrCat("kernel_shape does not match weights ", ShapeToString(w.shape())));
    }
    Shape in_spatial(x.shape().begin() + 2, x.shape().end());
    auto geom = MakeConvGeometry(attrs_, in_spatial, kernel);
    if (!geom.ok()) return ctx.Error(std::string(geom.status().message()));
    r.geom = *std::move(geom);
    if (r.b != nullptr && (r.b->dtype() != x.dtype() || r.b->num_elements() != out_c)) {
      return ctx.Error(absl::StrCat("bias must hold ", out_c, " elements of the input type"));
    }
    Shape y_shape = {x.dim(0), out_c};
    y_shape.insert(y_shape.end(), r.geom.out.begin(), r.geom.out.end());
    if (r.z != nullptr && (r.z->shape() != y_shape || r.z->dtype() != x.dtype())) {
      return ctx.Error(absl::StrCat("residual Z ", ShapeToString(r.z->shape()), " must have the output shape ",
                                    ShapeToString(y_shape)));
    }
    BRAID_ASSIGN_OR_RETURN(r.y, ctx.AllocateOutput(0, x.dtype(), y_shape));
    if (r.y->num_elements() == 0) return absl::OkStatus();
    r.threads = DnnlThreadsFor(ctx.num_threads(), 2.0 * static_cast<double>(r.y->num_elements()) *
                                                      static_cast<double>(w.num_elements() / out_c));
    if (x.dtype() == DataType::kFloat32 && r.geom.spatial() <= 3 && w.num_elements() > 0) {
      BRAID_ASSIGN_OR_RETURN(std::shared_ptr<const DnnlConv> plan, GetPlan(ctx, r));
      if (plan != nullptr) {
        return DnnlTry("Conv", [&] {
          SetDnnlThreads(r.threads);
          plan->Run(x.data<float>(), w.data<float>(), r.b ? r.b->data<float>() : nullptr,
                    r.z ? r.z->data<float>() : nullptr, r.y->data<float>());
          return absl::OkStatus();
        });
      }
    }
    return Dispatch<TypeList<float, double, Float16, BFloat16>>(
        x.dtype(), [&](auto tag) { return ReferenceConv<decltype(tag)>(ctx, r, act_); });
  }

 private:
  absl::StatusOr<std::shared_ptr<const DnnlConv>> GetPlan(KernelContext& ctx, const ConvRun& r) const {
    const bool packed = const_w_.defined() && const_w_.raw_data() == r.w->raw_data();
    std::vector<int64_t> key = r.x->shape();
    key.insert(key.end(), r.w->shape().begin(), r.w->shape().end());
    key.push_back(r.b != nullptr);
    key.push_back(r.z != nullptr);
    key.push_back(packed);
    key.push_back(r.threads);
    return cache_.Get(key, [&]() -> absl::StatusOr<std::shared_ptr<const DnnlConv>> {
      DnnlConvShape s;
      s.x = r.x->shape();
      s.w = r.w->shape();
      s.y = r.y->shape();
      s.group = r.group;
      s.geom = r.geom;
      s.has_bias = r.b != nullptr;
      s.has_z = r.z != nullptr;
      s.act = act_;
      std::shared_ptr<const DnnlConv> plan;
      absl::Status st = DnnlTry("Conv", [&] {
        SetDnnlThreads(r.threads);
        plan = DnnlConv::Build(s, packed ? r.w->data<float>() : nullptr);
        return absl::OkStatus();
      });
      // Shapes oneDNN cannot handle fall back to the reference path.
      if (!st.ok()) plan = nullptr;
      return plan;
    });
  }

  ConvAttrs attrs_;
  FusedActivation act_;
  bool fused_ = false;
  Tensor const_w_;
  mutable PlanCache<DnnlConv> cache_;
};

}  // namespace

void RegisterConvKernels(KernelRegistry& r) {
  const std::vector<DataType> types = {DataType::kFloat32, DataType::kFloat64, DataType::kFloat16,
                                       DataType::kBFloat16};
  r.Register(KernelDef{"Conv", "", 1, INT_MAX, types, 0,
                       [](const KernelInit& init) { return ConvKernel::Create(init, false); }});
  r.Register(KernelDef{"FusedConv", kBraidDomain, 1, INT_MAX, types, 0,
                       [](const KernelInit& init) { return ConvKernel::Create(init, true); }});
}

}  // namespace braid::backends::cpu
