// BatchNormalization (opsets 1-15: inference, training_mode outputs,
// opset < 9 `spatial`), InstanceNormalization, LayerNormalization (opset 17,
// optional Mean / InvStdDev outputs) and LRN.
#include <algorithm>
#include <climits>
#include <cmath>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/broadcast.h"
#include "backends/cpu/kernels/nn/nn_util.h"

namespace braid::backends::cpu {
namespace {

using FloatOnly = TypeList<float, double, Float16, BFloat16>;

// y[p][i] = x[p][i] * a[p % period] + b[p % period] over `planes` planes of
// `size` elements (per-channel affine).
template <typename T>
void AffinePlanes(KernelContext& ctx, const T* x, T* y, int64_t planes, int64_t size, int64_t period,
                  const std::vector<float>& a, const std::vector<float>& b, int64_t param_stride) {
  using C = ComputeType<T>;
  ctx.ParallelFor(planes, static_cast<double>(size) * 2, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const int64_t c = p % period;
      const T* xp = x + p * size;
      T* yp = y + p * size;
      if (param_stride == 0) {
        const C av = static_cast<C>(a[c]), bv = static_cast<C>(b[c]);
        for (int64_t i = 0; i < size; ++i) yp[i] = CastTo<T>(static_cast<C>(CastTo<C>(xp[i]) * av + bv));
      } else {
        const float* ap = a.data() + c * size;
        const float* bp = b.data() + c * size;
        for (int64_t i = 0; i < size; ++i) {
          yp[i] = CastTo<T>(static_cast<C>(CastTo<C>(xp[i]) * static_cast<C>(ap[i]) + static_cast<C>(bp[i])));
        }
      }
    }
  });
}

class BatchNormKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<BatchNormKernel>(new BatchNormKernel());
    BRAID_ASSIGN_OR_RETURN(k->epsilon_, init.GetFloat("epsilon", 1e-5f));
    BRAID_ASSIGN_OR_RETURN(k->momentum_, init.GetFloat("momentum", 0.9f));
    BRAID_ASSIGN_OR_RETURN(int64_t spatial, init.GetInt("spatial", 1));
    k->spatial_ = init.opset() >= 9 || spatial != 0;
    if (init.opset() >= 14) {
      BRAID_ASSIGN_OR_RETURN(int64_t training, init.GetInt("training_mode", 0));
      k->training_ = training != 0;
    } else {
      BRAID_ASSIGN_OR_RETURN(int64_t is_test, init.GetInt("is_test", 0));
      k->training_ = init.num_outputs() > 1 && is_test == 0;
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    const Tensor* in[5];
    for (int i = 0; i < 5; ++i) {
      BRAID_ASSIGN_OR_RETURN(in[i], ctx.RequireTensor(i));
    }
    const Tensor& x = *in[0];
    if (x.rank() < 2) return ctx.Error(absl::StrCat("X must have rank >= 2, got ", ShapeToString(x.shape())));
    const int64_t n = x.dim(0), c = x.dim(1), size = DimProduct(x.shape(), 2, x.rank());
    // Parameters are per channel, or per (channel, spatial) for spatial = 0.
    const bool per_element = !spatial_ && in[1]->num_elements() == c * size && size > 1;
    const int64_t param_len = per_element ? c * size : c;
    std::vector<double> p[4];
    for (int i = 0; i < 4; ++i) {
      if (in[i + 1]->num_elements() != param_len) {
        return ctx.Error(absl::StrCat("input ", i + 1, " has ", in[i + 1]->num_elements(), " elements, expected ",
                                      param_len));
      }
      BRAID_ASSIGN_OR_RETURN(p[i], TensorAs<double>(*in[i + 1]));
    }
    const std::vector<double>&scale = p[0], &bias = p[1];
    std::vector<double> mean = p[2], var = p[3];
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x.dtype(), x.shape()));
    if (training_) {
      // Batch statistics over N and spatial dims (population variance).
      BRAID_ASSIGN_OR_RETURN(std::vector<double> xv, TensorAs<double>(x));
      std::vector<double> bm(param_len, 0.0), bv(param_len, 0.0);
      const int64_t inner = per_element ? 1 : size, count = per_element ? n : n * size;
      for (int64_t b = 0; b < n; ++b) {
        for (int64_t i = 0; i < c * size; ++i) bm[per_element ? i : i / inner] += xv[b * c * size + i];
      }
      for (double& v : bm) v /= static_cast<double>(count);
      for (int64_t b = 0; b < n; ++b) {
        for (int64_t i = 0; i < c * size; ++i) {
          const double d = xv[b * c * size + i] - bm[per_element ? i : i / inner];
          bv[per_element ? i : i / inner] += d * d;
        }
      }
      for (double& v : bv) v /= static_cast<double>(count);
      auto emit = [&](int idx, const std::vector<double>& v, DataType type) -> absl::Status {
        if (ctx.num_outputs() <= idx || !ctx.output_wanted(idx)) return absl::OkStatus();
        BRAID_ASSIGN_OR_RETURN(Tensor * t, ctx.AllocateOutput(idx, type, in[3]->shape()));
        return Dispatch<FloatOnly>(type, [&](auto tag) -> absl::Status {
          using T = decltype(tag);
          for (size_t i = 0; i < v.size(); ++i) t->data<T>()[i] = CastTo<T>(static_cast<ComputeType<T>>(v[i]));
          return absl::OkStatus();
        });
      };
      std::vector<double> running_mean(param_len), running_var(param_len);
      for (int64_t i = 0; i < param_len; ++i) {
        running_mean[i] = mean[i] * momentum_ + bm[i] * (1.0 - momentum_);
        running_var[i] = var[i] * momentum_ + bv[i] * (1.0 - momentum_);
      }
      BRAID_RETURN_IF_ERROR(emit(1, running_mean, in[3]->dtype()));
      BRAID_RETURN_IF_ERROR(emit(2, running_var, in[4]->dtype()));
      BRAID_RETURN_IF_ERROR(emit(3, bm, in[3]->dtype()));
      BRAID_RETURN_IF_ERROR(emit(4, bv, in[4]->dtype()));
      mean = std::move(bm);
      var = std::move(bv);
    }
    std::vector<float> a(param_len), b(param_len);
    for (int64_t i = 0; i < param_len; ++i) {
      const double s = scale[i] / std::sqrt(var[i] + static_cast<double>(epsilon_));
      a[i] = static_cast<float>(s);
      b[i] = static_cast<float>(bias[i] - mean[i] * s);
    }
    return Dispatch<FloatOnly>(x.dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      AffinePlanes<T>(ctx, x.data<T>(), y->data<T>(), n * c, size, c, a, b, per_element ? size : 0);
      return absl::OkStatus();
    });
  }

 private:
  float epsilon_ = 1e-5f, momentum_ = 0.9f;
  bool spatial_ = true, training_ = false;
};

class InstanceNormKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<InstanceNormKernel>(new InstanceNormKernel());
    BRAID_ASSIGN_OR_RETURN(k->epsilon_, init.GetFloat("epsilon", 1e-5f));
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* scale, ctx.RequireTensor(1));
    BRAID_ASSIGN_OR_RETURN(const Tensor* bias, ctx.RequireTensor(2));
    if (x->rank() < 3) return ctx.Error(absl::StrCat("input must have rank >= 3, got ", ShapeToString(x->shape())));
    const int64_t n = x->dim(0), c = x->dim(1), size = DimProduct(x->shape(), 2, x->rank());
    if (scale->num_elements() != c || bias->num_elements() != c) {
      return ctx.Error(absl::StrCat("scale and B must have ", c, " elements"));
    }
    BRAID_ASSIGN_OR_RETURN(std::vector<double> sv, TensorAs<double>(*scale));
    BRAID_ASSIGN_OR_RETURN(std::vector<double> bv, TensorAs<double>(*bias));
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), x->shape()));
    return Dispatch<FloatOnly>(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using C = ComputeType<T>;
      const T* xp = x->data<T>();
      T* yp = y->data<T>();
      ctx.ParallelFor(n * c, static_cast<double>(size) * 4, [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p) {
          const T* xi = xp + p * size;
          T* yi = yp + p * size;
          double sum = 0;
          for (int64_t i = 0; i < size; ++i) sum += static_cast<double>(CastTo<C>(xi[i]));
          const double mean = size > 0 ? sum / static_cast<double>(size) : 0.0;
          double sq = 0;
          for (int64_t i = 0; i < size; ++i) {
            const double d = static_cast<double>(CastTo<C>(xi[i])) - mean;
            sq += d * d;
          }
          const double var = size > 0 ? sq / static_cast<double>(size) : 0.0;
          const double s = sv[p % c] / std::sqrt(var + static_cast<double>(epsilon_));
          const C a = static_cast<C>(s), b = static_cast<C>(bv[p % c]), m = static_cast<C>(mean);
          for (int64_t i = 0; i < size; ++i) yi[i] = CastTo<T>(static_cast<C>((CastTo<C>(xi[i]) - m) * a + b));
        }
      });
      return absl::OkStatus();
    });
  }

 private:
  float epsilon_ = 1e-5f;
};

class LayerNormKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<LayerNormKernel>(new LayerNormKernel());
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis", -1));
    BRAID_ASSIGN_OR_RETURN(k->epsilon_, init.GetFloat("epsilon", 1e-5f));
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* scale, ctx.RequireTensor(1));
    const Tensor* bias = ctx.has_input(2) ? &ctx.input(2) : nullptr;
    auto axis_or = NormalizeAxis(axis_, x->rank());
    if (!axis_or.ok()) return ctx.Error(std::string(axis_or.status().message()));
    const int64_t axis = *axis_or;
    const int64_t outer = DimProduct(x->shape(), 0, axis), inner = DimProduct(x->shape(), axis, x->rank());
    const Shape norm_shape(x->shape().begin() + axis, x->shape().end());
    auto expand = [&](const Tensor* t, const char* name) -> absl::StatusOr<std::vector<float>> {
      auto bs = BroadcastShapes(t->shape(), norm_shape);
      if (!bs.ok() || *bs != norm_shape) {
        return ctx.Error(absl::StrCat(name, " ", ShapeToString(t->shape()), " does not broadcast to ",
                                      ShapeToString(norm_shape)));
      }
      BRAID_ASSIGN_OR_RETURN(std::vector<float> v, TensorAs<float>(*t));
      if (static_cast<int64_t>(v.size()) == inner) return v;
      std::vector<int64_t> st = BroadcastStrides(t->shape(), norm_shape);
      std::vector<float> out(inner);
      for (int64_t i = 0; i < inner; ++i) {
        int64_t rem = i, off = 0;
        for (int64_t d = static_cast<int64_t>(norm_shape.size()) - 1; d >= 0; --d) {
          off += (rem % norm_shape[d]) * st[d];
          rem /= norm_shape[d];
        }
        out[i] = v[off];
      }
      return out;
    };
    BRAID_ASSIGN_OR_RETURN(std::vector<float> sv, expand(scale, "Scale"));
    std::vector<float> bv(inner, 0.0f);
    if (bias != nullptr) {
      BRAID_ASSIGN_OR_RETURN(bv, expand(bias, "B"));
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), x->shape()));
    Shape stat_shape(x->shape().begin(), x->shape().begin() + axis);
    stat_shape.resize(x->rank(), 1);
    float* mean_out = nullptr;
    float* inv_out = nullptr;
    if (ctx.num_outputs() > 1 && ctx.output_wanted(1)) {
      BRAID_ASSIGN_OR_RETURN(Tensor * t, ctx.AllocateOutput(1, DataType::kFloat32, stat_shape));
      mean_out = t->data<float>();
    }
    if (ctx.num_outputs() > 2 && ctx.output_wanted(2)) {
      BRAID_ASSIGN_OR_RETURN(Tensor * t, ctx.AllocateOutput(2, DataType::kFloat32, stat_shape));
      inv_out = t->data<float>();
    }
    if (inner == 0) return absl::OkStatus();
    return Dispatch<FloatOnly>(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
      const T* xp = x->data<T>();
      T* yp = y->data<T>();
      ctx.ParallelFor(outer, static_cast<double>(inner) * 6, [&](int64_t begin, int64_t end) {
        std::vector<C> row(inner);
        for (int64_t r = begin; r < end; ++r) {
          const T* xi = xp + r * inner;
          T* yi = yp + r * inner;
          C sum = 0;
          for (int64_t i = 0; i < inner; ++i) {
            row[i] = CastTo<C>(xi[i]);
            sum += row[i];
          }
          const C mean = sum / static_cast<C>(inner);
          C sq = 0;
          for (int64_t i = 0; i < inner; ++i) {
            const C d = row[i] - mean;
            sq += d * d;
          }
          const C inv = static_cast<C>(1) / std::sqrt(sq / static_cast<C>(inner) + static_cast<C>(epsilon_));
          for (int64_t i = 0; i < inner; ++i) {
            yi[i] = CastTo<T>(static_cast<C>((row[i] - mean) * inv * static_cast<C>(sv[i]) + static_cast<C>(bv[i])));
          }
          if (mean_out) mean_out[r] = static_cast<float>(mean);
          if (inv_out) inv_out[r] = static_cast<float>(inv);
        }
      });
      return absl::OkStatus();
    });
  }

 private:
  int64_t axis_ = -1;
  float epsilon_ = 1e-5f;
};

class LrnKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<LrnKernel>(new LrnKernel());
    BRAID_ASSIGN_OR_RETURN(k->size_, init.GetInt("size"));
    BRAID_ASSIGN_OR_RETURN(k->alpha_, init.GetFloat("alpha", 1e-4f));
    BRAID_ASSIGN_OR_RETURN(k->beta_, init.GetFloat("beta", 0.75f));
    BRAID_ASSIGN_OR_RETURN(k->bias_, init.GetFloat("bias", 1.0f));
    if (k->size_ <= 0) return init.Error("size must be positive");
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    if (x->rank() < 3) return ctx.Error(absl::StrCat("input must have rank >= 3, got ", ShapeToString(x->shape())));
    const int64_t n = x->dim(0), c = x->dim(1), size = DimProduct(x->shape(), 2, x->rank());
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), x->shape()));
    const int64_t lo = (size_ - 1) / 2, hi = size_ - 1 - lo;
    return Dispatch<FloatOnly>(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using C = ComputeType<T>;
      const T* xp = x->data<T>();
      T* yp = y->data<T>();
      const C scale = static_cast<C>(alpha_ / static_cast<float>(size_));
      ctx.ParallelFor(n * c, static_cast<double>(size * size_), [&](int64_t begin, int64_t end) {
        std::vector<C> sq(size);
        for (int64_t p = begin; p < end; ++p) {
          const int64_t b = p / c, ch = p % c;
          std::fill(sq.begin(), sq.end(), C{0});
          for (int64_t j = std::max<int64_t>(0, ch - lo); j <= std::min(c - 1, ch + hi); ++j) {
            const T* xj = xp + (b * c + j) * size;
            for (int64_t i = 0; i < size; ++i) {
              const C v = CastTo<C>(xj[i]);
              sq[i] += v * v;
            }
          }
          const T* xi = xp + p * size;
          T* yi = yp + p * size;
          for (int64_t i = 0; i < size; ++i) {
            yi[i] = CastTo<T>(static_cast<C>(CastTo<C>(xi[i]) /
                                             std::pow(static_cast<C>(bias_) + scale * sq[i], static_cast<C>(beta_))));
          }
        }
      });
      return absl::OkStatus();
    });
  }

 private:
  int64_t size_ = 1;
  float alpha_ = 1e-4f, beta_ = 0.75f, bias_ = 1.0f;
};

}  // namespace

void RegisterNormalizationKernels(KernelRegistry& r) {
  r.Add("BatchNormalization", 1, INT_MAX, FactoryOf<BatchNormKernel>());
  r.Add("InstanceNormalization", 1, INT_MAX, FactoryOf<InstanceNormKernel>());
  r.Add("LayerNormalization", 17, INT_MAX, FactoryOf<LayerNormKernel>());
  r.Add("LRN", 1, INT_MAX, FactoryOf<LrnKernel>());
}

}  // namespace braid::backends::cpu
