// Resize (opsets 10-13) and Upsample (opsets 7-9): modes nearest / linear
// (N-linear) / cubic, every coordinate_transformation_mode, nearest_mode,
// exclude_outside, cubic_coeff_a, extrapolation_value, scales or sizes.
// Interpolation is separable: each resized axis is processed in turn with a
// per-output-index table of (source index, weight) taps, computed in double
// following the ONNX reference (edge-clamped neighbours; output width =
// scale * input width for the transforms that use it).
// Opset < 11 (Resize-10, Upsample) uses asymmetric coordinates; its nearest
// mode floors when upsampling and rounds up when downsampling.
#include <algorithm>
#include <climits>
#include <cmath>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/nn/nn_util.h"

namespace braid::backends::cpu {
namespace {

enum class Mode { kNearest, kLinear, kCubic };
enum class Transform { kHalfPixel, kPytorchHalfPixel, kAlignCorners, kAsymmetric, kTfHalfPixelForNn, kTfCropAndResize };
enum class NearestMode { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil, kLegacy };

struct AxisTable {
  int taps = 1;
  std::vector<int64_t> index;   // out * taps
  std::vector<double> weight;   // out * taps
  std::vector<bool> extrapolate;  // per output index
};

struct ResizeParams {
  Mode mode = Mode::kNearest;
  Transform transform = Transform::kHalfPixel;
  NearestMode nearest = NearestMode::kRoundPreferFloor;
  double cubic_a = -0.75;
  bool exclude_outside = false;
  double extrapolation = 0.0;
};

AxisTable BuildTable(const ResizeParams& p, int64_t in, int64_t out, double scale, double roi_start,
                     double roi_end) {
  AxisTable t;
  t.taps = p.mode == Mode::kNearest ? 1 : p.mode == Mode::kLinear ? 2 : 4;
  t.index.resize(out * t.taps);
  t.weight.resize(out * t.taps);
  t.extrapolate.assign(out, false);
  const double out_w = scale * static_cast<double>(in);
  for (int64_t o = 0; o < out; ++o) {
    const double x = static_cast<double>(o);
    double xo = 0;
    switch (p.transform) {
      case Transform::kHalfPixel:
        xo = (x + 0.5) / scale - 0.5;
        break;
      case Transform::kPytorchHalfPixel:
        xo = out_w == 1.0 ? -0.5 : (x + 0.5) / scale - 0.5;
        break;
      case Transform::kAlignCorners:
        xo = out_w == 1.0 ? 0.0 : x * static_cast<double>(in - 1) / (out_w - 1.0);
        break;
      case Transform::kAsymmetric:
        xo = x / scale;
        break;
      case Transform::kTfHalfPixelForNn:
        xo = (x + 0.5) / scale;
        break;
      case Transform::kTfCropAndResize:
        xo = out_w == 1.0 ? (roi_end - roi_start) * static_cast<double>(in - 1) / 2
                          : x * (roi_end - roi_start) * static_cast<double>(in - 1) / (out_w - 1.0);
        xo += roi_start * static_cast<double>(in - 1);
        if (xo < 0 || xo > static_cast<double>(in - 1)) t.extrapolate[o] = true;
        break;
    }
    if (!std::isfinite(xo)) xo = 0;
    const double fl = std::floor(xo);
    const bool integral = xo == fl;
    auto clamp = [&](int64_t i) { return std::min(std::max<int64_t>(i, 0), in - 1); };
    int64_t* idx = &t.index[o * t.taps];
    double* w = &t.weight[o * t.taps];
    if (p.mode == Mode::kNearest) {
      int64_t i = static_cast<int64_t>(fl);
      if (!integral) {
        const double r = xo - fl;
        switch (p.nearest) {
          case NearestMode::kRoundPreferFloor:
            i += r > 0.5 ? 1 : 0;
            break;
          case NearestMode::kRoundPreferCeil:
            i += r >= 0.5 ? 1 : 0;
            break;
          case NearestMode::kFloor:
            break;
          case NearestMode::kCeil:
            i += 1;
            break;
          case NearestMode::kLegacy:
            i += scale < 1.0 ? 1 : 0;
            break;
        }
      }
      idx[0] = clamp(i);
      w[0] = 1.0;
      continue;
    }
    const double ratio = integral ? 1.0 : xo - fl;
    const int64_t base = static_cast<int64_t>(fl) - (integral ? 1 : 0);
    if (p.mode == Mode::kLinear) {
      // Neighbours (base, base + 1) with weights (1 - ratio, ratio).
      const int64_t b = integral ? base : static_cast<int64_t>(fl);
      w[0] = 1.0 - ratio;
      w[1] = ratio;
      idx[0] = b;
      idx[1] = b + 1;
    } else {
      const double a = p.cubic_a, r = ratio;
      w[0] = ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a;
      w[1] = ((a + 2) * r - (a + 3)) * r * r + 1;
      w[2] = ((a + 2) * (1 - r) - (a + 3)) * (1 - r) * (1 - r) + 1;
      w[3] = ((a * ((1 - r) + 1) - 5 * a) * ((1 - r) + 1) + 8 * a) * ((1 - r) + 1) - 4 * a;
      const int64_t b = (integral ? base : static_cast<int64_t>(fl)) - 1;
      for (int k = 0; k < 4; ++k) idx[k] = b + k;
    }
    if (p.exclude_outside) {
      double sum = 0;
      for (int k = 0; k < t.taps; ++k) {
        if (idx[k] < 0 || idx[k] >= in) w[k] = 0;
        sum += w[k];
      }
      if (sum != 0) {
        for (int k = 0; k < t.taps; ++k) w[k] /= sum;
      }
    }
    for (int k = 0; k < t.taps; ++k) idx[k] = clamp(idx[k]);
  }
  return t;
}

// Resizes axis `axis` of `src` (shape `shape`) into `dst`.
void ResizeAxis(KernelContext& ctx, const std::vector<double>& src, const Shape& shape, int64_t axis, int64_t out,
                const AxisTable& t, double extrapolation, std::vector<double>& dst) {
  const int64_t outer = DimProduct(shape, 0, axis), in = shape[axis], inner = DimProduct(shape, axis + 1, shape.size());
  dst.assign(outer * out * inner, 0.0);
  ctx.ParallelFor(outer * out, static_cast<double>(inner * t.taps), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t o = r % out, b = r / out;
      double* d = dst.data() + r * inner;
      if (t.extrapolate[o]) {
        std::fill(d, d + inner, extrapolation);
        continue;
      }
      for (int k = 0; k < t.taps; ++k) {
        const double w = t.weight[o * t.taps + k];
        if (w == 0.0 && t.taps > 1) continue;
        const double* s = src.data() + (b * in + t.index[o * t.taps + k]) * inner;
        for (int64_t i = 0; i < inner; ++i) d[i] += w * s[i];
      }
    }
  });
}

class ResizeKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init, bool upsample) {
    auto k = std::unique_ptr<ResizeKernel>(new ResizeKernel());
    k->opset_ = init.opset();
    k->upsample_ = upsample;
    ResizeParams& p = k->params_;
    BRAID_ASSIGN_OR_RETURN(std::string mode, init.GetString("mode", std::string("nearest")));
    if (mode == "nearest") {
      p.mode = Mode::kNearest;
    } else if (mode == "linear" || mode == "bilinear") {
      p.mode = Mode::kLinear;
    } else if (mode == "cubic" && !upsample) {
      p.mode = Mode::kCubic;
    } else {
      return init.Error(absl::StrCat("unknown mode '", mode, "'"));
    }
    if (upsample || init.opset() < 11) {
      p.transform = Transform::kAsymmetric;
      p.nearest = NearestMode::kLegacy;
    } else {
      BRAID_ASSIGN_OR_RETURN(std::string ctm, init.GetString("coordinate_transformation_mode", std::string("half_pixel")));
      if (ctm == "half_pixel") {
        p.transform = Transform::kHalfPixel;
      } else if (ctm == "pytorch_half_pixel") {
        p.transform = Transform::kPytorchHalfPixel;
      } else if (ctm == "align_corners") {
        p.transform = Transform::kAlignCorners;
      } else if (ctm == "asymmetric") {
        p.transform = Transform::kAsymmetric;
      } else if (ctm == "tf_half_pixel_for_nn") {
        p.transform = Transform::kTfHalfPixelForNn;
      } else if (ctm == "tf_crop_and_resize") {
        p.transform = Transform::kTfCropAndResize;
      } else {
        return init.Error(absl::StrCat("unknown coordinate_transformation_mode '", ctm, "'"));
      }
      BRAID_ASSIGN_OR_RETURN(std::string nm, init.GetString("nearest_mode", std::string("round_prefer_floor")));
      if (nm == "round_prefer_floor") {
        p.nearest = NearestMode::kRoundPreferFloor;
      } else if (nm == "round_prefer_ceil") {
        p.nearest = NearestMode::kRoundPreferCeil;
      } else if (nm == "floor") {
        p.nearest = NearestMode::kFloor;
      } else if (nm == "ceil") {
        p.nearest = NearestMode::kCeil;
      } else {
        return init.Error(absl::StrCat("unknown nearest_mode '", nm, "'"));
      }
      BRAID_ASSIGN_OR_RETURN(float a, init.GetFloat("cubic_coeff_a", -0.75f));
      p.cubic_a = a;
      BRAID_ASSIGN_OR_RETURN(int64_t excl, init.GetInt("exclude_outside", 0));
      p.exclude_outside = excl != 0;
      BRAID_ASSIGN_OR_RETURN(float ev, init.GetFloat("extrapolation_value", 0.0f));
      p.extrapolation = ev;
    }
    if (upsample && init.opset() < 9) {
      BRAID_ASSIGN_OR_RETURN(std::vector<float> scales, init.GetFloats("scales", std::vector<float>{}));
      if (scales.empty()) return init.Error("Upsample needs the `scales` attribute before opset 9");
      k->attr_scales_ = scales;
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    const int64_t rank = x->rank();
    std::vector<double> scales;
    Shape out_shape;
    std::vector<double> roi;
    // Input positions: Upsample-9 / Resize-10 (X, scales); Resize-11+ (X, roi, scales, sizes).
    const bool legacy = upsample_ || opset_ < 11;
    const int scales_input = legacy ? 1 : 2;
    if (!attr_scales_.empty()) {
      scales.assign(attr_scales_.begin(), attr_scales_.end());
    } else if (ctx.has_input(scales_input) && ctx.input(scales_input).num_elements() > 0) {
      BRAID_ASSIGN_OR_RETURN(scales, TensorAs<double>(ctx.input(scales_input)));
    }
    if (!legacy && ctx.has_input(3) && ctx.input(3).num_elements() > 0) {
      if (!scales.empty()) return ctx.Error("only one of scales and sizes may be given");
      BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> sizes, TensorAs<int64_t>(ctx.input(3)));
      if (static_cast<int64_t>(sizes.size()) != rank) return ctx.Error("sizes must have one entry per input dim");
      out_shape = sizes;
      for (int64_t d = 0; d < rank; ++d) {
        if (sizes[d] < 0) return ctx.Error("sizes must be non-negative");
        scales.push_back(x->dim(d) == 0 ? 1.0 : static_cast<double>(sizes[d]) / static_cast<double>(x->dim(d)));
      }
    } else {
      if (static_cast<int64_t>(scales.size()) != rank) {
        return ctx.Error(absl::StrCat("scales must have ", rank, " entries, got ", scales.size()));
      }
      for (int64_t d = 0; d < rank; ++d) {
        const double size = scales[d] * static_cast<double>(x->dim(d));
        if (!(scales[d] > 0) || !(size < 9.0e15)) {
          return ctx.Error(absl::StrCat("scale ", scales[d], " for dim ", d, " must be positive and finite"));
        }
        out_shape.push_back(static_cast<int64_t>(size));
      }
    }
    if (params_.transform == Transform::kTfCropAndResize) {
      if (!ctx.has_input(1)) return ctx.Error("tf_crop_and_resize needs roi");
      BRAID_ASSIGN_OR_RETURN(roi, TensorAs<double>(ctx.input(1)));
      if (static_cast<int64_t>(roi.size()) != 2 * rank) return ctx.Error("roi must have 2 * rank entries");
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), out_shape));
    if (y->num_elements() == 0) return absl::OkStatus();
    if (x->num_elements() == 0) return ctx.Error("cannot resize an empty input to a non-empty output");
    BRAID_ASSIGN_OR_RETURN(std::vector<double> cur, TensorAs<double>(*x));
    Shape shape = x->shape();
    std::vector<double> next;
    for (int64_t d = rank - 1; d >= 0; --d) {
      const bool identity = out_shape[d] == shape[d] && scales[d] == 1.0 &&
                            params_.transform != Transform::kTfCropAndResize;
      if (identity) continue;
      AxisTable t = BuildTable(params_, shape[d], out_shape[d], scales[d], roi.empty() ? 0.0 : roi[d],
                               roi.empty() ? 1.0 : roi[d + rank]);
      ResizeAxis(ctx, cur, shape, d, out_shape[d], t, params_.extrapolation, next);
      shape[d] = out_shape[d];
      cur.swap(next);
    }
    return DispatchNumeric(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using C = ComputeType<T>;
      T* yp = y->data<T>();
      for (size_t i = 0; i < cur.size(); ++i) {
        if constexpr (std::is_integral_v<C>) {
          yp[i] = static_cast<T>(std::nearbyint(cur[i]));
        } else {
          yp[i] = CastTo<T>(static_cast<C>(cur[i]));
        }
      }
      return absl::OkStatus();
    });
  }

 private:
  int opset_ = 13;
  bool upsample_ = false;
  ResizeParams params_;
  std::vector<float> attr_scales_;
};

}  // namespace

void RegisterResizeKernels(KernelRegistry& r) {
  r.Add("Resize", 10, INT_MAX, [](const KernelInit& init) { return ResizeKernel::Create(init, false); });
  // Upsample-10 is the deprecated form of Upsample-9 with the same semantics.
  r.Add("Upsample", 7, INT_MAX, [](const KernelInit& init) { return ResizeKernel::Create(init, true); });
}

}  // namespace braid::backends::cpu
