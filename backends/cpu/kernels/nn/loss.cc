// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (opsets 12-13):
// class axis 1, optional per-class weights, ignore_index, reduction
// none / sum / mean (mean divides by the summed weights of the counted
// targets), SoftmaxCrossEntropyLoss's optional log_prob output.
#include <climits>
#include <cmath>
#include <limits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/nn/nn_util.h"

namespace braid::backends::cpu {
namespace {

enum class Reduction { kNone, kSum, kMean };

class LossKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init, bool softmax) {
    auto k = std::unique_ptr<LossKernel>(new LossKernel());
    k->softmax_ = softmax;
    BRAID_ASSIGN_OR_RETURN(std::string red, init.GetString("reduction", std::string("mean")));
    if (red == "none") {
      k->reduction_ = Reduction::kNone;
    } else if (red == "sum") {
      k->reduction_ = Reduction::kSum;
    } else if (red == "mean") {
      k->reduction_ = Reduction::kMean;
    } else {
      return init.Error(absl::StrCat("unknown reduction '", red, "'"));
    }
    if (init.node().HasAttribute("ignore_index")) {
      BRAID_ASSIGN_OR_RETURN(k->ignore_index_, init.GetInt("ignore_index"));
      k->has_ignore_ = true;
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* target, ctx.RequireTensor(1));
    const Tensor* weight = ctx.has_input(2) ? &ctx.input(2) : nullptr;
    if (x->rank() < 2) return ctx.Error(absl::StrCat("input must have rank >= 2, got ", ShapeToString(x->shape())));
    if (target->dtype() != DataType::kInt32 && target->dtype() != DataType::kInt64) {
      return ctx.Error("target must be int32 or int64");
    }
    const int64_t n = x->dim(0), c = x->dim(1), inner = DimProduct(x->shape(), 2, x->rank());
    Shape want(x->shape());
    want.erase(want.begin() + 1);
    if (target->shape() != want) {
      return ctx.Error(absl::StrCat("target shape ", ShapeToString(target->shape()), " must be ", ShapeToString(want)));
    }
    if (weight != nullptr && weight->num_elements() != c) return ctx.Error(absl::StrCat("weight must have ", c, " elements"));
    BRAID_ASSIGN_OR_RETURN(std::vector<double> xv, TensorAs<double>(*x));
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> tv, TensorAs<int64_t>(*target));
    std::vector<double> wv(c, 1.0);
    if (weight != nullptr) {
      BRAID_ASSIGN_OR_RETURN(wv, TensorAs<double>(*weight));
    }
    if (softmax_) {
      // log_softmax over the class axis.
      for (int64_t b = 0; b < n; ++b) {
        for (int64_t i = 0; i < inner; ++i) {
          double* base = xv.data() + b * c * inner + i;
          double mx = -std::numeric_limits<double>::infinity();
          for (int64_t k = 0; k < c; ++k) mx = std::max(mx, base[k * inner]);
          double s = 0;
          for (int64_t k = 0; k < c; ++k) s += std::exp(base[k * inner] - mx);
          const double lse = mx + std::log(s);
          for (int64_t k = 0; k < c; ++k) base[k * inner] -= lse;
        }
      }
    }
    std::vector<double> loss(n * inner, 0.0);
    double weight_sum = 0;
    for (int64_t b = 0; b < n; ++b) {
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t t = tv[b * inner + i];
        if (has_ignore_ && t == ignore_index_) continue;
        if (t < 0 || t >= c) return ctx.Error(absl::StrCat("target ", t, " is outside [0, ", c, ")"));
        loss[b * inner + i] = -xv[(b * c + t) * inner + i] * wv[t];
        weight_sum += wv[t];
      }
    }
    const DataType type = x->dtype();
    auto write = [&](Tensor* out, const std::vector<double>& v) -> absl::Status {
      return Dispatch<TypeList<float, double, Float16, BFloat16>>(type, [&](auto tag) -> absl::Status {
        using T = decltype(tag);
        for (size_t i = 0; i < v.size(); ++i) out->data<T>()[i] = CastTo<T>(static_cast<ComputeType<T>>(v[i]));
        return absl::OkStatus();
      });
    };
    if (reduction_ == Reduction::kNone) {
      BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, type, target->shape()));
      BRAID_RETURN_IF_ERROR(write(out, loss));
    } else {
      double total = 0;
      for (double v : loss) total += v;
      if (reduction_ == Reduction::kMean) total /= weight_sum;
      BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, type, {}));
      BRAID_RETURN_IF_ERROR(write(out, {total}));
    }
    if (softmax_ && ctx.num_outputs() > 1 && ctx.output_wanted(1)) {
      BRAID_ASSIGN_OR_RETURN(Tensor * lp, ctx.AllocateOutput(1, type, x->shape()));
      BRAID_RETURN_IF_ERROR(write(lp, xv));
    }
    return absl::OkStatus();
  }

 private:
  bool softmax_ = false;
  Reduction reduction_ = Reduction::kMean;
  bool has_ignore_ = false;
  int64_t ignore_index_ = 0;
};

}  // namespace

void RegisterLossKernels(KernelRegistry& r) {
  r.Add("NegativeLogLikelihoodLoss", 12, INT_MAX,
        [](const KernelInit& init) { return LossKernel::Create(init, false); });
  r.Add("SoftmaxCrossEntropyLoss", 12, INT_MAX,
        [](const KernelInit& init) { return LossKernel::Create(init, true); });
}

}  // namespace braid::backends::cpu
