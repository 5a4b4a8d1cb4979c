// Matrix-vector products against a row-major weight matrix, for the
// recurrent step of RNN/GRU/LSTM at small batch sizes, where a general GEMM
// spends more time deciding than multiplying: y[j] = dot(w[j, :], x) for
// rows j in [row_begin, row_end) of w ([rows, k], row stride k).
//
// Built for x86-64-v3 (AVX2+FMA) and for baseline x86-64; the loader picks
// one by the CPU's features. Sums use several partial accumulators, so their
// rounding differs from a strictly sequential loop. Thread-safe: disjoint
// row ranges may be computed concurrently. `y` must not overlap `w` or `x`.
#ifndef BRAID_BACKENDS_CPU_KERNELS_NN_ROW_DOT_H_
#define BRAID_BACKENDS_CPU_KERNELS_NN_ROW_DOT_H_

#include <cstdint>

namespace braid::backends::cpu {

void RowDotProducts(const float* w, int64_t k, const float* x, float* y, int64_t row_begin, int64_t row_end);

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNELS_NN_ROW_DOT_H_
