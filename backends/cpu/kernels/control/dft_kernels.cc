// DFT and STFT (opset 17). Signals carry real/imaginary parts in a trailing
// dimension of size 1 (real) or 2 (complex); outputs are always complex.
// Arithmetic is done in double precision for every input type.
#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/control/fft.h"
#include "backends/cpu/kernels/control/tensor_util.h"

namespace braid::backends::cpu {
namespace {

using Complex = std::complex<double>;

// Reads a signal tensor of floating type T into complex doubles.
absl::Status LoadSignal(const Tensor& x, std::vector<Complex>& out) {
  int64_t c = x.dim(x.rank() - 1);
  int64_t count = x.num_elements() / c;
  out.resize(static_cast<size_t>(count));
  return DispatchFloat(x.dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    const T* p = x.data<T>();
    for (int64_t i = 0; i < count; ++i) {
      double re = static_cast<double>(CastTo<ComputeType<T>>(p[i * c]));
      double im = c == 2 ? static_cast<double>(CastTo<ComputeType<T>>(p[i * c + 1])) : 0.0;
      out[i] = {re, im};
    }
    return absl::OkStatus();
  });
}

template <typename T>
void Store(T* out, const Complex& v) {
  out[0] = CastTo<T>(static_cast<ComputeType<T>>(v.real()));
  out[1] = CastTo<T>(static_cast<ComputeType<T>>(v.imag()));
}

class DftKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<DftKernel>(new DftKernel());
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis", 1));
    BRAID_ASSIGN_OR_RETURN(int64_t inverse, init.GetInt("inverse", 0));
    BRAID_ASSIGN_OR_RETURN(int64_t onesided, init.GetInt("onesided", 0));
    k->inverse_ = inverse != 0;
    k->onesided_ = onesided != 0;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    int64_t r = x->rank();
    if (r < 2 || (x->dim(r - 1) != 1 && x->dim(r - 1) != 2)) {
      return ctx.Error(absl::StrCat("input must be [batch, signal dims..., 1 or 2], got ", ShapeToString(x->shape())));
    }
    int64_t axis = axis_ < 0 ? axis_ + r : axis_;
    if (axis < 0 || axis > r - 2) {
      return ctx.Error(absl::StrCat("axis ", axis_, " is not a signal axis of a rank-", r, " input"));
    }
    int64_t len = x->dim(axis);
    int64_t n = len;
    if (ctx.has_input(1)) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* dl, ctx.RequireTensor(1));
      absl::StatusOr<int64_t> v = control::ReadIntScalar(*dl, "dft_length");
      if (!v.ok()) return ctx.Error(std::string(v.status().message()));
      n = *v;
    }
    if (n < 1) return ctx.Error(absl::StrCat("dft_length ", n, " must be positive"));
    int64_t out_len = onesided_ ? n / 2 + 1 : n;
    Shape out_shape = x->shape();
    out_shape[axis] = out_len;
    out_shape[r - 1] = 2;
    std::vector<Complex> signal;
    absl::Status st = LoadSignal(*x, signal);
    if (!st.ok()) return ctx.Error(absl::StrCat("input ", st.message()));
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, x->dtype(), out_shape));
    int64_t outer = control::DimProduct(x->shape(), 0, static_cast<size_t>(axis));
    int64_t inner = control::DimProduct(x->shape(), static_cast<size_t>(axis) + 1, static_cast<size_t>(r - 1));
    control::FftPlan plan(n, inverse_);
    double scale = inverse_ ? 1.0 / static_cast<double>(n) : 1.0;
    int64_t copy = std::min(len, n);
    double cost = 10.0 * static_cast<double>(n) * std::log2(static_cast<double>(n) + 1) + 20;
    return DispatchFloat(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      T* y = out->data<T>();
      ctx.ParallelFor(outer * inner, cost, [&](int64_t begin, int64_t end) {
        std::vector<Complex> line(n);
        for (int64_t l = begin; l < end; ++l) {
          int64_t o = l / inner, i = l % inner;
          const Complex* src = signal.data() + o * len * inner + i;
          for (int64_t k = 0; k < copy; ++k) line[k] = src[k * inner];
          for (int64_t k = copy; k < n; ++k) line[k] = 0;
          plan.Transform(line.data());
          T* dst = y + (o * out_len * inner + i) * 2;
          for (int64_t k = 0; k < out_len; ++k) Store(dst + k * inner * 2, line[k] * scale);
        }
      });
      return absl::OkStatus();
    });
  }

 private:
  DftKernel() = default;
  int64_t axis_ = 1;
  bool inverse_ = false;
  bool onesided_ = false;
};

class StftKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<StftKernel>(new StftKernel());
    BRAID_ASSIGN_OR_RETURN(int64_t onesided, init.GetInt("onesided", 1));
    k->onesided_ = onesided != 0;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    if (x->rank() != 3 || (x->dim(2) != 1 && x->dim(2) != 2)) {
      return ctx.Error(absl::StrCat("signal must be [batch, length, 1 or 2], got ", ShapeToString(x->shape())));
    }
    BRAID_ASSIGN_OR_RETURN(const Tensor* step_t, ctx.RequireTensor(1));
    absl::StatusOr<int64_t> step = control::ReadIntScalar(*step_t, "frame_step");
    if (!step.ok()) return ctx.Error(std::string(step.status().message()));
    if (*step < 1) return ctx.Error(absl::StrCat("frame_step ", *step, " must be positive"));
    std::vector<double> window;
    if (ctx.has_input(2)) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* w, ctx.RequireTensor(2));
      if (w->rank() != 1) return ctx.Error("window must be 1-D");
      window.resize(w->num_elements());
      absl::Status st = DispatchFloat(w->dtype(), [&](auto tag) -> absl::Status {
        using T = decltype(tag);
        for (int64_t i = 0; i < w->num_elements(); ++i) window[i] = static_cast<double>(CastTo<ComputeType<T>>(w->data<T>()[i]));
        return absl::OkStatus();
      });
      if (!st.ok()) return ctx.Error(absl::StrCat("window ", st.message()));
    }
    int64_t n = -1;
    if (ctx.has_input(3)) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* fl, ctx.RequireTensor(3));
      absl::StatusOr<int64_t> v = control::ReadIntScalar(*fl, "frame_length");
      if (!v.ok()) return ctx.Error(std::string(v.status().message()));
      n = *v;
      if (!window.empty() && static_cast<int64_t>(window.size()) != n) {
        return ctx.Error(absl::StrCat("window has ", window.size(), " entries but frame_length is ", n));
      }
    } else if (!window.empty()) {
      n = static_cast<int64_t>(window.size());
    } else {
      return ctx.Error("needs a window or a frame_length");
    }
    int64_t batch = x->dim(0), length = x->dim(1);
    if (n < 1 || n > length) {
      return ctx.Error(absl::StrCat("frame length ", n, " must be in [1, signal length ", length, "]"));
    }
    int64_t frames = (length - n) / *step + 1;
    int64_t bins = onesided_ ? n / 2 + 1 : n;
    std::vector<Complex> signal;
    absl::Status st = LoadSignal(*x, signal);
    if (!st.ok()) return ctx.Error(absl::StrCat("signal ", st.message()));
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, x->dtype(), {batch, frames, bins, 2}));
    control::FftPlan plan(n, false);
    double cost = 10.0 * static_cast<double>(n) * std::log2(static_cast<double>(n) + 1) + 20;
    int64_t frame_step = *step;
    return DispatchFloat(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      T* y = out->data<T>();
      ctx.ParallelFor(batch * frames, cost, [&](int64_t begin, int64_t end) {
        std::vector<Complex> line(n);
        for (int64_t l = begin; l < end; ++l) {
          int64_t b = l / frames, f = l % frames;
          const Complex* src = signal.data() + b * length + f * frame_step;
          for (int64_t k = 0; k < n; ++k) line[k] = window.empty() ? src[k] : src[k] * window[k];
          plan.Transform(line.data());
          T* dst = y + l * bins * 2;
          for (int64_t k = 0; k < bins; ++k) Store(dst + k * 2, line[k]);
        }
      });
      return absl::OkStatus();
    });
  }

 private:
  StftKernel() = default;
  bool onesided_ = true;
};

}  // namespace

void RegisterDftKernels(KernelRegistry& registry) {
  registry.Add("DFT", 17, 19, FactoryOf<DftKernel>());
  registry.Add("STFT", 17, INT_MAX, FactoryOf<StftKernel>());
}

}  // namespace braid::backends::cpu
