// Vectorized float32 math over arrays, for the hot element-wise and row
// kernels (activations, softmax, reductions). Each function is built for
// x86-64-v3 (AVX2+FMA) and for baseline x86-64; the loader picks one by the
// CPU's features.
//
// Accuracy against libm (measured by the unit tests): Exp, Tanh, Erf and
// Sigmoid stay within 1e-6 relative (a few ulp) over the whole float range;
// NaN propagates, +-Inf map to the mathematical limits. Summations use
// several partial accumulators, so their rounding differs from a strictly
// sequential loop.
//
// Thread-safe: pure functions. `x` and `y` may be the same array but must
// not otherwise overlap.
#ifndef BRAID_BACKENDS_CPU_KERNELS_MATH_FAST_MATH_H_
#define BRAID_BACKENDS_CPU_KERNELS_MATH_FAST_MATH_H_

#include <cstdint>

namespace braid::backends::cpu::fastmath {

void Exp(const float* x, float* y, int64_t n);
void Tanh(const float* x, float* y, int64_t n);
void Erf(const float* x, float* y, int64_t n);
void Sigmoid(const float* x, float* y, int64_t n);

// Largest element (NaN when any element is NaN); -Inf when n == 0.
float Max(const float* x, int64_t n);
// Smallest element (NaN when any element is NaN); +Inf when n == 0.
float Min(const float* x, int64_t n);
// Sum of the elements; 0 when n == 0.
float Sum(const float* x, int64_t n);
// Sum of x[i]^2 and of |x[i]|; 0 when n == 0.
float SumSquares(const float* x, int64_t n);
float SumAbs(const float* x, int64_t n);
// y[i] = exp(x[i] - shift); returns the sum of the y[i].
float ExpShiftSum(const float* x, float* y, int64_t n, float shift);
// Sum of exp(x[i] - shift), without storing the terms.
float ExpShiftSumOnly(const float* x, int64_t n, float shift);
// y[i] *= s.
void Scale(float* y, int64_t n, float s);
// y[i] = x[i] - s.
void SubtractScalar(const float* x, float* y, int64_t n, float s);

}  // namespace braid::backends::cpu::fastmath

#endif  // BRAID_BACKENDS_CPU_KERNELS_MATH_FAST_MATH_H_
