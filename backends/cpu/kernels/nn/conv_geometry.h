// Window geometry shared by Conv, ConvTranspose, pooling and the quantized
// convolutions: attribute parsing (auto_pad, kernel_shape, strides,
// dilations, pads, group), output sizes, and an N-D im2col.
#ifndef BRAID_BACKENDS_CPU_KERNELS_NN_CONV_GEOMETRY_H_
#define BRAID_BACKENDS_CPU_KERNELS_NN_CONV_GEOMETRY_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/cpu/kernel.h"

namespace braid::backends::cpu {

enum class AutoPad { kNotSet, kSameUpper, kSameLower, kValid };

// Window attributes as written on the node; empty vectors mean "default".
struct ConvAttrs {
  AutoPad auto_pad = AutoPad::kNotSet;
  std::vector<int64_t> kernel_shape;
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  std::vector<int64_t> pads;  // begins then ends
  int64_t group = 1;

  // Parses and validates the attributes (positive strides/dilations/group,
  // non-negative pads, known auto_pad).
  static absl::StatusOr<ConvAttrs> Parse(const KernelInit& init);
};

// Resolved geometry of one windowed op over `spatial` dimensions.
struct ConvGeometry {
  std::vector<int64_t> in, kernel, stride, dilation, pad_begin, pad_end, out;

  int spatial() const { return static_cast<int>(in.size()); }
  int64_t in_size() const;
  int64_t out_size() const;
  int64_t kernel_size() const;
};

// Geometry of Conv / pooling: `kernel` is the spatial kernel shape (from the
// weights or kernel_shape). With ceil_mode the output rounds up, dropping a
// last window that would start past the input and begin padding. Errors on
// rank mismatches and on windows larger than the padded input.
absl::StatusOr<ConvGeometry> MakeConvGeometry(const ConvAttrs& attrs, std::span<const int64_t> in_spatial,
                                              std::span<const int64_t> kernel, bool ceil_mode = false);

// Input coordinate tables: for dimension d, output index o and kernel index
// k, the input index read, or -1 when it falls into padding.
std::vector<std::vector<int64_t>> ConvInputTables(const ConvGeometry& g);

// im2col for one image and one group: writes `channels * kernel_size` rows of
// out_size() columns; row (c, k...) column o holds x[c][input(o, k)] or
// `pad_value` in padding. `x` points at the group's first channel.
template <typename T>
void Im2Col(const ConvGeometry& g, const std::vector<std::vector<int64_t>>& tables, const T* x, int64_t channels,
            T pad_value, T* col) {
  const int nd = g.spatial();
  const int64_t in_size = g.in_size(), out_size = g.out_size(), k_size = g.kernel_size();
  std::vector<int64_t> kidx(nd), oidx(nd), in_stride(nd);
  int64_t s = 1;
  for (int d = nd - 1; d >= 0; --d) {
    in_stride[d] = s;
    s *= g.in[d];
  }
  for (int64_t c = 0; c < channels; ++c) {
    const T* xc = x + c * in_size;
    for (int64_t kf = 0; kf < k_size; ++kf) {
      int64_t rem = kf;
      for (int d = nd - 1; d >= 0; --d) {
        kidx[d] = rem % g.kernel[d];
        rem /= g.kernel[d];
      }
      T* row = col + (c * k_size + kf) * out_size;
      if (nd == 2) {
        const int64_t* t0 = tables[0].data() + kidx[0] * g.out[0];
        const int64_t* t1 = tables[1].data() + kidx[1] * g.out[1];
        for (int64_t oh = 0; oh < g.out[0]; ++oh) {
          T* r = row + oh * g.out[1];
          int64_t ih = t0[oh];
          if (ih < 0) {
            for (int64_t ow = 0; ow < g.out[1]; ++ow) r[ow] = pad_value;
            continue;
          }
          const T* xr = xc + ih * g.in[1];
          for (int64_t ow = 0; ow < g.out[1]; ++ow) {
            int64_t iw = t1[ow];
            r[ow] = iw < 0 ? pad_value : xr[iw];
          }
        }
        continue;
      }
      std::fill(oidx.begin(), oidx.end(), 0);
      for (int64_t o = 0; o < out_size; ++o) {
        int64_t off = 0;
        bool inside = true;
        for (int d = 0; d < nd; ++d) {
          int64_t i = tables[d][kidx[d] * g.out[d] + oidx[d]];
          if (i < 0) {
            inside = false;
            break;
          }
          off += i * in_stride[d];
        }
        row[o] = inside ? xc[off] : pad_value;
        for (int d = nd - 1; d >= 0; --d) {
          if (++oidx[d] < g.out[d]) break;
          oidx[d] = 0;
        }
      }
    }
  }
}

// Naive row-major GEMM on any arithmetic accumulator type:
// C[m][n] (+)= sum_k A[m][k] * B[k][n] with A, B converted to Acc.
template <typename Acc, typename TA, typename TB>
void NaiveGemm(int64_t m, int64_t n, int64_t k, const TA* a, const TB* b, Acc* c, bool accumulate) {
  for (int64_t i = 0; i < m; ++i) {
    Acc* ci = c + i * n;
    if (!accumulate) {
      for (int64_t j = 0; j < n; ++j) ci[j] = Acc{0};
    }
    for (int64_t p = 0; p < k; ++p) {
      Acc av = static_cast<Acc>(a[i * k + p]);
      const TB* bp = b + p * n;
      for (int64_t j = 0; j < n; ++j) ci[j] += av * static_cast<Acc>(bp[j]);
    }
  }
}

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNELS_NN_CONV_GEOMETRY_H_
