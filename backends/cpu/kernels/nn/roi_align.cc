// RoiAlign (opsets 10 and 16): average or max of bilinear samples per output
// bin; coordinate_transformation_mode half_pixel (opset 16 default) or
// output_half_pixel (opset 10 behaviour). Sampling follows the reference
// implementation the ONNX op was defined from (samples more than one pixel
// outside the map contribute zero; max mode takes the largest weighted tap).
#include <algorithm>
#include <climits>
#include <cmath>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/nn/nn_util.h"

namespace braid::backends::cpu {
namespace {

struct Tap {
  int64_t o[4];
  float w[4];
};

class RoiAlignKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<RoiAlignKernel>(new RoiAlignKernel());
    BRAID_ASSIGN_OR_RETURN(std::string mode, init.GetString("mode", std::string("avg")));
    if (mode != "avg" && mode != "max") return init.Error(absl::StrCat("unknown mode '", mode, "'"));
    k->max_ = mode == "max";
    BRAID_ASSIGN_OR_RETURN(k->out_h_, init.GetInt("output_height", 1));
    BRAID_ASSIGN_OR_RETURN(k->out_w_, init.GetInt("output_width", 1));
    BRAID_ASSIGN_OR_RETURN(k->sampling_ratio_, init.GetInt("sampling_ratio", 0));
    BRAID_ASSIGN_OR_RETURN(k->spatial_scale_, init.GetFloat("spatial_scale", 1.0f));
    BRAID_ASSIGN_OR_RETURN(std::string ctm,
                           init.GetString("coordinate_transformation_mode",
                                          std::string(init.opset() >= 16 ? "half_pixel" : "output_half_pixel")));
    if (ctm != "half_pixel" && ctm != "output_half_pixel") {
      return init.Error(absl::StrCat("unknown coordinate_transformation_mode '", ctm, "'"));
    }
    k->half_pixel_ = ctm == "half_pixel";
    if (k->out_h_ <= 0 || k->out_w_ <= 0 || k->sampling_ratio_ < 0) {
      return init.Error("output sizes must be positive and sampling_ratio non-negative");
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* rois, ctx.RequireTensor(1));
    BRAID_ASSIGN_OR_RETURN(const Tensor* bi, ctx.RequireTensor(2));
    if (x->rank() != 4) return ctx.Error("X must be (N, C, H, W)");
    if (rois->rank() != 2 || rois->dim(1) != 4) return ctx.Error("rois must be (num_rois, 4)");
    const int64_t num = rois->dim(0);
    if (bi->rank() != 1 || bi->dim(0) != num) return ctx.Error("batch_indices must be (num_rois)");
    const int64_t n = x->dim(0), c = x->dim(1), h = x->dim(2), w = x->dim(3);
    BRAID_ASSIGN_OR_RETURN(std::vector<float> xv, TensorAs<float>(*x));
    BRAID_ASSIGN_OR_RETURN(std::vector<float> rv, TensorAs<float>(*rois));
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> bv, TensorAs<int64_t>(*bi));
    for (int64_t b : bv) {
      if (b < 0 || b >= n) return ctx.Error(absl::StrCat("batch index ", b, " is outside [0, ", n, ")"));
    }
    std::vector<float> out(num * c * out_h_ * out_w_);
    ctx.ParallelFor(num, static_cast<double>(c * out_h_ * out_w_ * 16), [&](int64_t begin, int64_t end) {
      std::vector<Tap> taps;
      for (int64_t r = begin; r < end; ++r) {
        const float off = half_pixel_ ? 0.5f : 0.0f;
        const float x1 = rv[r * 4] * spatial_scale_ - off, y1 = rv[r * 4 + 1] * spatial_scale_ - off;
        const float x2 = rv[r * 4 + 2] * spatial_scale_ - off, y2 = rv[r * 4 + 3] * spatial_scale_ - off;
        float rw = x2 - x1, rh = y2 - y1;
        if (!half_pixel_) {
          rw = std::max(rw, 1.0f);
          rh = std::max(rh, 1.0f);
        }
        if (!std::isfinite(rw) || !std::isfinite(rh)) rw = rh = 0.0f;
        const float bh = rh / static_cast<float>(out_h_), bw = rw / static_cast<float>(out_w_);
        const int64_t gh = sampling_ratio_ > 0 ? sampling_ratio_ : static_cast<int64_t>(std::ceil(rh / out_h_));
        const int64_t gw = sampling_ratio_ > 0 ? sampling_ratio_ : static_cast<int64_t>(std::ceil(rw / out_w_));
        const float count = static_cast<float>(std::max<int64_t>(gh * gw, 1));
        for (int64_t ph = 0; ph < out_h_; ++ph) {
          for (int64_t pw = 0; pw < out_w_; ++pw) {
            taps.clear();
            for (int64_t iy = 0; iy < gh; ++iy) {
              const float yy = y1 + ph * bh + (iy + 0.5f) * bh / static_cast<float>(gh);
              for (int64_t ix = 0; ix < gw; ++ix) {
                const float xx = x1 + pw * bw + (ix + 0.5f) * bw / static_cast<float>(gw);
                taps.push_back(MakeTap(yy, xx, h, w));
              }
            }
            for (int64_t ch = 0; ch < c; ++ch) {
              const float* plane = xv.data() + (bv[r] * c + ch) * h * w;
              float acc = 0.0f;
              bool first = true;
              for (const Tap& t : taps) {
                if (max_) {
                  float v = std::max(std::max(t.w[0] * plane[t.o[0]], t.w[1] * plane[t.o[1]]),
                                     std::max(t.w[2] * plane[t.o[2]], t.w[3] * plane[t.o[3]]));
                  acc = first ? v : std::max(acc, v);
                  first = false;
                } else {
                  acc += t.w[0] * plane[t.o[0]] + t.w[1] * plane[t.o[1]] + t.w[2] * plane[t.o[2]] +
                         t.w[3] * plane[t.o[3]];
                }
              }
              out[((r * c + ch) * out_h_ + ph) * out_w_ + pw] = max_ ? acc : acc / count;
            }
          }
        }
      }
    });
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), {num, c, out_h_, out_w_}));
    return Dispatch<TypeList<float, double, Float16, BFloat16>>(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      for (size_t i = 0; i < out.size(); ++i) y->data<T>()[i] = CastTo<T>(static_cast<ComputeType<T>>(out[i]));
      return absl::OkStatus();
    });
  }

 private:
  static Tap MakeTap(float y, float x, int64_t h, int64_t w) {
    Tap t{{0, 0, 0, 0}, {0, 0, 0, 0}};
    if (y < -1.0f || y > static_cast<float>(h) || x < -1.0f || x > static_cast<float>(w)) return t;
    y = std::max(y, 0.0f);
    x = std::max(x, 0.0f);
    int64_t yl = static_cast<int64_t>(y), xl = static_cast<int64_t>(x), yh, xh;
    if (yl >= h - 1) {
      yh = yl = h - 1;
      y = static_cast<float>(yl);
    } else {
      yh = yl + 1;
    }
    if (xl >= w - 1) {
      xh = xl = w - 1;
      x = static_cast<float>(xl);
    } else {
      xh = xl + 1;
    }
    const float ly = y - yl, lx = x - xl, hy = 1 - ly, hx = 1 - lx;
    t.o[0] = yl * w + xl;
    t.o[1] = yl * w + xh;
    t.o[2] = yh * w + xl;
    t.o[3] = yh * w + xh;
    t.w[0] = hy * hx;
    t.w[1] = hy * lx;
    t.w[2] = ly * hx;
    t.w[3] = ly * lx;
    return t;
  }

  bool max_ = false;
  int64_t out_h_ = 1, out_w_ = 1, sampling_ratio_ = 0;
  float spatial_scale_ = 1.0f;
  bool half_pixel_ = true;
};

}  // namespace

void RegisterRoiAlignKernels(KernelRegistry& r) { r.Add("RoiAlign", 10, INT_MAX, FactoryOf<RoiAlignKernel>()); }

}  // namespace braid::backends::cpu
