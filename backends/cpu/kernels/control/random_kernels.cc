// Random generators: RandomUniform(Like), RandomNormal(Like), Bernoulli,
// Multinomial. With a `seed` attribute every run of the node produces the
// same values (the engine is re-seeded per run, so kernels stay stateless);
// without one each run draws a fresh seed.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <random>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {
namespace {

using Engine = std::mt19937_64;

// Engine for one run: seeded from the attribute, or freshly.
Engine MakeEngine(const std::optional<float>& seed) {
  if (seed.has_value()) {
    uint32_t bits;
    float f = *seed;
    std::memcpy(&bits, &f, sizeof(bits));
    return Engine(uint64_t{bits} ^ 0x9E3779B97F4A7C15ull);
  }
  static std::atomic<uint64_t> counter{0};
  static const uint64_t base = [] {
    std::random_device rd;
    return (uint64_t{rd()} << 32) ^ rd();
  }();
  return Engine(base + counter.fetch_add(0x9E3779B97F4A7C15ull, std::memory_order_relaxed));
}

// Uniform double in [0, 1) with 53 random bits.
inline double Uniform01(Engine& e) { return static_cast<double>(e() >> 11) * 0x1.0p-53; }

// Standard normal by Box-Muller (one value per call; simple and stateless).
inline double StandardNormal(Engine& e) {
  double u1 = Uniform01(e);
  double u2 = Uniform01(e);
  if (u1 < 1e-300) u1 = 1e-300;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

absl::StatusOr<std::optional<float>> SeedAttr(const KernelInit& init) {
  if (!init.node().HasAttribute("seed")) return std::optional<float>();
  BRAID_ASSIGN_OR_RETURN(float seed, init.GetFloat("seed"));
  return std::optional<float>(seed);
}

absl::StatusOr<std::optional<DataType>> DtypeAttr(const KernelInit& init) {
  if (!init.node().HasAttribute("dtype")) return std::optional<DataType>();
  BRAID_ASSIGN_OR_RETURN(int64_t dt, init.GetInt("dtype"));
  if (dt == 0 || !IsKnownDataType(static_cast<int32_t>(dt))) return init.Error(absl::StrCat("invalid dtype ", dt));
  return std::optional<DataType>(static_cast<DataType>(dt));
}

// Fills `out` (a floating tensor) with `draw(engine)` values.
template <typename Draw>
absl::Status FillFloat(const KernelContext& ctx, Tensor& out, Engine& engine, Draw draw) {
  absl::Status st = DispatchFloat(out.dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    T* y = out.data<T>();
    for (int64_t i = 0; i < out.num_elements(); ++i) y[i] = CastTo<T>(static_cast<ComputeType<T>>(draw(engine)));
    return absl::OkStatus();
  });
  if (!st.ok()) return ctx.Error(absl::StrCat("output ", st.message()));
  return st;
}

// RandomUniform / RandomNormal and their *Like forms.
class RandomTensorKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<RandomTensorKernel>(new RandomTensorKernel());
    const std::string& op = init.node().op_type();
    k->normal_ = op == "RandomNormal" || op == "RandomNormalLike";
    k->like_ = op == "RandomUniformLike" || op == "RandomNormalLike";
    if (k->normal_) {
      BRAID_ASSIGN_OR_RETURN(k->a_, init.GetFloat("mean", 0.0f));
      BRAID_ASSIGN_OR_RETURN(k->b_, init.GetFloat("scale", 1.0f));
    } else {
      BRAID_ASSIGN_OR_RETURN(k->a_, init.GetFloat("low", 0.0f));
      BRAID_ASSIGN_OR_RETURN(k->b_, init.GetFloat("high", 1.0f));
    }
    BRAID_ASSIGN_OR_RETURN(k->seed_, SeedAttr(init));
    BRAID_ASSIGN_OR_RETURN(k->dtype_, DtypeAttr(init));
    if (!k->like_) {
      if (!k->dtype_) k->dtype_ = DataType::kFloat32;
      BRAID_ASSIGN_OR_RETURN(k->shape_, init.GetInts("shape"));
      for (int64_t d : k->shape_) {
        if (d < 0) return init.Error(absl::StrCat("shape has a negative dimension ", d));
      }
    }
    if (k->dtype_ && !IsFloatingPoint(*k->dtype_)) {
      return init.Error(absl::StrCat("dtype ", DataTypeName(*k->dtype_), " is not a floating-point type"));
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    Shape shape = shape_;
    DataType dtype = dtype_.value_or(DataType::kUndefined);
    if (like_) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
      shape = x->shape();
      if (!dtype_) dtype = x->dtype();
      if (!IsFloatingPoint(dtype)) {
        return ctx.Error(absl::StrCat("output type ", DataTypeName(dtype), " is not floating-point; set dtype"));
      }
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, dtype, std::move(shape)));
    Engine engine = MakeEngine(seed_);
    double a = a_, b = b_;
    if (normal_) return FillFloat(ctx, *out, engine, [a, b](Engine& e) { return a + b * StandardNormal(e); });
    return FillFloat(ctx, *out, engine, [a, b](Engine& e) { return a + (b - a) * Uniform01(e); });
  }

 private:
  RandomTensorKernel() = default;
  bool normal_ = false;
  bool like_ = false;
  float a_ = 0, b_ = 1;
  std::optional<float> seed_;
  std::optional<DataType> dtype_;
  Shape shape_;
};

class BernoulliKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<BernoulliKernel>(new BernoulliKernel());
    BRAID_ASSIGN_OR_RETURN(k->seed_, SeedAttr(init));
    BRAID_ASSIGN_OR_RETURN(k->dtype_, DtypeAttr(init));
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* p, ctx.RequireTensor(0));
    DataType out_type = dtype_.value_or(p->dtype());
    std::vector<double> probs(p->num_elements());
    absl::Status st = DispatchFloat(p->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      for (int64_t i = 0; i < p->num_elements(); ++i) probs[i] = static_cast<double>(CastTo<ComputeType<T>>(p->data<T>()[i]));
      return absl::OkStatus();
    });
    if (!st.ok()) return ctx.Error(absl::StrCat("input ", st.message()));
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, out_type, p->shape()));
    Engine engine = MakeEngine(seed_);
    st = Dispatch<NumericBoolTypes>(out_type, [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      T* y = out->data<T>();
      for (size_t i = 0; i < probs.size(); ++i) {
        bool one = Uniform01(engine) < probs[i];
        if constexpr (std::is_same_v<T, bool>) {
          y[i] = one;
        } else {
          y[i] = CastTo<T>(static_cast<ComputeType<T>>(one ? 1 : 0));
        }
      }
      return absl::OkStatus();
    });
    if (!st.ok()) return ctx.Error(absl::StrCat("output ", st.message()));
    return absl::OkStatus();
  }

 private:
  BernoulliKernel() = default;
  std::optional<float> seed_;
  std::optional<DataType> dtype_;
};

class MultinomialKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<MultinomialKernel>(new MultinomialKernel());
    BRAID_ASSIGN_OR_RETURN(k->seed_, SeedAttr(init));
    BRAID_ASSIGN_OR_RETURN(k->sample_size_, init.GetInt("sample_size", 1));
    BRAID_ASSIGN_OR_RETURN(int64_t dt, init.GetInt("dtype", static_cast<int64_t>(DataType::kInt32)));
    k->dtype_ = static_cast<DataType>(dt);
    if (k->dtype_ != DataType::kInt32 && k->dtype_ != DataType::kInt64) return init.Error("dtype must be int32 or int64");
    if (k->sample_size_ < 0) return init.Error("sample_size must be non-negative");
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    if (x->rank() != 2) return ctx.Error("input must be [batch_size, class_size]");
    int64_t batch = x->dim(0), classes = x->dim(1);
    if (classes < 1 && sample_size_ > 0) return ctx.Error("class_size must be at least 1");
    std::vector<double> logits(x->num_elements());
    absl::Status st = DispatchFloat(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      for (int64_t i = 0; i < x->num_elements(); ++i) logits[i] = static_cast<double>(CastTo<ComputeType<T>>(x->data<T>()[i]));
      return absl::OkStatus();
    });
    if (!st.ok()) return ctx.Error(absl::StrCat("input ", st.message()));
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, dtype_, {batch, sample_size_}));
    Engine engine = MakeEngine(seed_);
    std::vector<double> cdf(classes);
    for (int64_t b = 0; b < batch; ++b) {
      const double* row = logits.data() + b * classes;
      double mx = *std::max_element(row, row + classes);
      double total = 0;
      for (int64_t c = 0; c < classes; ++c) {
        double w = std::exp(row[c] - mx);
        if (!std::isfinite(w)) w = row[c] == mx ? 1.0 : 0.0;  // +inf logits, or all -inf
        total += w;
        cdf[c] = total;
      }
      for (int64_t s = 0; s < sample_size_; ++s) {
        double u = Uniform01(engine) * total;
        int64_t pick = std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin();
        pick = std::min(pick, classes - 1);
        if (dtype_ == DataType::kInt64) {
          out->data<int64_t>()[b * sample_size_ + s] = pick;
        } else {
          out->data<int32_t>()[b * sample_size_ + s] = static_cast<int32_t>(pick);
        }
      }
    }
    return absl::OkStatus();
  }

 private:
  MultinomialKernel() = default;
  std::optional<float> seed_;
  int64_t sample_size_ = 1;
  DataType dtype_ = DataType::kInt32;
};

}  // namespace

void RegisterRandomKernels(KernelRegistry& registry) {
  for (const char* op : {"RandomUniform", "RandomNormal", "RandomUniformLike", "RandomNormalLike"}) {
    registry.Add(op, 1, INT_MAX, FactoryOf<RandomTensorKernel>());
  }
  registry.Add("Bernoulli", 15, INT_MAX, FactoryOf<BernoulliKernel>());
  registry.Add("Multinomial", 7, INT_MAX, FactoryOf<MultinomialKernel>());
}

}  // namespace braid::backends::cpu
