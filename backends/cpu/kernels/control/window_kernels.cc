// Spectral helpers of opset 17: HannWindow, HammingWindow, BlackmanWindow
// (generalized cosine windows) and MelWeightMatrix.
#include <cmath>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/control/tensor_util.h"

namespace braid::backends::cpu {
namespace {

absl::StatusOr<DataType> OutputTypeAttr(const KernelInit& init) {
  BRAID_ASSIGN_OR_RETURN(int64_t dt, init.GetInt("output_datatype", static_cast<int64_t>(DataType::kFloat32)));
  if (dt == 0 || !IsKnownDataType(static_cast<int32_t>(dt)) || !IsNumeric(static_cast<DataType>(dt))) {
    return init.Error(absl::StrCat("output_datatype ", dt, " is not a numeric type"));
  }
  return static_cast<DataType>(dt);
}

absl::Status WriteValues(KernelContext& ctx, DataType dtype, const std::vector<double>& values, Shape shape) {
  BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, dtype, std::move(shape)));
  return DispatchNumeric(dtype, [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    T* y = out->data<T>();
    for (size_t i = 0; i < values.size(); ++i) y[i] = CastTo<T>(static_cast<ComputeType<T>>(values[i]));
    return absl::OkStatus();
  });
}

// w[k] = a0 - a1 cos(2 pi k / N) + a2 cos(4 pi k / N), N = size (periodic) or size - 1.
class CosineWindowKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<CosineWindowKernel>(new CosineWindowKernel());
    BRAID_ASSIGN_OR_RETURN(k->dtype_, OutputTypeAttr(init));
    BRAID_ASSIGN_OR_RETURN(int64_t periodic, init.GetInt("periodic", 1));
    k->periodic_ = periodic != 0;
    const std::string& op = init.node().op_type();
    if (op == "HannWindow") {
      k->a0_ = 0.5, k->a1_ = 0.5, k->a2_ = 0.0;
    } else if (op == "HammingWindow") {
      k->a0_ = 25.0 / 46.0, k->a1_ = 21.0 / 46.0, k->a2_ = 0.0;
    } else {
      k->a0_ = 0.42, k->a1_ = 0.5, k->a2_ = 0.08;
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* s, ctx.RequireTensor(0));
    absl::StatusOr<int64_t> size = control::ReadIntScalar(*s, "size");
    if (!size.ok()) return ctx.Error(std::string(size.status().message()));
    if (*size < 0) return ctx.Error(absl::StrCat("size ", *size, " must be non-negative"));
    std::vector<double> w(*size);
    double n = static_cast<double>(periodic_ ? *size : *size - 1);
    for (int64_t k = 0; k < *size; ++k) {
      if (n <= 0) {
        w[k] = 1.0;
        continue;
      }
      double x = 2.0 * M_PI * static_cast<double>(k) / n;
      w[k] = a0_ - a1_ * std::cos(x) + a2_ * std::cos(2.0 * x);
    }
    return WriteValues(ctx, dtype_, w, {*size});
  }

 private:
  CosineWindowKernel() = default;
  DataType dtype_ = DataType::kFloat32;
  bool periodic_ = true;
  double a0_ = 0, a1_ = 0, a2_ = 0;
};

// Triangular mel filters over the onesided DFT bins, peak 1.0; bin edges
// follow the ONNX reference (mel-spaced points floored to DFT bins).
class MelWeightMatrixKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<MelWeightMatrixKernel>(new MelWeightMatrixKernel());
    BRAID_ASSIGN_OR_RETURN(k->dtype_, OutputTypeAttr(init));
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    int64_t ints[3];
    const char* int_names[3] = {"num_mel_bins", "dft_length", "sample_rate"};
    for (int i = 0; i < 3; ++i) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* t, ctx.RequireTensor(i));
      absl::StatusOr<int64_t> v = control::ReadIntScalar(*t, int_names[i]);
      if (!v.ok()) return ctx.Error(std::string(v.status().message()));
      ints[i] = *v;
    }
    double edges[2];
    const char* edge_names[2] = {"lower_edge_hertz", "upper_edge_hertz"};
    for (int i = 0; i < 2; ++i) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* t, ctx.RequireTensor(3 + i));
      absl::StatusOr<double> v = control::ReadNumberScalar(*t, edge_names[i]);
      if (!v.ok()) return ctx.Error(std::string(v.status().message()));
      edges[i] = *v;
    }
    int64_t mel_bins = ints[0], dft_length = ints[1], sample_rate = ints[2];
    if (mel_bins < 1 || dft_length < 1 || sample_rate < 1) {
      return ctx.Error("num_mel_bins, dft_length and sample_rate must be positive");
    }
    if (edges[0] < 0 || edges[1] < edges[0]) {
      return ctx.Error("need 0 <= lower_edge_hertz <= upper_edge_hertz");
    }
    int64_t spectrogram_bins = dft_length / 2 + 1;
    auto to_mel = [](double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); };
    double low_mel = to_mel(edges[0]), high_mel = to_mel(edges[1]);
    int64_t points = mel_bins + 2;
    double mel_step = (high_mel - low_mel) / static_cast<double>(points);
    std::vector<int64_t> bins(points);
    for (int64_t i = 0; i < points; ++i) {
      double hz = 700.0 * (std::pow(10.0, (static_cast<double>(i) * mel_step + low_mel) / 2595.0) - 1.0);
      bins[i] = static_cast<int64_t>(std::floor(static_cast<double>(dft_length + 1) * hz / static_cast<double>(sample_rate)));
    }
    std::vector<double> w(static_cast<size_t>(spectrogram_bins * mel_bins), 0.0);
    auto set = [&](int64_t row, int64_t col, double v) {
      if (row >= 0 && row < spectrogram_bins) w[row * mel_bins + col] = v;
    };
    for (int64_t i = 0; i < mel_bins; ++i) {
      int64_t lo = bins[i], center = bins[i + 1], hi = bins[i + 2];
      int64_t up = center - lo;
      if (up == 0) {
        set(center, i, 1.0);
      } else {
        for (int64_t j = lo; j <= center; ++j) set(j, i, static_cast<double>(j - lo) / static_cast<double>(up));
      }
      int64_t down = hi - center;
      for (int64_t j = center; down > 0 && j < hi; ++j) {
        set(j, i, static_cast<double>(hi - j) / static_cast<double>(down));
      }
    }
    return WriteValues(ctx, dtype_, w, {spectrogram_bins, mel_bins});
  }

 private:
  MelWeightMatrixKernel() = default;
  DataType dtype_ = DataType::kFloat32;
};

}  // namespace

void RegisterWindowKernels(KernelRegistry& registry) {
  for (const char* op : {"HannWindow", "HammingWindow", "BlackmanWindow"}) {
    registry.Add(op, 17, INT_MAX, FactoryOf<CosineWindowKernel>());
  }
  registry.Add("MelWeightMatrix", 17, INT_MAX, FactoryOf<MelWeightMatrixKernel>());
}

}  // namespace braid::backends::cpu
