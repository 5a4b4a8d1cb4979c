// Dropout (opsets 1-13). Inference: Y is X (a view) and the mask all ones.
// Training (opset 12+ `training_mode` input with ratio > 0): a Bernoulli mask
// keeps elements with u >= ratio, scaled by 1 / (1 - ratio). With a `seed`
// attribute the uniform draws u are those of numpy's legacy generator after
// np.random.seed(seed) (MT19937, 53-bit doubles), so results are
// reproducible and match the ONNX reference; without it the seed is random.
#include <climits>
#include <random>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/nn/nn_util.h"

namespace braid::backends::cpu {
namespace {

class DropoutKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<DropoutKernel>(new DropoutKernel());
    k->opset_ = init.opset();
    BRAID_ASSIGN_OR_RETURN(k->ratio_attr_, init.GetFloat("ratio", 0.5f));
    if (init.node().HasAttribute("seed")) {
      BRAID_ASSIGN_OR_RETURN(int64_t seed, init.GetInt("seed"));
      k->seed_ = static_cast<uint32_t>(seed);
      k->has_seed_ = true;
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    float ratio = ratio_attr_;
    bool training = false;
    if (opset_ >= 12) {
      if (ctx.has_input(1)) {
        BRAID_ASSIGN_OR_RETURN(std::vector<double> r, TensorAs<double>(ctx.input(1)));
        if (r.size() != 1) return ctx.Error("ratio must be a scalar");
        ratio = static_cast<float>(r[0]);
      } else {
        ratio = 0.5f;
      }
      if (ctx.has_input(2)) {
        const Tensor& t = ctx.input(2);
        if (t.dtype() != DataType::kBool || t.num_elements() != 1) return ctx.Error("training_mode must be a bool scalar");
        training = t.data<bool>()[0];
      }
    }
    if (training && (ratio < 0.0f || ratio >= 1.0f)) {
      return ctx.Error(absl::StrCat("ratio must be in [0, 1), got ", ratio));
    }
    const bool want_mask = ctx.num_outputs() > 1 && ctx.output_wanted(1);
    const DataType mask_type = opset_ >= 10 ? DataType::kBool : x->dtype();
    if (!training || ratio == 0.0f) {
      ctx.SetOutput(0, Value(*x));
      if (want_mask) {
        BRAID_ASSIGN_OR_RETURN(Tensor * m, ctx.AllocateOutput(1, mask_type, x->shape()));
        using MaskTypes = TypeList<bool, float, double, Float16, BFloat16>;
        return Dispatch<MaskTypes>(mask_type, [&](auto tag) -> absl::Status {
          using M = decltype(tag);
          for (auto& v : m->mutable_values<M>()) v = CastTo<M>(1.0f);
          return absl::OkStatus();
        });
      }
      return absl::OkStatus();
    }
    std::mt19937 rng(has_seed_ ? seed_ : std::random_device{}());
    const int64_t n = x->num_elements();
    std::vector<bool> keep(n);
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t a = rng() >> 5, b = rng() >> 6;
      const double u = (a * 67108864.0 + b) / 9007199254740992.0;
      keep[i] = u >= static_cast<double>(ratio);
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), x->shape()));
    const double scale = 1.0 / (1.0 - static_cast<double>(ratio));
    using FloatOnly = TypeList<float, double, Float16, BFloat16>;
    BRAID_RETURN_IF_ERROR(Dispatch<FloatOnly>(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using C = ComputeType<T>;
      const T* xp = x->data<T>();
      T* yp = y->data<T>();
      for (int64_t i = 0; i < n; ++i) {
        yp[i] = CastTo<T>(static_cast<C>(keep[i] ? CastTo<C>(xp[i]) * static_cast<C>(scale) : CastTo<C>(xp[i]) * C{0}));
      }
      return absl::OkStatus();
    }));
    if (want_mask) {
      BRAID_ASSIGN_OR_RETURN(Tensor * m, ctx.AllocateOutput(1, mask_type, x->shape()));
      if (mask_type != DataType::kBool) return ctx.Error("training mode needs a bool mask (opset >= 10)");
      bool* mp = m->data<bool>();
      for (int64_t i = 0; i < n; ++i) mp[i] = keep[i];
    }
    return absl::OkStatus();
  }

 private:
  int opset_ = 13;
  float ratio_attr_ = 0.5f;
  bool has_seed_ = false;
  uint32_t seed_ = 0;
};

}  // namespace

void RegisterDropoutKernels(KernelRegistry& r) { r.Add("Dropout", 1, INT_MAX, FactoryOf<DropoutKernel>()); }

}  // namespace braid::backends::cpu
