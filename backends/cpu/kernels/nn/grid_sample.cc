// GridSample (opset 16, 4-D): modes bilinear / nearest / bicubic, padding
// zeros / border / reflection, align_corners; the sampling conventions are
// those of torch.nn.functional.grid_sample, which the ONNX op follows.
#include <algorithm>
#include <climits>
#include <cmath>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/nn/nn_util.h"

namespace braid::backends::cpu {
namespace {

enum class Mode { kBilinear, kNearest, kBicubic };
enum class Padding { kZeros, kBorder, kReflection };

float Reflect(float v, float twice_low, float twice_high) {
  if (twice_low == twice_high) return 0.0f;
  const float lo = twice_low / 2, span = (twice_high - twice_low) / 2;
  v = std::fabs(v - lo);
  const float extra = std::fmod(v, span);
  const int flips = static_cast<int>(std::floor(v / span));
  return flips % 2 == 0 ? extra + lo : span - extra + lo;
}

class GridSampleKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<GridSampleKernel>(new GridSampleKernel());
    BRAID_ASSIGN_OR_RETURN(std::string mode, init.GetString("mode", std::string("bilinear")));
    BRAID_ASSIGN_OR_RETURN(std::string pad, init.GetString("padding_mode", std::string("zeros")));
    BRAID_ASSIGN_OR_RETURN(int64_t align, init.GetInt("align_corners", 0));
    k->align_ = align != 0;
    if (mode == "bilinear") {
      k->mode_ = Mode::kBilinear;
    } else if (mode == "nearest") {
      k->mode_ = Mode::kNearest;
    } else if (mode == "bicubic") {
      k->mode_ = Mode::kBicubic;
    } else {
      return init.Error(absl::StrCat("unknown mode '", mode, "'"));
    }
    if (pad == "zeros") {
      k->padding_ = Padding::kZeros;
    } else if (pad == "border") {
      k->padding_ = Padding::kBorder;
    } else if (pad == "reflection") {
      k->padding_ = Padding::kReflection;
    } else {
      return init.Error(absl::StrCat("unknown padding_mode '", pad, "'"));
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* grid, ctx.RequireTensor(1));
    if (x->rank() != 4 || grid->rank() != 4 || grid->dim(3) != 2 || grid->dim(0) != x->dim(0)) {
      return ctx.Error(absl::StrCat("expected X (N,C,H,W) and grid (N,Ho,Wo,2), got ", ShapeToString(x->shape()),
                                    " and ", ShapeToString(grid->shape())));
    }
    const int64_t n = x->dim(0), c = x->dim(1), h = x->dim(2), w = x->dim(3), ho = grid->dim(1), wo = grid->dim(2);
    BRAID_ASSIGN_OR_RETURN(std::vector<float> gv, TensorAs<float>(*grid));
    BRAID_ASSIGN_OR_RETURN(std::vector<float> xv, TensorAs<float>(*x));
    std::vector<float> out(n * c * ho * wo);
    ctx.ParallelFor(n * c, static_cast<double>(ho * wo * 20), [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const int64_t b = p / c;
        const float* plane = xv.data() + p * h * w;
        for (int64_t i = 0; i < ho * wo; ++i) {
          const float gx = gv[(b * ho * wo + i) * 2], gy = gv[(b * ho * wo + i) * 2 + 1];
          out[p * ho * wo + i] = Sample(plane, h, w, gx, gy);
        }
      }
    });
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), {n, c, ho, wo}));
    return Dispatch<TypeList<float, double, Float16, BFloat16>>(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      for (size_t i = 0; i < out.size(); ++i) y->data<T>()[i] = CastTo<T>(static_cast<ComputeType<T>>(out[i]));
      return absl::OkStatus();
    });
  }

 private:
  float Unnormalize(float v, int64_t size) const {
    return align_ ? (v + 1) / 2 * static_cast<float>(size - 1) : ((v + 1) * static_cast<float>(size) - 1) / 2;
  }
  // Applies the padding mode to a source coordinate.
  float Pad(float v, int64_t size) const {
    if (padding_ == Padding::kBorder) return std::min(std::max(v, 0.0f), static_cast<float>(size - 1));
    if (padding_ == Padding::kReflection) {
      v = align_ ? Reflect(v, 0, 2.0f * static_cast<float>(size - 1)) : Reflect(v, -1, 2.0f * static_cast<float>(size) - 1);
      return std::min(std::max(v, 0.0f), static_cast<float>(size - 1));
    }
    return v;
  }
  static float At(const float* plane, int64_t h, int64_t w, int64_t y, int64_t x) {
    return (y >= 0 && y < h && x >= 0 && x < w) ? plane[y * w + x] : 0.0f;
  }
  // Value at integer tap (x, y) with the padding mode applied (bicubic).
  float Bounded(const float* plane, int64_t h, int64_t w, float x, float y) const {
    const float px = Pad(x, w), py = Pad(y, h);
    return At(plane, h, w, static_cast<int64_t>(py), static_cast<int64_t>(px));
  }
  static float Cubic(float x0, float x1, float x2, float x3, float t) {
    constexpr float A = -0.75f;
    auto c1 = [](float v) { return ((A + 2) * v - (A + 3)) * v * v + 1; };
    auto c2 = [](float v) { return ((A * v - 5 * A) * v + 8 * A) * v - 4 * A; };
    return x0 * c2(t + 1) + x1 * c1(t) + x2 * c1(1 - t) + x3 * c2(2 - t);
  }

  float Sample(const float* plane, int64_t h, int64_t w, float gx, float gy) const {
    if (!std::isfinite(gx) || !std::isfinite(gy)) return 0.0f;
    float ix = Unnormalize(gx, w), iy = Unnormalize(gy, h);
    if (mode_ == Mode::kBicubic) {
      const float fx = std::floor(ix), fy = std::floor(iy), tx = ix - fx, ty = iy - fy;
      float rows[4];
      for (int i = 0; i < 4; ++i) {
        const float yy = fy - 1 + i;
        rows[i] = Cubic(Bounded(plane, h, w, fx - 1, yy), Bounded(plane, h, w, fx, yy), Bounded(plane, h, w, fx + 1, yy),
                        Bounded(plane, h, w, fx + 2, yy), tx);
      }
      return Cubic(rows[0], rows[1], rows[2], rows[3], ty);
    }
    ix = Pad(ix, w);
    iy = Pad(iy, h);
    if (mode_ == Mode::kNearest) {
      return At(plane, h, w, static_cast<int64_t>(std::nearbyint(iy)), static_cast<int64_t>(std::nearbyint(ix)));
    }
    const float fx = std::floor(ix), fy = std::floor(iy);
    const int64_t x0 = static_cast<int64_t>(fx), y0 = static_cast<int64_t>(fy);
    const float tx = ix - fx, ty = iy - fy;
    return At(plane, h, w, y0, x0) * (1 - tx) * (1 - ty) + At(plane, h, w, y0, x0 + 1) * tx * (1 - ty) +
           At(plane, h, w, y0 + 1, x0) * (1 - tx) * ty + At(plane, h, w, y0 + 1, x0 + 1) * tx * ty;
  }

  Mode mode_ = Mode::kBilinear;
  Padding padding_ = Padding::kZeros;
  bool align_ = false;
};

}  // namespace

void RegisterGridSampleKernels(KernelRegistry& r) { r.Add("GridSample", 16, INT_MAX, FactoryOf<GridSampleKernel>()); }

}  // namespace braid::backends::cpu
