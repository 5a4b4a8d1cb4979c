#include "backends/cpu/kernels/tensor/strided_copy.h"

#include <algorithm>
#include <string>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

#include "backends/cpu/kernels/tensor/tensor_util.h"

namespace braid::backends::cpu {
namespace {

// A view after dropping unit dims and merging dims that are contiguous with
// their inner neighbour (including runs of broadcast dims).
struct Collapsed {
  std::vector<int64_t> dims;
  std::vector<int64_t> strides;
  bool empty = false;
};

Collapsed Collapse(const Shape& shape, std::span<const int64_t> strides) {
  Collapsed c;
  for (size_t k = shape.size(); k-- > 0;) {
    if (shape[k] == 0) {
      c.empty = true;
      return c;
    }
    if (shape[k] == 1) continue;
    if (!c.dims.empty() && strides[k] == c.strides.back() * c.dims.back()) {
      c.dims.back() *= shape[k];  // the merged dim keeps the inner stride
      continue;
    }
    c.dims.push_back(shape[k]);
    c.strides.push_back(strides[k]);
  }
  std::reverse(c.dims.begin(), c.dims.end());
  std::reverse(c.strides.begin(), c.strides.end());
  return c;
}

// Rows of `inner` elements: the general path.
template <typename T>
void CopyRows(const KernelContext& ctx, T* dst, const T* src, const Collapsed& c) {
  const int r = static_cast<int>(c.dims.size());
  const int64_t inner = c.dims[r - 1];
  const int64_t is = c.strides[r - 1];
  const int nd = r - 1;
  int64_t rows = 1;
  for (int k = 0; k < nd; ++k) rows *= c.dims[k];
  const int64_t* md = c.dims.data();
  const int64_t* ms = c.strides.data();
  ctx.ParallelFor(rows, static_cast<double>(inner) + 4.0, [&](int64_t begin, int64_t end) {
    std::vector<int64_t> idx(nd);
    int64_t off = 0;
    int64_t rem = begin;
    for (int k = nd - 1; k >= 0; --k) {
      idx[k] = rem % md[k];
      rem /= md[k];
      off += idx[k] * ms[k];
    }
    T* d = dst + begin * inner;
    for (int64_t row = begin; row < end; ++row, d += inner) {
      const T* s = src + off;
      if (is == 1) {
        CopyRun(d, s, inner);
      } else if (is == 0) {
        FillRun(d, *s, inner);
      } else {
        for (int64_t i = 0; i < inner; ++i) d[i] = s[i * is];
      }
      for (int k = nd - 1; k >= 0; --k) {
        off += ms[k];
        if (++idx[k] < md[k]) break;
        off -= ms[k] * md[k];
        idx[k] = 0;
      }
    }
  });
}

// Micro-kernels: d[a * da + c] = s[a + c * sc] for a, c < kMicro<T>, with
// SIMD register transposes where the element size allows (SSE2 is part of
// x86-64, so no run-time dispatch is needed).
template <typename T>
constexpr int kMicro = 4;
#if defined(__SSE2__)
template <>
constexpr int kMicro<uint16_t> = 8;
template <>
constexpr int kMicro<uint64_t> = 2;
#endif

template <typename T>
inline void MicroTranspose(T* d, const T* s, int64_t sc, int64_t da) {
  constexpr int B = kMicro<T>;
  T t[B][B];
  for (int c = 0; c < B; ++c) {
    for (int a = 0; a < B; ++a) t[c][a] = s[a + c * sc];
  }
  for (int a = 0; a < B; ++a) {
    for (int c = 0; c < B; ++c) d[a * da + c] = t[c][a];
  }
}

#if defined(__SSE2__)
template <>
inline void MicroTranspose<uint32_t>(uint32_t* d, const uint32_t* s, int64_t sc, int64_t da) {
  // Bit patterns move through float shuffles unchanged.
  __m128 r0 = _mm_loadu_ps(reinterpret_cast<const float*>(s));
  __m128 r1 = _mm_loadu_ps(reinterpret_cast<const float*>(s + sc));
  __m128 r2 = _mm_loadu_ps(reinterpret_cast<const float*>(s + 2 * sc));
  __m128 r3 = _mm_loadu_ps(reinterpret_cast<const float*>(s + 3 * sc));
  _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
  _mm_storeu_ps(reinterpret_cast<float*>(d), r0);
  _mm_storeu_ps(reinterpret_cast<float*>(d + da), r1);
  _mm_storeu_ps(reinterpret_cast<float*>(d + 2 * da), r2);
  _mm_storeu_ps(reinterpret_cast<float*>(d + 3 * da), r3);
}

template <>
inline void MicroTranspose<uint16_t>(uint16_t* d, const uint16_t* s, int64_t sc, int64_t da) {
  __m128i r[8];
  for (int c = 0; c < 8; ++c) r[c] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + c * sc));
  __m128i a0 = _mm_unpacklo_epi16(r[0], r[1]), a1 = _mm_unpackhi_epi16(r[0], r[1]);
  __m128i a2 = _mm_unpacklo_epi16(r[2], r[3]), a3 = _mm_unpackhi_epi16(r[2], r[3]);
  __m128i a4 = _mm_unpacklo_epi16(r[4], r[5]), a5 = _mm_unpackhi_epi16(r[4], r[5]);
  __m128i a6 = _mm_unpacklo_epi16(r[6], r[7]), a7 = _mm_unpackhi_epi16(r[6], r[7]);
  __m128i b0 = _mm_unpacklo_epi32(a0, a2), b1 = _mm_unpackhi_epi32(a0, a2);
  __m128i b2 = _mm_unpacklo_epi32(a1, a3), b3 = _mm_unpackhi_epi32(a1, a3);
  __m128i b4 = _mm_unpacklo_epi32(a4, a6), b5 = _mm_unpackhi_epi32(a4, a6);
  __m128i b6 = _mm_unpacklo_epi32(a5, a7), b7 = _mm_unpackhi_epi32(a5, a7);
  __m128i out[8] = {_mm_unpacklo_epi64(b0, b4), _mm_unpackhi_epi64(b0, b4), _mm_unpacklo_epi64(b1, b5),
                    _mm_unpackhi_epi64(b1, b5), _mm_unpacklo_epi64(b2, b6), _mm_unpackhi_epi64(b2, b6),
                    _mm_unpacklo_epi64(b3, b7), _mm_unpackhi_epi64(b3, b7)};
  for (int a = 0; a < 8; ++a) _mm_storeu_si128(reinterpret_cast<__m128i*>(d + a * da), out[a]);
}

template <>
inline void MicroTranspose<uint64_t>(uint64_t* d, const uint64_t* s, int64_t sc, int64_t da) {
  __m128i r0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
  __m128i r1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + sc));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(d), _mm_unpacklo_epi64(r0, r1));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(d + da), _mm_unpackhi_epi64(r0, r1));
}
#endif

// d[a * da + c] = s[a + c * sc] for a < na, c < nc: whole micro blocks
// (a outer, c inner), then the ragged edges one element at a time.
template <typename T>
void TransposeBlock(T* d, const T* s, int64_t na, int64_t nc, int64_t sc, int64_t da) {
  constexpr int B = kMicro<T>;
  const int64_t a_full = na - na % B, c_full = nc - nc % B;
  for (int64_t a = 0; a < a_full; a += B) {
    for (int64_t c = 0; c < c_full; c += B) MicroTranspose<T>(d + a * da + c, s + a + c * sc, sc, da);
    for (int64_t aa = a; aa < a + B; ++aa) {
      for (int64_t c = c_full; c < nc; ++c) d[aa * da + c] = s[aa + c * sc];
    }
  }
  for (int64_t a = a_full; a < na; ++a) {
    for (int64_t c = 0; c < nc; ++c) d[a * da + c] = s[a + c * sc];
  }
}

// A permutation where dim `j` is contiguous in the source and the last dim
// is contiguous in the destination: a batch of 2-D transposes, each done in
// tiles of micro-block transposes so both sides touch whole cache lines.
// Strides that are multiples of 4 KiB map a tile's lines onto few cache
// sets, so those get smaller tiles.
template <typename T>
void CopyTiled(const KernelContext& ctx, T* dst, const T* src, const Collapsed& c, int j) {
  const int r = static_cast<int>(c.dims.size());
  const int64_t rows = c.dims[j];       // source-contiguous extent (a)
  const int64_t cols = c.dims[r - 1];   // destination-contiguous extent (c)
  const int64_t src_col_stride = c.strides[r - 1];
  std::vector<int64_t> dst_strides = ContiguousStrides(c.dims);
  const int64_t dst_row_stride = dst_strides[j];
  const bool aliasing = (src_col_stride * static_cast<int64_t>(sizeof(T))) % 4096 == 0 ||
                        (dst_row_stride * static_cast<int64_t>(sizeof(T))) % 4096 == 0;
  const int64_t tile = aliasing ? 16 : 64;
  // The other dims, iterated as a batch.
  std::vector<int64_t> odims, osrc, odst;
  for (int k = 0; k < r - 1; ++k) {
    if (k == j) continue;
    odims.push_back(c.dims[k]);
    osrc.push_back(c.strides[k]);
    odst.push_back(dst_strides[k]);
  }
  int64_t batches = 1;
  for (int64_t d : odims) batches *= d;
  const int64_t strips = (rows + tile - 1) / tile;
  const int nb = static_cast<int>(odims.size());
  ctx.ParallelFor(batches * strips, static_cast<double>(tile * cols), [&](int64_t begin, int64_t end) {
    for (int64_t item = begin; item < end; ++item) {
      int64_t batch = item / strips;
      const int64_t a0 = (item % strips) * tile;
      const int64_t na = std::min(rows, a0 + tile) - a0;
      int64_t so = 0, dso = 0;
      for (int k = nb - 1; k >= 0; --k) {
        const int64_t i = batch % odims[k];
        batch /= odims[k];
        so += i * osrc[k];
        dso += i * odst[k];
      }
      const T* s = src + so + a0;
      T* d = dst + dso + a0 * dst_row_stride;
      for (int64_t c0 = 0; c0 < cols; c0 += tile) {
        TransposeBlock<T>(d + c0, s + c0 * src_col_stride, na, std::min(tile, cols - c0), src_col_stride,
                          dst_row_stride);
      }
    }
  });
}

template <typename T>
void StridedCopyT(const KernelContext& ctx, T* dst, const Shape& shape, const T* src,
                  std::span<const int64_t> strides) {
  Collapsed c = Collapse(shape, strides);
  if (c.empty) return;
  const int r = static_cast<int>(c.dims.size());
  if (r == 0) {
    *dst = *src;
    return;
  }
  const int64_t inner = c.dims[r - 1];
  const int64_t is = c.strides[r - 1];
  if (is != 1 && is != 0 && r >= 2 && inner >= 4) {
    for (int k = 0; k < r - 1; ++k) {
      if (c.strides[k] == 1 && c.dims[k] >= 4) {
        CopyTiled(ctx, dst, src, c, k);
        return;
      }
    }
  }
  CopyRows(ctx, dst, src, c);
}

}  // namespace

absl::Status StridedCopy(const KernelContext& ctx, DataType dtype, void* dst, const Shape& shape, const void* src,
                         std::span<const int64_t> strides) {
  if (strides.size() != shape.size()) {
    return ctx.Error(absl::StrCat("internal: ", strides.size(), " strides for rank ", shape.size()));
  }
  return DispatchByStorage(dtype, [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    StridedCopyT<T>(ctx, static_cast<T*>(dst), shape, static_cast<const T*>(src), strides);
    return absl::OkStatus();
  });
}

}  // namespace braid::backends::cpu
