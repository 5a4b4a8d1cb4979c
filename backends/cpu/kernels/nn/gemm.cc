// Gemm (opsets 1-17): Y = alpha * op(A) * op(B) + beta * C, C broadcast to
// (M, N) (opset < 7 `broadcast` attribute accepted; broadcasting is always
// allowed), and com.braid FusedGemm (Gemm + activation). float32 runs on
// oneDNN: C becomes a bias when alpha = beta = 1, otherwise C is broadcast
// into Y and added by a sum post-op. Other types use a reference loop.
#include <climits>
#include <cstring>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/broadcast.h"
#include "backends/cpu/kernels/nn/dnnl_matmul.h"
#include "backends/cpu/kernels/nn/dnnl_util.h"
#include "backends/cpu/kernels/nn/fused_activation.h"
#include "backends/cpu/kernels/nn/nn_util.h"

namespace braid::backends::cpu {
namespace {

class GemmKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init, bool fused) {
    auto k = std::unique_ptr<GemmKernel>(new GemmKernel());
    BRAID_ASSIGN_OR_RETURN(k->alpha_, init.GetFloat("alpha", 1.0f));
    BRAID_ASSIGN_OR_RETURN(k->beta_, init.GetFloat("beta", 1.0f));
    BRAID_ASSIGN_OR_RETURN(int64_t ta, init.GetInt("transA", 0));
    BRAID_ASSIGN_OR_RETURN(int64_t tb, init.GetInt("transB", 0));
    k->trans_a_ = ta != 0;
    k->trans_b_ = tb != 0;
    if (fused) {
      BRAID_ASSIGN_OR_RETURN(k->act_, FusedActivation::Parse(init));
    }
    if (const Tensor* b = init.constant_input(1); b != nullptr) k->const_b_ = *b;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* a, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* b, ctx.RequireTensor(1));
    const Tensor* c = ctx.has_input(2) ? &ctx.input(2) : nullptr;
    if (a->rank() != 2 || b->rank() != 2) {
      return ctx.Error(absl::StrCat("A and B must be matrices, got ", ShapeToString(a->shape()), " and ",
                                    ShapeToString(b->shape())));
    }
    if (a->dtype() != b->dtype() || (c != nullptr && c->dtype() != a->dtype())) {
      return ctx.Error("A, B and C must have the same element type");
    }
    const int64_t m = trans_a_ ? a->dim(1) : a->dim(0), k = trans_a_ ? a->dim(0) : a->dim(1);
    const int64_t kb = trans_b_ ? b->dim(1) : b->dim(0), n = trans_b_ ? b->dim(0) : b->dim(1);
    if (k != kb) {
      return ctx.Error(absl::StrCat("inner dimensions differ: op(A) is ", m, "x", k, ", op(B) is ", kb, "x", n));
    }
    const Shape y_shape = {m, n};
    if (c != nullptr) {
      if (c->rank() > 2) return ctx.Error(absl::StrCat("C must have rank <= 2, got ", ShapeToString(c->shape())));
      auto bs = BroadcastShapes(c->shape(), y_shape);
      if (!bs.ok() || *bs != y_shape) {
        return ctx.Error(absl::StrCat("C ", ShapeToString(c->shape()), " cannot be broadcast to ",
                                      ShapeToString(y_shape)));
      }
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, a->dtype(), y_shape));
    if (y->num_elements() == 0) return absl::OkStatus();
    const bool use_c = c != nullptr && beta_ != 0.0f;
    if (a->dtype() == DataType::kFloat32 && k > 0) {
      // C as a bias when alpha = beta = 1, else broadcast into Y + sum post-op.
      const bool as_bias = use_c && alpha_ == 1.0f && beta_ == 1.0f;
      const bool as_sum = use_c && !as_bias;
      const int threads = DnnlThreadsFor(ctx.num_threads(), 2.0 * static_cast<double>(m * n) * static_cast<double>(k));
      BRAID_ASSIGN_OR_RETURN(std::shared_ptr<const DnnlMatMul> plan,
                             GetPlan(threads, *a, *b, m, k, n, as_bias ? c : nullptr, as_sum));
      if (plan != nullptr) {
        if (as_sum) BroadcastC<float>(*c, y);
        return DnnlTry("Gemm", [&] {
          SetDnnlThreads(threads);
          plan->Run(a->data<float>(), b->data<float>(), as_bias ? c->data<float>() : nullptr, y->data<float>());
          return absl::OkStatus();
        });
      }
    }
    return Dispatch<TypeList<float, double, Float16, BFloat16, int32_t, int64_t, uint32_t, uint64_t>>(
        a->dtype(), [&](auto tag) -> absl::Status {
          using T = decltype(tag);
          Reference<T>(ctx, *a, *b, use_c ? c : nullptr, m, k, n, y);
          return absl::OkStatus();
        });
  }

 private:
  template <typename T>
  static void BroadcastC(const Tensor& c, Tensor* y) {
    const int64_t m = y->dim(0), n = y->dim(1);
    std::vector<int64_t> st = BroadcastStrides(c.shape(), y->shape());
    const T* cp = c.data<T>();
    T* yp = y->data<T>();
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) yp[i * n + j] = cp[i * st[0] + j * st[1]];
    }
  }

  template <typename T>
  void Reference(KernelContext& ctx, const Tensor& a, const Tensor& b, const Tensor* c, int64_t m, int64_t k,
                 int64_t n, Tensor* y) const {
    using C = ComputeType<T>;
    const T* ap = a.data<T>();
    const T* bp = b.data<T>();
    std::vector<int64_t> cs = c ? BroadcastStrides(c->shape(), y->shape()) : std::vector<int64_t>{0, 0};
    const T* cp = c ? c->data<T>() : nullptr;
    T* yp = y->data<T>();
    const C alpha = static_cast<C>(alpha_), beta = static_cast<C>(beta_);
    ctx.ParallelFor(m, static_cast<double>(k * n), [&](int64_t begin, int64_t end) {
      std::vector<C> acc(n);
      for (int64_t i = begin; i < end; ++i) {
        std::fill(acc.begin(), acc.end(), C{0});
        for (int64_t p = 0; p < k; ++p) {
          C av = CastTo<C>(trans_a_ ? ap[p * m + i] : ap[i * k + p]);
          if (trans_b_) {
            for (int64_t j = 0; j < n; ++j) acc[j] += av * CastTo<C>(bp[j * k + p]);
          } else {
            const T* br = bp + p * n;
            for (int64_t j = 0; j < n; ++j) acc[j] += av * CastTo<C>(br[j]);
          }
        }
        for (int64_t j = 0; j < n; ++j) {
          C v = alpha * acc[j];
          if (cp) v += beta * CastTo<C>(cp[i * cs[0] + j * cs[1]]);
          if constexpr (std::is_floating_point_v<C>) {
            if (!act_.none()) v = static_cast<C>(act_.ApplyOne(static_cast<float>(v)));
          }
          yp[i * n + j] = CastTo<T>(v);
        }
      }
    });
  }

  absl::StatusOr<std::shared_ptr<const DnnlMatMul>> GetPlan(int threads, const Tensor& a, const Tensor& b,
                                                            int64_t m, int64_t k, int64_t n, const Tensor* bias,
                                                            bool sum) const {
    const bool packed = const_b_.defined() && const_b_.raw_data() == b.raw_data();
    std::vector<int64_t> key = {m, k, n, sum, packed, threads, bias != nullptr};
    if (bias != nullptr) key.insert(key.end(), bias->shape().begin(), bias->shape().end());
    return cache_.Get(key, [&]() -> absl::StatusOr<std::shared_ptr<const DnnlMatMul>> {
      DnnlMatMulShape s;
      s.a = {m, k};
      s.b = {k, n};
      s.c = {m, n};
      s.a_strides = trans_a_ ? dnnl::memory::dims{1, m} : dnnl::memory::dims{k, 1};
      s.b_strides = trans_b_ ? dnnl::memory::dims{1, k} : dnnl::memory::dims{n, 1};
      if (bias != nullptr) {
        Shape bs = bias->shape();
        while (bs.size() < 2) bs.insert(bs.begin(), 1);
        s.bias = dnnl::memory::dims(bs.begin(), bs.end());
      }
      s.alpha = alpha_;
      s.sum = sum;
      s.beta = beta_;
      s.act = act_;
      std::shared_ptr<const DnnlMatMul> plan;
      absl::Status st = DnnlTry("Gemm", [&] {
        SetDnnlThreads(threads);
        plan = DnnlMatMul::Build(s, packed ? b.data<float>() : nullptr);
        return absl::OkStatus();
      });
      if (!st.ok()) plan = nullptr;
      return plan;
    });
  }

  float alpha_ = 1.0f, beta_ = 1.0f;
  bool trans_a_ = false, trans_b_ = false;
  FusedActivation act_;
  Tensor const_b_;
  mutable PlanCache<DnnlMatMul> cache_;
};

}  // namespace

void RegisterGemmKernels(KernelRegistry& r) {
  r.Register(KernelDef{"Gemm", "", 1, INT_MAX,
                       {DataType::kFloat32, DataType::kFloat64, DataType::kFloat16, DataType::kBFloat16,
                        DataType::kInt32, DataType::kInt64, DataType::kUInt32, DataType::kUInt64},
                       0, [](const KernelInit& init) { return GemmKernel::Create(init, false); }});
  r.Register(KernelDef{"FusedGemm", kBraidDomain, 1, INT_MAX,
                       {DataType::kFloat32, DataType::kFloat64, DataType::kFloat16, DataType::kBFloat16}, 0,
                       [](const KernelInit& init) { return GemmKernel::Create(init, true); }});
}

}  // namespace braid::backends::cpu
