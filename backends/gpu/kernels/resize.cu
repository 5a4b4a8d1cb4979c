// Resize (ONNX opset 11+ semantics): nearest, n-linear and cubic
// interpolation with the standard coordinate transformations; neighbours
// past the edge repeat the edge element.
#include "backends/gpu/kernels/kernel_common.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {
namespace {

BRAID_DEVICE float SourceCoordinate(const ResizeArgs& a, int d, int64_t x) {
  const float scale = a.scales[d];
  const float in = static_cast<float>(a.in_dims[d]);
  const float out = static_cast<float>(a.out_dims[d]);
  const float xf = static_cast<float>(x);
  switch (a.coord) {
    case ResizeCoord::kHalfPixel: return (xf + 0.5f) / scale - 0.5f;
    case ResizeCoord::kHalfPixelSymmetric: {
      const float adjustment = out / (scale * in);
      const float offset = in * 0.5f * (1.0f - adjustment);
      return offset + (xf + 0.5f) / scale - 0.5f;
    }
    case ResizeCoord::kPytorchHalfPixel: return a.out_dims[d] > 1 ? (xf + 0.5f) / scale - 0.5f : 0.0f;
    case ResizeCoord::kAlignCorners: return a.out_dims[d] == 1 ? 0.0f : xf * (in - 1.0f) / (out - 1.0f);
    case ResizeCoord::kAsymmetric: return xf / scale;
    case ResizeCoord::kTfHalfPixelForNearest: return (xf + 0.5f) / scale;
  }
  return xf;
}

BRAID_DEVICE int64_t Clamp(int64_t i, int64_t n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }

BRAID_DEVICE int64_t NearestIndex(const ResizeArgs& a, float x) {
  const float f = floorf(x);
  const float r = x - f;
  int64_t i = static_cast<int64_t>(f);
  if (r != 0.0f) {
    bool up = false;
    switch (a.nearest) {
      case ResizeNearest::kRoundPreferFloor: up = r > 0.5f; break;
      case ResizeNearest::kRoundPreferCeil: up = r >= 0.5f; break;
      case ResizeNearest::kFloor: up = false; break;
      case ResizeNearest::kCeil: up = true; break;
    }
    if (up) ++i;
  }
  return i;
}

BRAID_DEVICE void CubicCoefficients(float r, float A, float* c) {
  const float s = 1.0f - r;
  c[0] = ((A * (r + 1.0f) - 5.0f * A) * (r + 1.0f) + 8.0f * A) * (r + 1.0f) - 4.0f * A;
  c[1] = ((A + 2.0f) * r - (A + 3.0f)) * r * r + 1.0f;
  c[2] = ((A + 2.0f) * s - (A + 3.0f)) * s * s + 1.0f;
  c[3] = ((A * (s + 1.0f) - 5.0f * A) * (s + 1.0f) + 8.0f * A) * (s + 1.0f) - 4.0f * A;
}

template <typename T>
BRAID_KERNEL void ResizeKernel(BRAID_PARAM(ResizeArgs) a) {
  const T* src = static_cast<const T*>(a.src);
  T* dst = static_cast<T*>(a.dst);
  const int taps = a.mode == ResizeMode::kLinear ? 2 : 4;
  for (int64_t idx = GlobalThreadId(); idx < a.count; idx += GlobalThreadCount()) {
    int64_t coord[kMaxRank];
    int64_t rem = idx;
    for (int d = a.rank - 1; d >= 0; --d) {
      coord[d] = rem % a.out_dims[d];
      rem /= a.out_dims[d];
    }
    if (a.mode == ResizeMode::kNearest) {
      int64_t offset = 0;
      for (int d = 0; d < a.rank; ++d) {
        int64_t i = coord[d];
        if (a.scales[d] != 1.0f || a.in_dims[d] != a.out_dims[d]) {
          i = Clamp(NearestIndex(a, SourceCoordinate(a, d, coord[d])), a.in_dims[d]);
        }
        offset = offset * a.in_dims[d] + i;
      }
      dst[idx] = src[offset];
      continue;
    }
    // Interpolated dims: base index and per-tap weights (at most 3 dims).
    int dims[3];
    int64_t base[3];
    float weight[3][4];
    int n = 0;
    int64_t fixed_offset_coord[kMaxRank];
    for (int d = 0; d < a.rank; ++d) {
      fixed_offset_coord[d] = coord[d];
      if (a.scales[d] == 1.0f && a.in_dims[d] == a.out_dims[d]) continue;
      const float x = SourceCoordinate(a, d, coord[d]);
      const float f = floorf(x);
      const float r = x - f;
      dims[n] = d;
      if (a.mode == ResizeMode::kLinear) {
        base[n] = static_cast<int64_t>(f);
        weight[n][0] = 1.0f - r;
        weight[n][1] = r;
      } else {
        base[n] = static_cast<int64_t>(f) - 1;
        CubicCoefficients(r, a.cubic_coeff_a, weight[n]);
        if (a.exclude_outside) {
          float sum = 0.0f;
          for (int t = 0; t < 4; ++t) {
            const int64_t i = base[n] + t;
            if (i < 0 || i >= a.in_dims[d]) weight[n][t] = 0.0f;
            sum += weight[n][t];
          }
          for (int t = 0; t < 4; ++t) weight[n][t] = sum != 0.0f ? weight[n][t] / sum : 0.0f;
        }
      }
      ++n;
    }
    int combos = 1;
    for (int k = 0; k < n; ++k) combos *= taps;
    float acc = 0.0f;
    for (int combo = 0; combo < combos; ++combo) {
      int rest = combo;
      float w = 1.0f;
      for (int k = 0; k < n; ++k) {
        const int t = rest % taps;
        rest /= taps;
        w *= weight[k][t];
        fixed_offset_coord[dims[k]] = Clamp(base[k] + t, a.in_dims[dims[k]]);
      }
      if (w == 0.0f) continue;
      int64_t offset = 0;
      for (int d = 0; d < a.rank; ++d) offset = offset * a.in_dims[d] + fixed_offset_coord[d];
      acc += w * ToFloat(src[offset]);
    }
    dst[idx] = FromFloat<T>(acc);
  }
}

}  // namespace

int LaunchResize(const ResizeArgs& a, const LaunchContext& context) {
  if (a.count == 0) return 0;
  if (a.rank < 1 || a.rank > kMaxRank) return kUnsupportedArgs;
  int interpolated = 0;
  for (int d = 0; d < a.rank; ++d) {
    if (a.in_dims[d] <= 0) return kUnsupportedArgs;
    if (a.scales[d] != 1.0f || a.in_dims[d] != a.out_dims[d]) ++interpolated;
  }
  if ((a.mode == ResizeMode::kLinear && interpolated > 3) || (a.mode == ResizeMode::kCubic && interpolated > 2)) {
    return kUnsupportedArgs;
  }
  constexpr int kThreads = 256;
  const Dim3 grid(GridFor(a.count, kThreads));
  return DispatchFloatType(a.type, [&](auto tag) {
    using T = typename decltype(tag)::type;
    return ToCode(Launch(LaunchMode::kIndependent, ResizeKernel<T>, grid, Dim3(kThreads), StreamOf(context), a));
  });
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS
