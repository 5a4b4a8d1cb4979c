// References for data-movement ops and Resize.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "tests/backends/gpu/reference_ops.h"

namespace braid::backends::gpu::testing {

Ref TransposeRef(const Ref& x, const std::vector<int64_t>& perm) {
  Shape out(perm.size());
  for (size_t d = 0; d < perm.size(); ++d) out[d] = x.shape[perm[d]];
  Ref y = MakeRef(out);
  const std::vector<int64_t> xs = Strides(x.shape);
  for (int64_t i = 0; i < y.size(); ++i) {
    const std::vector<int64_t> c = Unravel(i, out);
    int64_t off = 0;
    for (size_t d = 0; d < perm.size(); ++d) off += c[d] * xs[perm[d]];
    y.v[i] = x.v[off];
  }
  return y;
}

Ref SliceRef(const Ref& x, const std::vector<int64_t>& starts, const std::vector<int64_t>& ends,
             const std::vector<int64_t>& axes, const std::vector<int64_t>& steps) {
  const int64_t rank = static_cast<int64_t>(x.shape.size());
  std::vector<std::vector<int64_t>> picks(rank);
  for (int64_t d = 0; d < rank; ++d) {
    picks[d].resize(x.shape[d]);
    std::iota(picks[d].begin(), picks[d].end(), 0);
  }
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t a = axes.empty() ? static_cast<int64_t>(i) : axes[i];
    if (a < 0) a += rank;
    const int64_t dim = x.shape[a], step = steps.empty() ? 1 : steps[i];
    int64_t s = starts[i] < 0 ? starts[i] + dim : starts[i];
    int64_t e = ends[i] < 0 ? ends[i] + dim : ends[i];
    picks[a].clear();
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      for (int64_t k = s; k < e; k += step) picks[a].push_back(k);
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      for (int64_t k = s; k > e; k += step) picks[a].push_back(k);
    }
  }
  Shape out(rank);
  for (int64_t d = 0; d < rank; ++d) out[d] = static_cast<int64_t>(picks[d].size());
  Ref y = MakeRef(out);
  const std::vector<int64_t> xs = Strides(x.shape);
  for (int64_t i = 0; i < y.size(); ++i) {
    const std::vector<int64_t> c = Unravel(i, out);
    int64_t off = 0;
    for (int64_t d = 0; d < rank; ++d) off += picks[d][c[d]] * xs[d];
    y.v[i] = x.v[off];
  }
  return y;
}

Ref ConcatRef(const std::vector<Ref>& xs, int64_t axis) {
  const int64_t rank = static_cast<int64_t>(xs[0].shape.size());
  if (axis < 0) axis += rank;
  Shape out = xs[0].shape;
  out[axis] = 0;
  for (const Ref& x : xs) out[axis] += x.shape[axis];
  Ref y = MakeRef(out);
  for (int64_t i = 0; i < y.size(); ++i) {
    std::vector<int64_t> c = Unravel(i, out);
    size_t k = 0;
    while (c[axis] >= xs[k].shape[axis]) c[axis] -= xs[k++].shape[axis];
    const std::vector<int64_t> st = Strides(xs[k].shape);
    int64_t off = 0;
    for (int64_t d = 0; d < rank; ++d) off += c[d] * st[d];
    y.v[i] = xs[k].v[off];
  }
  return y;
}

Ref PadRef(const Ref& x, const std::vector<int64_t>& pads, const std::string& mode, double value) {
  const int64_t rank = static_cast<int64_t>(x.shape.size());
  Shape out(rank);
  for (int64_t d = 0; d < rank; ++d) out[d] = x.shape[d] + pads[d] + pads[d + rank];
  Ref y = MakeRef(out);
  const std::vector<int64_t> xs = Strides(x.shape);
  for (int64_t i = 0; i < y.size(); ++i) {
    const std::vector<int64_t> c = Unravel(i, out);
    int64_t off = 0;
    bool inside = true;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t s = c[d] - pads[d];
      const int64_t n = x.shape[d];
      if (s < 0 || s >= n) {
        if (mode == "constant") {
          inside = false;
          break;
        }
        if (mode == "edge") s = std::clamp<int64_t>(s, 0, n - 1);
        if (mode == "wrap") s = ((s % n) + n) % n;
        if (mode == "reflect") {
          while (s < 0 || s >= n) s = s < 0 ? -s : 2 * (n - 1) - s;
        }
      }
      off += s * xs[d];
    }
    y.v[i] = inside ? x.v[off] : value;
  }
  return y;
}

Ref GatherRef(const Ref& x, const Ref& indices, int64_t axis) {
  const int64_t rank = static_cast<int64_t>(x.shape.size());
  if (axis < 0) axis += rank;
  Shape out(x.shape.begin(), x.shape.begin() + axis);
  out.insert(out.end(), indices.shape.begin(), indices.shape.end());
  out.insert(out.end(), x.shape.begin() + axis + 1, x.shape.end());
  Ref y = MakeRef(out);
  const std::vector<int64_t> xs = Strides(x.shape);
  const size_t ir = indices.shape.size();
  for (int64_t i = 0; i < y.size(); ++i) {
    const std::vector<int64_t> c = Unravel(i, out);
    int64_t flat = 0;
    for (size_t k = 0; k < ir; ++k) flat = flat * indices.shape[k] + c[axis + k];
    int64_t idx = static_cast<int64_t>(indices.v[flat]);
    if (idx < 0) idx += x.shape[axis];
    int64_t off = idx * xs[axis];
    for (int64_t d = 0; d < axis; ++d) off += c[d] * xs[d];
    for (int64_t d = axis + 1; d < rank; ++d) off += c[d - 1 + ir] * xs[d];
    y.v[i] = x.v[off];
  }
  return y;
}

Ref ExpandRef(const Ref& x, const Shape& shape) {
  Ref s = MakeRef(shape);
  return Broadcast({&x, &s}, [](const std::vector<double>& v) { return v[0]; });
}

Ref TileRef(const Ref& x, const std::vector<int64_t>& repeats) {
  Shape out = x.shape;
  for (size_t d = 0; d < out.size(); ++d) out[d] *= repeats[d];
  Ref y = MakeRef(out);
  const std::vector<int64_t> xs = Strides(x.shape);
  for (int64_t i = 0; i < y.size(); ++i) {
    const std::vector<int64_t> c = Unravel(i, out);
    int64_t off = 0;
    for (size_t d = 0; d < out.size(); ++d) off += (c[d] % x.shape[d]) * xs[d];
    y.v[i] = x.v[off];
  }
  return y;
}

namespace {

double OriginalCoordinate(double x, double scale, int64_t in_len, int64_t out_len, const std::string& coord) {
  if (coord == "align_corners") return out_len == 1 ? 0.0 : x * (in_len - 1) / static_cast<double>(out_len - 1);
  if (coord == "asymmetric") return x / scale;
  if (coord == "tf_half_pixel_for_nearest") return (x + 0.5) / scale;
  if (coord == "pytorch_half_pixel") return out_len > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
  if (coord == "half_pixel_symmetric") {
    const double adjustment = out_len / (scale * in_len);
    const double offset = in_len / 2.0 * (1 - adjustment);
    return offset + (x + 0.5) / scale - 0.5;
  }
  return (x + 0.5) / scale - 0.5;  // half_pixel
}

// ONNX's neighbour rule: the n indices of the edge-padded data closest to
// x (ties to the smaller index), returned unpadded.
std::vector<int64_t> Neighbours(double x, int n, int64_t len) {
  const int64_t pad = (n + 1) / 2;
  const double xp = x + pad;
  std::vector<int64_t> idx(len + 2 * pad);
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [xp](int64_t a, int64_t b) {
    const double da = std::fabs(xp - a), db = std::fabs(xp - b);
    return da != db ? da < db : a < b;
  });
  idx.resize(n);
  std::sort(idx.begin(), idx.end());
  for (int64_t& i : idx) i -= pad;
  return idx;
}

double Interpolate1D(const std::vector<double>& data, double scale, int64_t out_len, int64_t x,
                     const std::string& mode, const std::string& coord, const std::string& nearest,
                     double cubic_a, bool exclude_outside) {
  const int64_t len = static_cast<int64_t>(data.size());
  const double xo = OriginalCoordinate(static_cast<double>(x), scale, len, out_len, coord);
  const double ratio = xo == std::floor(xo) ? 1.0 : xo - std::floor(xo);
  std::vector<double> coeffs;
  if (mode == "nearest") {
    if (ratio == 1.0) coeffs = {0, 1};
    else if (nearest == "round_prefer_ceil") coeffs = {ratio < 0.5 ? 1.0 : 0.0, ratio >= 0.5 ? 1.0 : 0.0};
    else if (nearest == "floor") coeffs = {1, 0};
    else if (nearest == "ceil") coeffs = {0, 1};
    else coeffs = {ratio <= 0.5 ? 1.0 : 0.0, ratio > 0.5 ? 1.0 : 0.0};
  } else if (mode == "linear") {
    coeffs = {1 - ratio, ratio};
  } else {
    const double A = cubic_a, r = ratio, s = 1 - ratio;
    coeffs = {((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A,
              ((A + 2) * r - (A + 3)) * r * r + 1,
              ((A + 2) * s - (A + 3)) * s * s + 1,
              ((A * (s + 1) - 5 * A) * (s + 1) + 8 * A) * (s + 1) - 4 * A};
  }
  const std::vector<int64_t> idx = Neighbours(xo, static_cast<int>(coeffs.size()), len);
  if (exclude_outside) {
    double sum = 0;
    for (size_t k = 0; k < idx.size(); ++k) {
      if (idx[k] < 0 || idx[k] >= len) coeffs[k] = 0;
      sum += coeffs[k];
    }
    for (double& c : coeffs) c = sum != 0 ? c / sum : 0;
  }
  double r = 0;
  for (size_t k = 0; k < idx.size(); ++k) r += coeffs[k] * data[std::clamp<int64_t>(idx[k], 0, len - 1)];
  return r;
}

}  // namespace

Ref ResizeRef(const Ref& x, const Shape& out_shape, const std::vector<double>& scales, const std::string& mode,
              const std::string& coord, const std::string& nearest_mode, double cubic_a, bool exclude_outside) {
  Ref cur = x;
  for (size_t d = 0; d < out_shape.size(); ++d) {
    if (cur.shape[d] == out_shape[d] && scales[d] == 1.0) continue;
    Shape next_shape = cur.shape;
    next_shape[d] = out_shape[d];
    Ref next = MakeRef(next_shape);
    const std::vector<int64_t> cs = Strides(cur.shape);
    for (int64_t i = 0; i < next.size(); ++i) {
      std::vector<int64_t> c = Unravel(i, next_shape);
      std::vector<double> line(cur.shape[d]);
      for (int64_t k = 0; k < cur.shape[d]; ++k) {
        int64_t off = 0;
        for (size_t e = 0; e < c.size(); ++e) off += (e == d ? k : c[e]) * cs[e];
        line[k] = cur.v[off];
      }
      next.v[i] = Interpolate1D(line, scales[d], out_shape[d], c[d], mode, coord, nearest_mode, cubic_a,
                                exclude_outside);
    }
    cur = std::move(next);
  }
  return cur;
}

}  // namespace braid::backends::gpu::testing
