#include "backends/cpu/kernels/tensor/strided_copy.h"

#include <algorithm>
#include <string>
#include <vector>

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

// A permutation where dim `j` is contiguous in the source and the last dim
// is contiguous in the destination: a batch of 2-D transposes, each done in
// square tiles so both sides touch whole cache lines.
template <typename T>
void CopyTiled(const KernelContext& ctx, T* dst, const T* src, const Collapsed& c, int j) {
  constexpr int64_t kTile = sizeof(T) == 1 ? 32 : 16;
  const int r = static_cast<int>(c.dims.size());
  const int64_t rows = c.dims[j];       // source-contiguous extent
  const int64_t cols = c.dims[r - 1];   // destination-contiguous extent
  const int64_t src_col_stride = c.strides[r - 1];
  std::vector<int64_t> dst_strides = ContiguousStrides(c.dims);
  const int64_t dst_row_stride = dst_strides[j];
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
  const int64_t strips = (rows + kTile - 1) / kTile;
  const int nb = static_cast<int>(odims.size());
  ctx.ParallelFor(batches * strips, static_cast<double>(kTile * cols) * 1.5, [&](int64_t begin, int64_t end) {
    for (int64_t item = begin; item < end; ++item) {
      int64_t batch = item / strips;
      int64_t a0 = (item % strips) * kTile;
      int64_t a1 = std::min(rows, a0 + kTile);
      int64_t so = 0, dso = 0;
      for (int k = nb - 1; k >= 0; --k) {
        int64_t i = batch % odims[k];
        batch /= odims[k];
        so += i * osrc[k];
        dso += i * odst[k];
      }
      const T* s = src + so;
      T* d = dst + dso;
      for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
        const int64_t c1 = std::min(cols, c0 + kTile);
        for (int64_t a = a0; a < a1; ++a) {
          T* drow = d + a * dst_row_stride;
          const T* scol = s + a;
          for (int64_t cc = c0; cc < c1; ++cc) drow[cc] = scol[cc * src_col_stride];
        }
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
