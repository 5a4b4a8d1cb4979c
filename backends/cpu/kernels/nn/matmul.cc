// MatMul (opsets 1-17; numpy semantics: N-D batches with broadcasting,
// 1-D operands) and com.braid FusedMatMul (MatMul + bias over the last dim
// + activation). float32 runs on oneDNN (batch dims folded into M when B has
// none, constant B pre-packed); other types use a reference loop.
#include <climits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/broadcast.h"
#include "backends/cpu/kernels/nn/conv_geometry.h"
#include "backends/cpu/kernels/nn/dnnl_matmul.h"
#include "backends/cpu/kernels/nn/dnnl_util.h"
#include "backends/cpu/kernels/nn/fused_activation.h"
#include "backends/cpu/kernels/nn/nn_util.h"

namespace braid::backends::cpu {
namespace {

struct MatMulDims {
  Shape a, b;      // operands as matrices with batch dims (1-D promoted)
  Shape batch;     // broadcast batch shape
  Shape out;       // ONNX output shape
  int64_t m = 0, k = 0, n = 0;
};

absl::StatusOr<MatMulDims> ResolveDims(const Shape& a_shape, const Shape& b_shape) {
  if (a_shape.empty() || b_shape.empty()) return absl::InvalidArgumentError("MatMul operands must not be scalars");
  MatMulDims d;
  d.a = a_shape;
  d.b = b_shape;
  const bool a_vec = d.a.size() == 1, b_vec = d.b.size() == 1;
  if (a_vec) d.a.insert(d.a.begin(), 1);
  if (b_vec) d.b.push_back(1);
  d.m = d.a[d.a.size() - 2];
  d.k = d.a.back();
  d.n = d.b.back();
  if (d.b[d.b.size() - 2] != d.k) {
    return absl::InvalidArgumentError(absl::StrCat("inner dimensions differ: ", ShapeToString(a_shape), " x ",
                                                   ShapeToString(b_shape)));
  }
  Shape ba(d.a.begin(), d.a.end() - 2), bb(d.b.begin(), d.b.end() - 2);
  BRAID_ASSIGN_OR_RETURN(d.batch, BroadcastShapes(ba, bb));
  d.out = d.batch;
  if (!a_vec) d.out.push_back(d.m);
  if (!b_vec) d.out.push_back(d.n);
  return d;
}

// Reference: out[batch] = act(A[batch] x B[batch] + bias).
template <typename T>
void ReferenceMatMul(KernelContext& ctx, const MatMulDims& d, const T* a, const T* b, const float* bias,
                     const FusedActivation& act, T* out) {
  using C = ComputeType<T>;
  const Shape& batch = d.batch;
  Shape ba(d.a.begin(), d.a.end() - 2), bb(d.b.begin(), d.b.end() - 2);
  std::vector<int64_t> sa = BroadcastStrides(ba, batch), sb = BroadcastStrides(bb, batch);
  const int64_t nb = DimProduct(batch, 0, batch.size());
  const int64_t m = d.m, k = d.k, n = d.n;
  ctx.ParallelFor(nb * m, static_cast<double>(k * n), [&](int64_t begin, int64_t end) {
    std::vector<C> acc(n);
    for (int64_t row = begin; row < end; ++row) {
      int64_t bi = row / m, i = row % m;
      int64_t oa = 0, ob = 0, rem = bi;
      for (int64_t dd = static_cast<int64_t>(batch.size()) - 1; dd >= 0; --dd) {
        int64_t idx = rem % batch[dd];
        rem /= batch[dd];
        oa += idx * sa[dd];
        ob += idx * sb[dd];
      }
      const T* ap = a + oa * m * k + i * k;
      const T* bp = b + ob * k * n;
      std::fill(acc.begin(), acc.end(), C{0});
      for (int64_t p = 0; p < k; ++p) {
        C av = CastTo<C>(ap[p]);
        const T* br = bp + p * n;
        for (int64_t j = 0; j < n; ++j) acc[j] += av * CastTo<C>(br[j]);
      }
      T* o = out + row * n;
      for (int64_t j = 0; j < n; ++j) {
        C v = acc[j];
        if constexpr (std::is_floating_point_v<C>) {
          if (bias != nullptr) v += static_cast<C>(bias[j]);
          if (!act.none()) v = static_cast<C>(act.ApplyOne(static_cast<float>(v)));
        }
        o[j] = CastTo<T>(v);
      }
    }
  });
}

class MatMulKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init, bool fused) {
    auto k = std::unique_ptr<MatMulKernel>(new MatMulKernel());
    k->fused_ = fused;
    if (fused) {
      BRAID_ASSIGN_OR_RETURN(k->act_, FusedActivation::Parse(init));
    }
    if (const Tensor* b = init.constant_input(1); b != nullptr) k->const_b_ = *b;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* a, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* b, ctx.RequireTensor(1));
    if (a->dtype() != b->dtype()) {
      return ctx.Error(absl::StrCat("operand types differ: ", DataTypeName(a->dtype()), " and ",
                                    DataTypeName(b->dtype())));
    }
    auto dims = ResolveDims(a->shape(), b->shape());
    if (!dims.ok()) return ctx.Error(std::string(dims.status().message()));
    const MatMulDims& d = *dims;
    const Tensor* bias = fused_ && ctx.has_input(2) ? &ctx.input(2) : nullptr;
    if (bias != nullptr) {
      if (bias->dtype() != DataType::kFloat32 || bias->num_elements() != d.n || (bias->rank() > 0 && bias->shape().back() != d.n)) {
        return ctx.Error(absl::StrCat("bias must be float32 with ", d.n, " elements along the last dim, got ",
                                      ShapeToString(bias->shape())));
      }
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, a->dtype(), d.out));
    if (out->num_elements() == 0) return absl::OkStatus();
    if (a->dtype() == DataType::kFloat32) {
      if (d.k == 0) {
        float* o = out->data<float>();
        for (int64_t i = 0; i < out->num_elements(); ++i) {
          o[i] = act_.ApplyOne(bias ? bias->data<float>()[i % d.n] : 0.0f);
        }
        return absl::OkStatus();
      }
      const int threads = DnnlThreadsFor(ctx.num_threads(), 2.0 * static_cast<double>(out->num_elements()) *
                                                                static_cast<double>(d.k));
      BRAID_ASSIGN_OR_RETURN(std::shared_ptr<const DnnlMatMul> plan, GetPlan(threads, d, *b, bias != nullptr));
      if (plan != nullptr) {
        return DnnlTry("MatMul", [&] {
          SetDnnlThreads(threads);
          plan->Run(a->data<float>(), b->data<float>(), bias ? bias->data<float>() : nullptr, out->data<float>());
          return absl::OkStatus();
        });
      }
    }
    const float* bias_data = bias ? bias->data<float>() : nullptr;
    return Dispatch<TypeList<float, double, Float16, BFloat16, int32_t, int64_t, uint32_t, uint64_t>>(
        a->dtype(), [&](auto tag) -> absl::Status {
          using T = decltype(tag);
          ReferenceMatMul<T>(ctx, d, a->data<T>(), b->data<T>(), bias_data, act_, out->data<T>());
          return absl::OkStatus();
        });
  }

 private:
  absl::StatusOr<std::shared_ptr<const DnnlMatMul>> GetPlan(int threads, const MatMulDims& d, const Tensor& b,
                                                            bool has_bias) const {
    const bool packed = const_b_.defined() && const_b_.raw_data() == b.raw_data();
    std::vector<int64_t> key = d.a;
    key.push_back(-1);
    key.insert(key.end(), d.b.begin(), d.b.end());
    key.push_back(has_bias);
    key.push_back(packed);
    key.push_back(threads);
    return cache_.Get(key, [&]() -> absl::StatusOr<std::shared_ptr<const DnnlMatMul>> {
      DnnlMatMulShape s;
      const int64_t b_batch = DimProduct(d.b, 0, d.b.size() - 2);
      const int64_t a_batch = DimProduct(d.a, 0, d.a.size() - 2);
      if (b_batch == 1) {
        // Fold A's batch dims into M.
        s.a = {a_batch * d.m, d.k};
        s.b = {d.k, d.n};
        s.c = {a_batch * d.m, d.n};
      } else {
        const size_t rank = d.batch.size() + 2;
        auto pad = [&](const Shape& v) {
          dnnl::memory::dims r(rank - v.size(), 1);
          r.insert(r.end(), v.begin(), v.end());
          return r;
        };
        s.a = pad(d.a);
        s.b = pad(d.b);
        s.c = dnnl::memory::dims(d.batch.begin(), d.batch.end());
        s.c.push_back(d.m);
        s.c.push_back(d.n);
      }
      auto plain = [](const dnnl::memory::dims& dims) {
        dnnl::memory::dims st(dims.size(), 1);
        for (int i = static_cast<int>(dims.size()) - 2; i >= 0; --i) st[i] = st[i + 1] * dims[i + 1];
        return st;
      };
      s.a_strides = plain(s.a);
      s.b_strides = plain(s.b);
      if (has_bias) {
        s.bias.assign(s.c.size(), 1);
        s.bias.back() = d.n;
      }
      s.act = act_;
      std::shared_ptr<const DnnlMatMul> plan;
      absl::Status st = DnnlTry("MatMul", [&] {
        SetDnnlThreads(threads);
        plan = DnnlMatMul::Build(s, packed ? b.data<float>() : nullptr);
        return absl::OkStatus();
      });
      if (!st.ok()) plan = nullptr;  // unsupported by oneDNN: reference path
      return plan;
    });
  }

  bool fused_ = false;
  FusedActivation act_;
  Tensor const_b_;
  mutable PlanCache<DnnlMatMul> cache_;
};

}  // namespace

void RegisterMatMulKernels(KernelRegistry& r) {
  r.Register(KernelDef{"MatMul", "", 1, INT_MAX,
                       {DataType::kFloat32, DataType::kFloat64, DataType::kFloat16, DataType::kBFloat16,
                        DataType::kInt32, DataType::kInt64, DataType::kUInt32, DataType::kUInt64},
                       0, [](const KernelInit& init) { return MatMulKernel::Create(init, false); }});
  r.Register(KernelDef{"FusedMatMul", kBraidDomain, 1, INT_MAX,
                       {DataType::kFloat32, DataType::kFloat64, DataType::kFloat16, DataType::kBFloat16}, 0,
                       [](const KernelInit& init) { return MatMulKernel::Create(init, true); }});
}

}  // namespace braid::backends::cpu
