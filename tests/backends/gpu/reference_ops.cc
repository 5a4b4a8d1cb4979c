#include "tests/backends/gpu/reference_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "braid/float16.h"

namespace braid::backends::gpu::testing {

Ref MakeRef(Shape shape, double fill) {
  Ref r;
  r.v.assign(ShapeElementCount(shape).value(), fill);
  r.shape = std::move(shape);
  return r;
}

Ref ToRef(const Tensor& t) {
  Ref r = MakeRef(t.shape());
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    double x = 0;
    switch (t.dtype()) {
      case DataType::kFloat32: x = t.data<float>()[i]; break;
      case DataType::kFloat64: x = t.data<double>()[i]; break;
      case DataType::kFloat16: x = static_cast<float>(t.data<Float16>()[i]); break;
      case DataType::kBFloat16: x = static_cast<float>(t.data<BFloat16>()[i]); break;
      case DataType::kInt64: x = static_cast<double>(t.data<int64_t>()[i]); break;
      case DataType::kInt32: x = t.data<int32_t>()[i]; break;
      case DataType::kUInt32: x = t.data<uint32_t>()[i]; break;
      case DataType::kInt16: x = t.data<int16_t>()[i]; break;
      case DataType::kUInt16: x = t.data<uint16_t>()[i]; break;
      case DataType::kInt8: x = t.data<int8_t>()[i]; break;
      case DataType::kUInt8: x = t.data<uint8_t>()[i]; break;
      case DataType::kBool: x = t.data<bool>()[i] ? 1 : 0; break;
      default: break;
    }
    r.v[i] = x;
  }
  return r;
}

namespace {
// numpy-on-x86 float -> integer: truncation; NaN or out of int64 range is
// INT64_MIN; 32-bit and narrower types (but uint32) report int32 overflow as
// INT32_MIN and wrap from there.
int64_t ToInt64(double x) {
  return (x >= -9223372036854775808.0 && x < 9223372036854775808.0) ? static_cast<int64_t>(x)
                                                                   : std::numeric_limits<int64_t>::min();
}
template <typename I>
I FloatToInt(double x) {
  int64_t i = ToInt64(x);
  if (sizeof(I) <= 4 && !std::is_same_v<I, uint32_t> &&
      (i < std::numeric_limits<int32_t>::min() || i > std::numeric_limits<int32_t>::max())) {
    i = std::numeric_limits<int32_t>::min();
  }
  return static_cast<I>(i);
}
}  // namespace

Tensor FromRef(const Ref& r, DataType dtype) {
  Tensor t = Tensor::Create(dtype, r.shape).value();
  for (int64_t i = 0; i < r.size(); ++i) {
    const double x = r.v[i];
    switch (dtype) {
      case DataType::kFloat32: t.data<float>()[i] = static_cast<float>(x); break;
      case DataType::kFloat64: t.data<double>()[i] = x; break;
      case DataType::kFloat16: t.data<Float16>()[i] = Float16(static_cast<float>(x)); break;
      case DataType::kBFloat16: t.data<BFloat16>()[i] = BFloat16(static_cast<float>(x)); break;
      case DataType::kInt64: t.data<int64_t>()[i] = FloatToInt<int64_t>(x); break;
      case DataType::kInt32: t.data<int32_t>()[i] = FloatToInt<int32_t>(x); break;
      case DataType::kUInt32: t.data<uint32_t>()[i] = FloatToInt<uint32_t>(x); break;
      case DataType::kInt16: t.data<int16_t>()[i] = FloatToInt<int16_t>(x); break;
      case DataType::kUInt16: t.data<uint16_t>()[i] = FloatToInt<uint16_t>(x); break;
      case DataType::kInt8: t.data<int8_t>()[i] = FloatToInt<int8_t>(x); break;
      case DataType::kUInt8: t.data<uint8_t>()[i] = FloatToInt<uint8_t>(x); break;
      case DataType::kBool: t.data<bool>()[i] = x != 0; break;
      default: break;
    }
  }
  return t;
}

std::vector<int64_t> Strides(const Shape& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

std::vector<int64_t> Unravel(int64_t index, const Shape& shape) {
  std::vector<int64_t> c(shape.size());
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    c[d] = index % shape[d];
    index /= shape[d];
  }
  return c;
}

Ref Broadcast(const std::vector<const Ref*>& inputs, const std::function<double(const std::vector<double>&)>& fn) {
  size_t rank = 0;
  for (const Ref* r : inputs) rank = std::max(rank, r->shape.size());
  Shape out(rank, 1);
  for (const Ref* r : inputs) {
    for (size_t i = 0; i < r->shape.size(); ++i) {
      const int64_t d = r->shape[i];
      int64_t& o = out[rank - r->shape.size() + i];
      if (d != 1) o = d;
    }
  }
  Ref y = MakeRef(out);
  std::vector<double> args(inputs.size());
  for (int64_t i = 0; i < y.size(); ++i) {
    const std::vector<int64_t> c = Unravel(i, out);
    for (size_t k = 0; k < inputs.size(); ++k) {
      const Ref& r = *inputs[k];
      int64_t off = 0;
      const std::vector<int64_t> st = Strides(r.shape);
      for (size_t d = 0; d < r.shape.size(); ++d) {
        const int64_t cd = r.shape[d] == 1 ? 0 : c[rank - r.shape.size() + d];
        off += cd * st[d];
      }
      args[k] = r.v[off];
    }
    y.v[i] = fn(args);
  }
  return y;
}

Ref Map(const Ref& x, const std::function<double(double)>& fn) {
  Ref y = x;
  for (double& v : y.v) v = fn(v);
  return y;
}

Ref MatMulRef(const Ref& a0, const Ref& b0) {
  Ref a = a0, b = b0;
  const bool va = a.shape.size() == 1, vb = b.shape.size() == 1;
  if (va) a.shape.insert(a.shape.begin(), 1);
  if (vb) b.shape.push_back(1);
  const int64_t m = a.shape[a.shape.size() - 2], k = a.shape.back(), n = b.shape.back();
  Ref ab{Shape(a.shape.begin(), a.shape.end() - 2), {}}, bb{Shape(b.shape.begin(), b.shape.end() - 2), {}};
  ab.v.assign(ShapeElementCount(ab.shape).value(), 0);
  bb.v.assign(ShapeElementCount(bb.shape).value(), 0);
  for (int64_t i = 0; i < ab.size(); ++i) ab.v[i] = static_cast<double>(i);
  for (int64_t i = 0; i < bb.size(); ++i) bb.v[i] = static_cast<double>(i);
  // Batch index maps via broadcasting the batch ids.
  Ref ia = Broadcast({&ab, &bb}, [](const std::vector<double>& x) { return x[0]; });
  Ref ib = Broadcast({&ab, &bb}, [](const std::vector<double>& x) { return x[1]; });
  Shape out = ia.shape;
  if (!va) out.push_back(m);
  if (!vb) out.push_back(n);
  Ref y = MakeRef(out);
  for (int64_t bi = 0; bi < ia.size(); ++bi) {
    const int64_t oa = static_cast<int64_t>(ia.v[bi]) * m * k, ob = static_cast<int64_t>(ib.v[bi]) * k * n;
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        double s = 0;
        for (int64_t p = 0; p < k; ++p) s += a.v[oa + i * k + p] * b.v[ob + p * n + j];
        y.v[(bi * m + i) * n + j] = s;
      }
    }
  }
  return y;
}

Ref GemmRef(const Ref& a, const Ref& b, const Ref* c, double alpha, double beta, bool ta, bool tb) {
  const int64_t m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1];
  const int64_t n = tb ? b.shape[0] : b.shape[1];
  Ref y = MakeRef({m, n});
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t p = 0; p < k; ++p) {
        s += (ta ? a.v[p * m + i] : a.v[i * k + p]) * (tb ? b.v[j * k + p] : b.v[p * n + j]);
      }
      y.v[i * n + j] = alpha * s;
    }
  }
  if (c != nullptr) {
    Ref full = Broadcast({&y, c}, [beta](const std::vector<double>& x) { return x[0] + beta * x[1]; });
    return full;
  }
  return y;
}

namespace {
// Input/output spatial sizes padded to 3 dims.
struct Geo {
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, d[3] = {1, 1, 1},
          pb[3] = {0, 0, 0}, pe[3] = {0, 0, 0};
};
Geo MakeGeo(const Shape& xs, const std::vector<int64_t>& kernel, const std::vector<int64_t>& strides,
            const std::vector<int64_t>& pads, const std::vector<int64_t>& dil, bool ceil_mode) {
  Geo g;
  const size_t n = kernel.size(), off = 3 - n;
  for (size_t i = 0; i < n; ++i) {
    g.in[off + i] = xs[2 + i];
    g.k[off + i] = kernel[i];
    g.s[off + i] = strides.empty() ? 1 : strides[i];
    g.d[off + i] = dil.empty() ? 1 : dil[i];
    g.pb[off + i] = pads.empty() ? 0 : pads[i];
    g.pe[off + i] = pads.empty() ? 0 : pads[i + n];
    const int64_t span = (g.k[off + i] - 1) * g.d[off + i] + 1;
    const double frac = static_cast<double>(g.in[off + i] + g.pb[off + i] + g.pe[off + i] - span) / g.s[off + i];
    int64_t out = static_cast<int64_t>(ceil_mode ? std::ceil(frac) : std::floor(frac)) + 1;
    if (ceil_mode && (out - 1) * g.s[off + i] >= g.in[off + i] + g.pb[off + i]) --out;
    g.out[off + i] = out;
  }
  return g;
}
}  // namespace

Ref ConvRef(const Ref& x, const Ref& w, const Ref* bias, const std::vector<int64_t>& strides,
            const std::vector<int64_t>& pads, const std::vector<int64_t>& dilations, int64_t group) {
  const std::vector<int64_t> kernel(w.shape.begin() + 2, w.shape.end());
  const Geo g = MakeGeo(x.shape, kernel, strides, pads, dilations, false);
  const int64_t n = x.shape[0], c = x.shape[1], m = w.shape[0], cg = c / group, mg = m / group;
  Shape out{n, m};
  for (size_t i = 0; i < kernel.size(); ++i) out.push_back(g.out[3 - kernel.size() + i]);
  Ref y = MakeRef(out);
  int64_t idx = 0;
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t oc = 0; oc < m; ++oc) {
      const int64_t grp = oc / mg;
      for (int64_t od = 0; od < g.out[0]; ++od) {
        for (int64_t oh = 0; oh < g.out[1]; ++oh) {
          for (int64_t ow = 0; ow < g.out[2]; ++ow) {
            double s = bias != nullptr ? bias->v[oc] : 0.0;
            for (int64_t ic = 0; ic < cg; ++ic) {
              for (int64_t kd = 0; kd < g.k[0]; ++kd) {
                for (int64_t kh = 0; kh < g.k[1]; ++kh) {
                  for (int64_t kw = 0; kw < g.k[2]; ++kw) {
                    const int64_t id = od * g.s[0] - g.pb[0] + kd * g.d[0];
                    const int64_t ih = oh * g.s[1] - g.pb[1] + kh * g.d[1];
                    const int64_t iw = ow * g.s[2] - g.pb[2] + kw * g.d[2];
                    if (id < 0 || id >= g.in[0] || ih < 0 || ih >= g.in[1] || iw < 0 || iw >= g.in[2]) continue;
                    const double xv =
                        x.v[(((b * c + grp * cg + ic) * g.in[0] + id) * g.in[1] + ih) * g.in[2] + iw];
                    const double wv = w.v[(((oc * cg + ic) * g.k[0] + kd) * g.k[1] + kh) * g.k[2] + kw];
                    s += xv * wv;
                  }
                }
              }
            }
            y.v[idx++] = s;
          }
        }
      }
    }
  }
  return y;
}

Ref PoolRef(const Ref& x, const std::vector<int64_t>& kernel, const std::vector<int64_t>& strides,
            const std::vector<int64_t>& pads, const std::vector<int64_t>& dilations, bool is_max,
            bool count_include_pad, bool ceil_mode) {
  const Geo g = MakeGeo(x.shape, kernel, strides, pads, dilations, ceil_mode);
  Shape out{x.shape[0], x.shape[1]};
  for (size_t i = 0; i < kernel.size(); ++i) out.push_back(g.out[3 - kernel.size() + i]);
  Ref y = MakeRef(out);
  int64_t idx = 0;
  for (int64_t nc = 0; nc < x.shape[0] * x.shape[1]; ++nc) {
    for (int64_t od = 0; od < g.out[0]; ++od) {
      for (int64_t oh = 0; oh < g.out[1]; ++oh) {
        for (int64_t ow = 0; ow < g.out[2]; ++ow) {
          double best = -INFINITY, sum = 0;
          int64_t count = 0, padded = 0;
          for (int64_t kd = 0; kd < g.k[0]; ++kd) {
            for (int64_t kh = 0; kh < g.k[1]; ++kh) {
              for (int64_t kw = 0; kw < g.k[2]; ++kw) {
                const int64_t id = od * g.s[0] - g.pb[0] + kd * g.d[0];
                const int64_t ih = oh * g.s[1] - g.pb[1] + kh * g.d[1];
                const int64_t iw = ow * g.s[2] - g.pb[2] + kw * g.d[2];
                if (id < g.in[0] + g.pe[0] && ih < g.in[1] + g.pe[1] && iw < g.in[2] + g.pe[2]) ++padded;
                if (id < 0 || id >= g.in[0] || ih < 0 || ih >= g.in[1] || iw < 0 || iw >= g.in[2]) continue;
                const double v = x.v[((nc * g.in[0] + id) * g.in[1] + ih) * g.in[2] + iw];
                best = std::max(best, v);
                sum += v;
                ++count;
              }
            }
          }
          y.v[idx++] = is_max ? best : sum / static_cast<double>(count_include_pad ? padded : count);
        }
      }
    }
  }
  return y;
}

Ref ReduceRef(const Ref& x, std::vector<int64_t> axes, bool keepdims, const std::string& op) {
  const int64_t rank = static_cast<int64_t>(x.shape.size());
  if (axes.empty()) {
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  }
  for (int64_t& a : axes) a = a < 0 ? a + rank : a;
  Shape out, kept;
  for (int64_t d = 0; d < rank; ++d) {
    const bool red = std::find(axes.begin(), axes.end(), d) != axes.end();
    if (!red) out.push_back(x.shape[d]);
    else if (keepdims) out.push_back(1);
    kept.push_back(red ? 1 : x.shape[d]);
  }
  const bool is_max = op == "max", is_min = op == "min", is_prod = op == "prod";
  Ref acc = MakeRef(kept, is_max ? -INFINITY : (is_min ? INFINITY : (is_prod ? 1.0 : 0.0)));
  Ref mx = MakeRef(kept, -INFINITY);
  std::vector<int64_t> counts(acc.v.size(), 0);
  const std::vector<int64_t> ks = Strides(kept);
  auto target = [&](int64_t i) {
    const std::vector<int64_t> c = Unravel(i, x.shape);
    int64_t off = 0;
    for (int64_t d = 0; d < rank; ++d) off += (kept[d] == 1 ? 0 : c[d]) * ks[d];
    return off;
  };
  for (int64_t i = 0; i < x.size(); ++i) mx.v[target(i)] = std::max(mx.v[target(i)], x.v[i]);
  for (int64_t i = 0; i < x.size(); ++i) {
    const int64_t t = target(i);
    const double v = x.v[i];
    ++counts[t];
    if (is_max) acc.v[t] = std::max(acc.v[t], v);
    else if (is_min) acc.v[t] = std::min(acc.v[t], v);
    else if (is_prod) acc.v[t] *= v;
    else if (op == "l1") acc.v[t] += std::fabs(v);
    else if (op == "l2" || op == "sumsquare") acc.v[t] += v * v;
    else if (op == "logsumexp") acc.v[t] += std::exp(v - mx.v[t]);
    else acc.v[t] += v;
  }
  for (size_t t = 0; t < acc.v.size(); ++t) {
    if (op == "mean") acc.v[t] /= static_cast<double>(counts[t]);
    if (op == "l2") acc.v[t] = std::sqrt(acc.v[t]);
    if (op == "logsum") acc.v[t] = std::log(acc.v[t]);
    if (op == "logsumexp") acc.v[t] = mx.v[t] + std::log(acc.v[t]);
  }
  acc.shape = out;
  return acc;
}

Ref ArgRef(const Ref& x, int64_t axis, bool keepdims, bool is_max, bool select_last) {
  const int64_t rank = static_cast<int64_t>(x.shape.size());
  if (axis < 0) axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= x.shape[d];
  for (int64_t d = axis + 1; d < rank; ++d) inner *= x.shape[d];
  const int64_t n = x.shape[axis];
  Shape out;
  for (int64_t d = 0; d < rank; ++d) {
    if (d != axis) out.push_back(x.shape[d]);
    else if (keepdims) out.push_back(1);
  }
  Ref y = MakeRef(out);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < inner; ++j) {
      int64_t best = 0;
      for (int64_t i = 1; i < n; ++i) {
        const double v = x.v[(o * n + i) * inner + j], b = x.v[(o * n + best) * inner + j];
        const bool better = is_max ? v > b : v < b;
        if (better || (v == b && select_last)) best = i;
      }
      y.v[o * inner + j] = static_cast<double>(best);
    }
  }
  return y;
}

Ref SoftmaxRef(const Ref& x, int64_t axis, bool log) {
  const int64_t rank = static_cast<int64_t>(x.shape.size());
  if (axis < 0) axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= x.shape[d];
  for (int64_t d = axis + 1; d < rank; ++d) inner *= x.shape[d];
  const int64_t n = x.shape[axis];
  Ref y = x;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < inner; ++j) {
      double m = -INFINITY, s = 0;
      for (int64_t i = 0; i < n; ++i) m = std::max(m, x.v[(o * n + i) * inner + j]);
      for (int64_t i = 0; i < n; ++i) s += std::exp(x.v[(o * n + i) * inner + j] - m);
      for (int64_t i = 0; i < n; ++i) {
        const double d = x.v[(o * n + i) * inner + j] - m;
        y.v[(o * n + i) * inner + j] = log ? d - std::log(s) : std::exp(d) / s;
      }
    }
  }
  return y;
}

Ref LayerNormRef(const Ref& x, const Ref& scale, const Ref* bias, int64_t axis, double eps, Ref* mean,
                 Ref* inv_std) {
  const int64_t rank = static_cast<int64_t>(x.shape.size());
  if (axis < 0) axis += rank;
  int64_t rows = 1, n = 1;
  for (int64_t d = 0; d < axis; ++d) rows *= x.shape[d];
  for (int64_t d = axis; d < rank; ++d) n *= x.shape[d];
  Shape stat(x.shape.begin(), x.shape.begin() + axis);
  stat.resize(rank, 1);
  Ref y = x;
  if (mean != nullptr) *mean = MakeRef(stat);
  if (inv_std != nullptr) *inv_std = MakeRef(stat);
  for (int64_t r = 0; r < rows; ++r) {
    double mu = 0, var = 0;
    for (int64_t i = 0; i < n; ++i) mu += x.v[r * n + i];
    mu /= n;
    for (int64_t i = 0; i < n; ++i) var += (x.v[r * n + i] - mu) * (x.v[r * n + i] - mu);
    var /= n;
    const double inv = 1.0 / std::sqrt(var + eps);
    for (int64_t i = 0; i < n; ++i) {
      y.v[r * n + i] = (x.v[r * n + i] - mu) * inv * scale.v[i] + (bias != nullptr ? bias->v[i] : 0.0);
    }
    if (mean != nullptr) mean->v[r] = mu;
    if (inv_std != nullptr) inv_std->v[r] = inv;
  }
  return y;
}

}  // namespace braid::backends::gpu::testing
