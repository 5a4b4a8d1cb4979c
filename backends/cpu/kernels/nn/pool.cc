// Windowed pooling: MaxPool (opsets 1-12: Indices output, storage_order,
// dilations, ceil_mode; float and 8-bit integer types), AveragePool
// (count_include_pad, ceil_mode) and LpPool, over 1 to 3 spatial dims.
// Work is split over the N*C planes.
#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/nn/conv_geometry.h"
#include "backends/cpu/kernels/nn/nn_util.h"

namespace braid::backends::cpu {
namespace {

enum class PoolKind { kMax, kAverage, kLp };

// Per spatial dim (padded to three dims with size-1 leading dims): for each
// output index, the first valid input index, the number of valid window
// taps, and the number of taps inside the padded input (for
// count_include_pad).
struct PoolWindows {
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, step[3] = {1, 1, 1};
  int64_t kernel[3] = {1, 1, 1}, stride[3] = {1, 1, 1}, pad[3] = {0, 0, 0};
  std::vector<int64_t> first[3], count[3], padded[3];

  explicit PoolWindows(const ConvGeometry& g) {
    const int off = 3 - g.spatial();
    for (int d = 0; d < 3; ++d) {
      if (d < off) {
        first[d] = {0};
        count[d] = {1};
        padded[d] = {1};
        continue;
      }
      const int s = d - off;
      in[d] = g.in[s];
      out[d] = g.out[s];
      step[d] = g.dilation[s];
      kernel[d] = g.kernel[s];
      stride[d] = g.stride[s];
      pad[d] = g.pad_begin[s];
      first[d].resize(out[d]);
      count[d].resize(out[d]);
      padded[d].resize(out[d]);
      for (int64_t o = 0; o < out[d]; ++o) {
        const int64_t start = o * g.stride[s] - g.pad_begin[s];
        int64_t n = 0, np = 0, f = -1;
        for (int64_t k = 0; k < g.kernel[s]; ++k) {
          const int64_t p = start + k * g.dilation[s];
          if (p >= -g.pad_begin[s] && p < g.in[s] + g.pad_end[s]) ++np;
          if (p < 0 || p >= g.in[s]) continue;
          if (f < 0) f = p;
          ++n;
        }
        first[d][o] = f < 0 ? 0 : f;
        count[d][o] = n;
        padded[d][o] = np;
      }
    }
  }
};

struct PoolParams {
  PoolKind kind;
  bool count_include_pad = false;
  int64_t p = 2;              // LpPool
  bool column_major = false;  // MaxPool storage_order = 1
};

// Max / average pooling of one plane, vectorizable form: for each output
// row, every valid input row of the window and every kernel column update
// the whole range of output columns that tap reaches.
template <typename T>
void FastPoolPlane(const PoolWindows& w, const PoolParams& pp, const T* x, T* y) {
  using C = std::conditional_t<std::is_floating_point_v<T>, T, float>;
  const bool is_max = pp.kind == PoolKind::kMax;
  const int64_t ow_n = w.out[2], in_w = w.in[2], in_hw = w.in[1] * w.in[2];
  std::vector<C> acc(ow_n);
  // Valid output column range per kernel column.
  std::vector<int64_t> lo(w.kernel[2]), hi(w.kernel[2]);
  for (int64_t kw = 0; kw < w.kernel[2]; ++kw) {
    const int64_t off = kw * w.step[2] - w.pad[2];
    int64_t a = off >= 0 ? 0 : (-off + w.stride[2] - 1) / w.stride[2];
    int64_t b = in_w - 1 - off < 0 ? -1 : (in_w - 1 - off) / w.stride[2];
    lo[kw] = std::min(a, ow_n);
    hi[kw] = std::max(std::min(b + 1, ow_n), lo[kw]);
  }
  for (int64_t od = 0; od < w.out[0]; ++od) {
    for (int64_t oh = 0; oh < w.out[1]; ++oh) {
      const C init = is_max ? std::numeric_limits<C>::lowest() : C{0};
      std::fill(acc.begin(), acc.end(), init);
      const int64_t d0 = w.first[0][od], h0 = w.first[1][oh];
      for (int64_t a = 0; a < w.count[0][od]; ++a) {
        for (int64_t b = 0; b < w.count[1][oh]; ++b) {
          const T* row = x + (d0 + a * w.step[0]) * in_hw + (h0 + b * w.step[1]) * in_w;
          for (int64_t kw = 0; kw < w.kernel[2]; ++kw) {
            const T* src = row + kw * w.step[2] - w.pad[2];
            const int64_t s = w.stride[2];
            C* ac = acc.data();
            if (is_max) {
              for (int64_t o = lo[kw]; o < hi[kw]; ++o) {
                const C v = static_cast<C>(src[o * s]);
                ac[o] = ac[o] < v ? v : ac[o];
              }
            } else {
              for (int64_t o = lo[kw]; o < hi[kw]; ++o) ac[o] += static_cast<C>(src[o * s]);
            }
          }
        }
      }
      T* out = y + (od * w.out[1] + oh) * ow_n;
      if (is_max) {
        for (int64_t o = 0; o < ow_n; ++o) out[o] = static_cast<T>(acc[o]);
      } else {
        const int64_t rows = pp.count_include_pad ? w.padded[0][od] * w.padded[1][oh] : w.count[0][od] * w.count[1][oh];
        for (int64_t o = 0; o < ow_n; ++o) {
          const int64_t n = rows * (pp.count_include_pad ? w.padded[2][o] : w.count[2][o]);
          out[o] = static_cast<T>(acc[o] / static_cast<C>(n));
        }
      }
    }
  }
}

template <typename T>
void PoolPlane(const PoolWindows& w, const PoolParams& pp, const T* x, T* y, int64_t* indices, int64_t index_base) {
  using C = std::conditional_t<std::is_floating_point_v<ComputeType<T>>, ComputeType<T>, float>;
  const int64_t in_hw = w.in[1] * w.in[2];
  for (int64_t od = 0; od < w.out[0]; ++od) {
    for (int64_t oh = 0; oh < w.out[1]; ++oh) {
      for (int64_t ow = 0; ow < w.out[2]; ++ow) {
        const int64_t o = (od * w.out[1] + oh) * w.out[2] + ow;
        const int64_t d0 = w.first[0][od], h0 = w.first[1][oh], w0 = w.first[2][ow];
        const int64_t nd = w.count[0][od], nh = w.count[1][oh], nw = w.count[2][ow];
        const int64_t sd = w.step[0], sh = w.step[1], sw = w.step[2];
        if (pp.kind == PoolKind::kMax) {
          T best = std::numeric_limits<T>::lowest();
          if constexpr (!std::is_arithmetic_v<T>) best = T(-std::numeric_limits<float>::infinity());
          int64_t best_i = -1;
          C best_c = CastTo<C>(best);
          for (int64_t a = 0; a < nd; ++a) {
            for (int64_t b = 0; b < nh; ++b) {
              const int64_t row = (d0 + a * sd) * in_hw + (h0 + b * sh) * w.in[2];
              for (int64_t c = 0; c < nw; ++c) {
                const int64_t i = row + w0 + c * sw;
                C v = CastTo<C>(x[i]);
                if (v > best_c || best_i < 0) {
                  best_c = v;
                  best_i = i;
                }
              }
            }
          }
          y[o] = best_i < 0 ? best : x[best_i];
          if (indices != nullptr) {
            int64_t idx = std::max<int64_t>(best_i, 0);
            if (pp.column_major) {
              const int64_t id = idx / in_hw, ih = (idx / w.in[2]) % w.in[1], iw = idx % w.in[2];
              idx = (iw * w.in[1] + ih) * w.in[0] + id;
            }
            indices[o] = index_base + idx;
          }
          continue;
        }
        C acc = 0;
        for (int64_t a = 0; a < nd; ++a) {
          for (int64_t b = 0; b < nh; ++b) {
            const int64_t row = (d0 + a * sd) * in_hw + (h0 + b * sh) * w.in[2];
            for (int64_t c = 0; c < nw; ++c) {
              C v = CastTo<C>(x[row + w0 + c * sw]);
              if (pp.kind == PoolKind::kAverage) {
                acc += v;
              } else if (pp.p == 1) {
                acc += std::abs(v);
              } else if (pp.p == 2) {
                acc += v * v;
              } else {
                acc += std::pow(std::abs(v), static_cast<C>(pp.p));
              }
            }
          }
        }
        if (pp.kind == PoolKind::kAverage) {
          const int64_t n = pp.count_include_pad ? w.padded[0][od] * w.padded[1][oh] * w.padded[2][ow] : nd * nh * nw;
          y[o] = CastTo<T>(static_cast<C>(acc / static_cast<C>(n)));
        } else {
          y[o] = CastTo<T>(static_cast<C>(pp.p == 1   ? acc
                                          : pp.p == 2 ? std::sqrt(acc)
                                                      : std::pow(acc, static_cast<C>(1.0) / static_cast<C>(pp.p))));
        }
      }
    }
  }
}

class PoolKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init, PoolKind kind) {
    auto k = std::unique_ptr<PoolKernel>(new PoolKernel());
    k->params_.kind = kind;
    BRAID_ASSIGN_OR_RETURN(k->attrs_, ConvAttrs::Parse(init));
    if (k->attrs_.kernel_shape.empty()) return init.Error("kernel_shape is required");
    BRAID_ASSIGN_OR_RETURN(int64_t ceil_mode, init.GetInt("ceil_mode", 0));
    k->ceil_mode_ = ceil_mode != 0;
    BRAID_ASSIGN_OR_RETURN(int64_t cip, init.GetInt("count_include_pad", 0));
    k->params_.count_include_pad = cip != 0;
    BRAID_ASSIGN_OR_RETURN(int64_t order, init.GetInt("storage_order", 0));
    k->params_.column_major = order != 0;
    if (kind == PoolKind::kLp) {
      // LpPool-1 has a float `p`; later versions an int.
      const graph::Attribute* p = init.node().FindAttribute("p");
      if (p != nullptr && p->kind() == graph::Attribute::Kind::kFloat) {
        k->params_.p = static_cast<int64_t>(p->f());
      } else {
        BRAID_ASSIGN_OR_RETURN(k->params_.p, init.GetInt("p", 2));
      }
      if (k->params_.p <= 0) return init.Error("p must be positive");
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    const int64_t nd = x->rank() - 2;
    if (nd < 1 || nd > 3) {
      return ctx.Error(absl::StrCat("input must have 1 to 3 spatial dims, got shape ", ShapeToString(x->shape())));
    }
    if (static_cast<int64_t>(attrs_.kernel_shape.size()) != nd) {
      return ctx.Error(absl::StrCat("kernel_shape has ", attrs_.kernel_shape.size(), " dims, input has ", nd,
                                    " spatial dims"));
    }
    Shape in_spatial(x->shape().begin() + 2, x->shape().end());
    auto geom = MakeConvGeometry(attrs_, in_spatial, attrs_.kernel_shape, ceil_mode_);
    if (!geom.ok()) return ctx.Error(std::string(geom.status().message()));
    Shape y_shape = {x->dim(0), x->dim(1)};
    y_shape.insert(y_shape.end(), geom->out.begin(), geom->out.end());
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), y_shape));
    int64_t* indices = nullptr;
    if (params_.kind == PoolKind::kMax && ctx.num_outputs() > 1 && ctx.output_wanted(1)) {
      BRAID_ASSIGN_OR_RETURN(Tensor * ind, ctx.AllocateOutput(1, DataType::kInt64, y_shape));
      indices = ind->data<int64_t>();
    }
    if (y->num_elements() == 0) return absl::OkStatus();
    const PoolWindows windows(*geom);
    const int64_t planes = x->dim(0) * x->dim(1), in_size = geom->in_size(), out_size = geom->out_size();
    const double cost = static_cast<double>(out_size * geom->kernel_size());
    auto run = [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      const T* xp = x->data<T>();
      T* yp = y->data<T>();
      const bool fast = std::is_arithmetic_v<T> && indices == nullptr && params_.kind != PoolKind::kLp;
      ctx.ParallelFor(planes, cost, [&](int64_t b, int64_t e) {
        for (int64_t p = b; p < e; ++p) {
          if constexpr (std::is_arithmetic_v<T>) {
            if (fast) {
              FastPoolPlane<T>(windows, params_, xp + p * in_size, yp + p * out_size);
              continue;
            }
          }
          PoolPlane<T>(windows, params_, xp + p * in_size, yp + p * out_size,
                       indices ? indices + p * out_size : nullptr, p * in_size);
        }
      });
      return absl::OkStatus();
    };
    if (params_.kind == PoolKind::kMax) {
      return Dispatch<TypeList<float, double, Float16, BFloat16, int8_t, uint8_t>>(x->dtype(), run);
    }
    return Dispatch<TypeList<float, double, Float16, BFloat16>>(x->dtype(), run);
  }

 private:
  ConvAttrs attrs_;
  bool ceil_mode_ = false;
  PoolParams params_;
};

}  // namespace

void RegisterPoolKernels(KernelRegistry& r) {
  r.Add("MaxPool", 1, INT_MAX, [](const KernelInit& init) { return PoolKernel::Create(init, PoolKind::kMax); });
  r.Add("AveragePool", 1, INT_MAX,
        [](const KernelInit& init) { return PoolKernel::Create(init, PoolKind::kAverage); });
  r.Add("LpPool", 1, INT_MAX, [](const KernelInit& init) { return PoolKernel::Create(init, PoolKind::kLp); });
}

}  // namespace braid::backends::cpu
