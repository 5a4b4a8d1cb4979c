// Convolution (1-3 spatial dims, grouped, depthwise) as an implicit GEMM:
// per image and group, Y[m][p] = W[m][k] x im2col(X)[k][p], where the
// im2col operand is gathered on the fly while filling shared-memory tiles.
// Pure depthwise convolutions (one input and one output channel per group)
// use a direct kernel instead.
#include "backends/gpu/kernels/gemm_tile.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {
namespace {

template <typename T>
struct WeightLoader {
  const T* w;  // this group's [Mg][Kg] block
  int64_t kg;
  BRAID_DEVICE float operator()(int64_t m, int64_t k) const { return ToFloat(w[m * kg + k]); }
};

// im2col(X)[k][p] for one image and group: k -> (c, kd, kh, kw), p -> (od, oh, ow).
template <typename T>
struct Im2ColLoader {
  const T* x;  // this image's first channel of the group
  const ConvArgs* a;
  BRAID_DEVICE float operator()(int64_t k, int64_t p) const {
    const int64_t kw = k % a->kernel[2];
    int64_t rest = k / a->kernel[2];
    const int64_t kh = rest % a->kernel[1];
    rest /= a->kernel[1];
    const int64_t kd = rest % a->kernel[0];
    const int64_t c = rest / a->kernel[0];
    const int64_t ow = p % a->out_size[2];
    const int64_t q = p / a->out_size[2];
    const int64_t oh = q % a->out_size[1];
    const int64_t od = q / a->out_size[1];
    const int64_t id = od * a->stride[0] - a->pad[0] + kd * a->dilation[0];
    const int64_t ih = oh * a->stride[1] - a->pad[1] + kh * a->dilation[1];
    const int64_t iw = ow * a->stride[2] - a->pad[2] + kw * a->dilation[2];
    if (id < 0 || id >= a->in_size[0] || ih < 0 || ih >= a->in_size[1] || iw < 0 || iw >= a->in_size[2]) return 0.0f;
    return ToFloat(x[((c * a->in_size[0] + id) * a->in_size[1] + ih) * a->in_size[2] + iw]);
  }
};

template <typename T>
BRAID_KERNEL void ConvImplicitGemmKernel(BRAID_PARAM(ConvArgs) a) {
  const int64_t mg = a.out_channels / a.group;
  const int64_t cg = a.in_channels / a.group;
  const int64_t kg = cg * a.kernel[0] * a.kernel[1] * a.kernel[2];
  const int64_t np = a.out_size[0] * a.out_size[1] * a.out_size[2];
  const int64_t in_plane = a.in_size[0] * a.in_size[1] * a.in_size[2];
  const int64_t m0 = static_cast<int64_t>(BlockY()) * kTileM;
  const int64_t n0 = static_cast<int64_t>(BlockX()) * kTileN;
  for (int64_t z = BlockZ(); z < a.batch * a.group; z += GridDimZ()) {
    const int64_t image = z / a.group, g = z % a.group;
    const T* x = static_cast<const T*>(a.x) + (image * a.in_channels + g * cg) * in_plane;
    const T* w = static_cast<const T*>(a.w) + g * mg * kg;
    T* y = static_cast<T*>(a.y) + (image * a.out_channels + g * mg) * np;
    float acc[kMicro][kMicro] = {};
    AccumulateTile(m0, n0, mg, np, kg, WeightLoader<T>{w, kg}, Im2ColLoader<T>{x, &a}, acc);
    for (int i = 0; i < kMicro; ++i) {
      const int64_t m = m0 + TileRow(i);
      if (m >= mg) continue;
      for (int j = 0; j < kMicro; ++j) {
        const int64_t p = n0 + TileCol(j);
        if (p >= np) continue;
        y[m * np + p] = FromFloat<T>(ApplyEpilogue(a.epilogue, acc[i][j], 1.0f, 0, g * mg + m, p));
      }
    }
  }
}

// One thread per output element; channel c reads only input channel c.
template <typename T>
BRAID_KERNEL void ConvDepthwiseKernel(BRAID_PARAM(ConvArgs) a) {
  const int64_t np = a.out_size[0] * a.out_size[1] * a.out_size[2];
  const int64_t total = a.batch * a.out_channels * np;
  const int64_t in_plane = a.in_size[0] * a.in_size[1] * a.in_size[2];
  const int64_t kplane = a.kernel[0] * a.kernel[1] * a.kernel[2];
  for (int64_t idx = GlobalThreadId(); idx < total; idx += GlobalThreadCount()) {
    const int64_t p = idx % np;
    const int64_t nc = idx / np;  // image * channels + channel
    const int64_t c = nc % a.out_channels;
    const int64_t ow = p % a.out_size[2];
    const int64_t oh = (p / a.out_size[2]) % a.out_size[1];
    const int64_t od = p / (a.out_size[2] * a.out_size[1]);
    const T* x = static_cast<const T*>(a.x) + nc * in_plane;
    const T* w = static_cast<const T*>(a.w) + c * kplane;
    float acc = 0.0f;
    for (int64_t kd = 0; kd < a.kernel[0]; ++kd) {
      const int64_t id = od * a.stride[0] - a.pad[0] + kd * a.dilation[0];
      if (id < 0 || id >= a.in_size[0]) continue;
      for (int64_t kh = 0; kh < a.kernel[1]; ++kh) {
        const int64_t ih = oh * a.stride[1] - a.pad[1] + kh * a.dilation[1];
        if (ih < 0 || ih >= a.in_size[1]) continue;
        for (int64_t kw = 0; kw < a.kernel[2]; ++kw) {
          const int64_t iw = ow * a.stride[2] - a.pad[2] + kw * a.dilation[2];
          if (iw < 0 || iw >= a.in_size[2]) continue;
          acc += ToFloat(x[(id * a.in_size[1] + ih) * a.in_size[2] + iw]) *
                 ToFloat(w[(kd * a.kernel[1] + kh) * a.kernel[2] + kw]);
        }
      }
    }
    static_cast<T*>(a.y)[idx] = FromFloat<T>(ApplyEpilogue(a.epilogue, acc, 1.0f, 0, c, p));
  }
}

}  // namespace

int LaunchConv(const ConvArgs& a, const LaunchContext& context) {
  if (a.group < 1 || a.in_channels % a.group != 0 || a.out_channels % a.group != 0) return kUnsupportedArgs;
  const int64_t np = a.out_size[0] * a.out_size[1] * a.out_size[2];
  const int64_t mg = a.out_channels / a.group;
  if (a.batch == 0 || np == 0 || a.out_channels == 0) return 0;
  const bool depthwise = a.in_channels == a.group && a.out_channels == a.group;
  return DispatchFloatType(a.type, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (depthwise) {
      constexpr int kThreads = 256;
      return ToCode(Launch(LaunchMode::kIndependent, ConvDepthwiseKernel<T>,
                           Dim3(GridFor(a.batch * a.out_channels * np, kThreads)), Dim3(kThreads), StreamOf(context),
                           a));
    }
    const int64_t grid_y = (mg + kTileM - 1) / kTileM;
    if (grid_y > 65535) return kUnsupportedArgs;
    const Dim3 grid(GridFor(np, kTileN, int64_t{1} << 30), static_cast<unsigned>(grid_y),
                    GridFor(a.batch * a.group, 1, 65535));
    return ToCode(
        Launch(LaunchMode::kCooperative, ConvImplicitGemmKernel<T>, grid, Dim3(kGemmThreads), StreamOf(context), a));
  });
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS
