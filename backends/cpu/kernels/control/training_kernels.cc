// Optimizer steps of the ai.onnx.preview.training domain (opset 1):
// Adagrad, Adam, Momentum (standard and Nesterov). Each node updates n
// tensors at once: inputs R, T, then n-tensor groups; element math in double.
#include <cmath>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/control/tensor_util.h"

namespace braid::backends::cpu {
namespace {

constexpr const char* kTrainingDomain = "ai.onnx.preview.training";

enum class Optimizer { kAdagrad, kAdam, kMomentum, kNesterov };

class OptimizerKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<OptimizerKernel>(new OptimizerKernel());
    const std::string& op = init.node().op_type();
    if (op == "Adagrad") {
      k->opt_ = Optimizer::kAdagrad;
      k->groups_ = 3;  // X, G, H
      BRAID_ASSIGN_OR_RETURN(k->decay_factor_, init.GetFloat("decay_factor", 0.0f));
      BRAID_ASSIGN_OR_RETURN(k->epsilon_, init.GetFloat("epsilon", 1e-6f));
      BRAID_ASSIGN_OR_RETURN(k->norm_coefficient_, init.GetFloat("norm_coefficient", 0.0f));
    } else if (op == "Adam") {
      k->opt_ = Optimizer::kAdam;
      k->groups_ = 4;  // X, G, V, H
      BRAID_ASSIGN_OR_RETURN(k->alpha_, init.GetFloat("alpha", 0.9f));
      BRAID_ASSIGN_OR_RETURN(k->beta_, init.GetFloat("beta", 0.999f));
      BRAID_ASSIGN_OR_RETURN(k->epsilon_, init.GetFloat("epsilon", 1e-6f));
      BRAID_ASSIGN_OR_RETURN(k->norm_coefficient_, init.GetFloat("norm_coefficient", 0.0f));
      BRAID_ASSIGN_OR_RETURN(k->norm_coefficient_post_, init.GetFloat("norm_coefficient_post", 0.0f));
    } else {
      k->groups_ = 3;  // X, G, V
      BRAID_ASSIGN_OR_RETURN(k->alpha_, init.GetFloat("alpha"));
      BRAID_ASSIGN_OR_RETURN(k->beta_, init.GetFloat("beta"));
      BRAID_ASSIGN_OR_RETURN(k->norm_coefficient_, init.GetFloat("norm_coefficient"));
      BRAID_ASSIGN_OR_RETURN(std::string mode, init.GetString("mode"));
      if (mode == "standard") {
        k->opt_ = Optimizer::kMomentum;
      } else if (mode == "nesterov") {
        k->opt_ = Optimizer::kNesterov;
      } else {
        return init.Error(absl::StrCat("mode '", mode, "' is not 'standard' or 'nesterov'"));
      }
    }
    int tensors = init.num_inputs() - 2;
    if (tensors <= 0 || tensors % k->groups_ != 0) {
      return init.Error(absl::StrCat("expects R, T and ", k->groups_, " groups of n tensors; got ", init.num_inputs(),
                                     " inputs"));
    }
    k->n_ = tensors / k->groups_;
    if (init.num_outputs() > (k->groups_ - 1) * k->n_) {
      return init.Error(absl::StrCat("has ", init.num_outputs(), " outputs; at most ", (k->groups_ - 1) * k->n_));
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* r_t, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* t_t, ctx.RequireTensor(1));
    absl::StatusOr<double> r = control::ReadNumberScalar(*r_t, "R");
    if (!r.ok()) return ctx.Error(std::string(r.status().message()));
    absl::StatusOr<int64_t> t = control::ReadIntScalar(*t_t, "T");
    if (!t.ok()) return ctx.Error(std::string(t.status().message()));
    for (int i = 0; i < n_; ++i) {
      std::vector<const Tensor*> in(groups_);
      for (int g = 0; g < groups_; ++g) {
        BRAID_ASSIGN_OR_RETURN(in[g], ctx.RequireTensor(2 + g * n_ + i));
        if (in[g]->dtype() != in[0]->dtype() || in[g]->shape() != in[0]->shape()) {
          return ctx.Error(absl::StrCat("tensor group ", g, " entry ", i, " (", DataTypeName(in[g]->dtype()),
                                        ShapeToString(in[g]->shape()), ") does not match X (",
                                        DataTypeName(in[0]->dtype()), ShapeToString(in[0]->shape()), ")"));
        }
      }
      std::vector<Tensor*> out(groups_ - 1, nullptr);
      for (int g = 0; g + 1 < groups_; ++g) {
        int index = g * n_ + i;
        if (index >= ctx.num_outputs()) break;
        BRAID_ASSIGN_OR_RETURN(out[g], ctx.AllocateOutput(index, in[0]->dtype(), in[0]->shape()));
      }
      absl::Status st = Dispatch<TypeList<float, double>>(in[0]->dtype(), [&](auto tag) -> absl::Status {
        using T = decltype(tag);
        Update<T>(*r, *t, in, out);
        return absl::OkStatus();
      });
      if (!st.ok()) return ctx.Error(std::string(st.message()));
    }
    return absl::OkStatus();
  }

 private:
  OptimizerKernel() = default;

  template <typename T>
  void Update(double r, int64_t t, const std::vector<const Tensor*>& in, const std::vector<Tensor*>& out) const {
    const T* x = in[0]->data<T>();
    const T* g = in[1]->data<T>();
    const T* s1 = in[2]->data<T>();  // H (Adagrad) or V
    const T* s2 = groups_ > 3 ? in[3]->data<T>() : nullptr;  // H (Adam)
    T* x_new = out[0] != nullptr ? out[0]->data<T>() : nullptr;
    T* s1_new = out[1] != nullptr ? out[1]->data<T>() : nullptr;
    T* s2_new = groups_ > 3 && out[2] != nullptr ? out[2]->data<T>() : nullptr;
    const double nc = norm_coefficient_, eps = epsilon_, alpha = alpha_, beta = beta_;
    double adjusted_rate = r;
    if (opt_ == Optimizer::kAdagrad) adjusted_rate = r / (1.0 + static_cast<double>(t) * decay_factor_);
    if (opt_ == Optimizer::kAdam && t > 0) {
      adjusted_rate = r * std::sqrt(1.0 - std::pow(beta, static_cast<double>(t))) /
                      (1.0 - std::pow(alpha, static_cast<double>(t)));
    }
    double beta_adjusted = t > 0 ? beta : 1.0;  // momentum: gradient weight 1 at the first step
    for (int64_t e = 0; e < in[0]->num_elements(); ++e) {
      double xv = x[e];
      double gr = nc * xv + static_cast<double>(g[e]);
      double xn, a, b = 0;
      switch (opt_) {
        case Optimizer::kAdagrad:
          a = s1[e] + gr * gr;
          xn = xv - adjusted_rate * gr / (std::sqrt(a) + eps);
          break;
        case Optimizer::kAdam:
          a = alpha * s1[e] + (1.0 - alpha) * gr;
          b = beta * s2[e] + (1.0 - beta) * gr * gr;
          xn = (1.0 - norm_coefficient_post_) * (xv - adjusted_rate * a / (std::sqrt(b) + eps));
          break;
        case Optimizer::kMomentum:
          a = alpha * s1[e] + beta_adjusted * gr;
          xn = xv - r * a;
          break;
        case Optimizer::kNesterov:
        default:
          a = alpha * s1[e] + beta_adjusted * gr;
          xn = xv - r * (gr + alpha * a);
          break;
      }
      if (x_new != nullptr) x_new[e] = static_cast<T>(xn);
      if (s1_new != nullptr) s1_new[e] = static_cast<T>(a);
      if (s2_new != nullptr) s2_new[e] = static_cast<T>(b);
    }
  }

  Optimizer opt_ = Optimizer::kAdagrad;
  int groups_ = 3;
  int n_ = 1;
  float alpha_ = 0, beta_ = 0, epsilon_ = 0, decay_factor_ = 0, norm_coefficient_ = 0, norm_coefficient_post_ = 0;
};

}  // namespace

void RegisterTrainingKernels(KernelRegistry& registry) {
  for (const char* op : {"Adagrad", "Adam", "Momentum"}) {
    registry.Register(KernelDef{op, kTrainingDomain, 1, INT_MAX, {}, 0, FactoryOf<OptimizerKernel>()});
  }
}

}  // namespace braid::backends::cpu
