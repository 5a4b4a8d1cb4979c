// Branch-free float32 approximations written so the compiler vectorizes the
// array loops: range reduction with integer bit tricks, polynomials in
// Horner form, selects instead of branches. Coefficients: exp from Cephes
// (expf); tanh for |x| < 0.625 from Cephes (tanhf); erf fitted as
// x * P(x^2) on |x| < 0.921875 and 1 - exp(Q(|x|)) up to 3.925 (beyond
// which erf(x) rounds to +-1 in float).
#include "backends/cpu/kernels/math/fast_math.h"

#include <bit>
#include <cstdint>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
// Selects between computed values may then be evaluated unconditionally
// (if-converted), which vectorization needs; the functions here never rely
// on floating-point exception flags.
#pragma GCC optimize("no-trapping-math", "fp-contract=fast")
#define BRAID_FAST_MATH_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define BRAID_FAST_MATH_CLONES
#endif
// The element functions must be inlined into each clone to vectorize there.
#define BRAID_INLINE inline __attribute__((always_inline))

namespace braid::backends::cpu::fastmath {
namespace {

// 8-float vectors (GCC vector extensions); the helpers below are always
// inlined, so the ABI note about passing them without AVX does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"
typedef float V8 __attribute__((vector_size(32)));
typedef int32_t I8 __attribute__((vector_size(32)));

BRAID_INLINE V8 Load(const float* p) {
  V8 v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}
BRAID_INLINE V8 Splat(float f) { return V8{f, f, f, f, f, f, f, f}; }
BRAID_INLINE float HorizontalSum(const V8& v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}
BRAID_INLINE float SumTail(const float* x, int64_t n) {
  float r = 0.0f;
  for (int64_t i = 0; i < n; ++i) r += x[i];
  return r;
}

BRAID_INLINE float ExpCore(float x) {
  constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693145751953125f;  // 15 significant bits: n * kLn2Hi is exact
  constexpr float kLn2Lo = 1.428606820309417e-06f;
  float xc = x < -104.0f ? -104.0f : x;
  xc = xc > 89.0f ? 89.0f : xc;
  float t = xc * kLog2e + kMagic;
  float n = t - kMagic;
  int32_t ni = __builtin_bit_cast(int32_t, t) - __builtin_bit_cast(int32_t, kMagic);
  float r = xc - n * kLn2Hi;
  r = r - n * kLn2Lo;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * r * r + r + 1.0f;
  // 2^n in two factors so that n in [-150, 128] stays representable.
  int32_t n1 = ni >> 1;
  int32_t n2 = ni - n1;
  float s1 = __builtin_bit_cast(float, static_cast<uint32_t>(n1 + 127) << 23);
  float s2 = __builtin_bit_cast(float, static_cast<uint32_t>(n2 + 127) << 23);
  float result = y * s1 * s2;
  return x != x ? x : result;
}

BRAID_INLINE float CopySignOfPositive(float magnitude, float sign_source) {
  return __builtin_bit_cast(float, __builtin_bit_cast(uint32_t, magnitude) | (__builtin_bit_cast(uint32_t, sign_source) & 0x80000000u));
}

BRAID_INLINE float AbsBits(float x) { return __builtin_bit_cast(float, __builtin_bit_cast(uint32_t, x) & 0x7fffffffu); }

BRAID_INLINE float TanhCore(float x) {
  float a = AbsBits(x);
  float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  float small = p * z * x + x;
  // tanh(x) rounds to +-1 in float from |x| = 9.01 on; clamping keeps exp finite.
  float e = ExpCore(2.0f * (a < 10.0f ? a : 10.0f));
  float big = CopySignOfPositive(1.0f - 2.0f / (e + 1.0f), x);
  float result = a < 0.625f ? small : big;
  result = x == 0.0f ? x : result;  // keeps the sign of zero
  return x != x ? x : result;
}

BRAID_INLINE float ErfCore(float x) {
  constexpr float kSplit = 0.921875f;
  float a = AbsBits(x);
  float s = x * x;
  float p = -5.986208562e-04f;
  p = p * s + 4.992180970e-03f;
  p = p * s - 2.676586062e-02f;
  p = p * s + 1.128179282e-01f;
  p = p * s - 3.761249185e-01f;
  p = p * s + 1.128379107e+00f;
  float small = x * p;
  float t = a < 3.925f ? a : 3.925f;
  float q = -1.568553125e-05f;
  q = q * t + 3.577172174e-04f;
  q = q * t - 3.718834603e-03f;
  q = q * t + 2.368652262e-02f;
  q = q * t - 1.056464389e-01f;
  q = q * t - 6.361526251e-01f;
  q = q * t - 1.127911091e+00f;
  q = q * t - 2.050146722e-04f;
  float big = CopySignOfPositive(1.0f - ExpCore(q), x);
  float result = a < kSplit ? small : big;
  return x != x ? x : result;
}

BRAID_INLINE float SigmoidCore(float x) { return 1.0f / (1.0f + ExpCore(-x)); }

}  // namespace

BRAID_FAST_MATH_CLONES void Exp(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = ExpCore(x[i]);
}

BRAID_FAST_MATH_CLONES void Tanh(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = TanhCore(x[i]);
}

BRAID_FAST_MATH_CLONES void Erf(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = ErfCore(x[i]);
}

BRAID_FAST_MATH_CLONES void Sigmoid(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = SigmoidCore(x[i]);
}

// Extreme element: two 8-lane accumulators plus a NaN mask, in vector
// extensions so that the loop is vectorized for both clones.
template <bool kMax>
BRAID_INLINE float Extreme(const float* x, int64_t n) {
  const float init = kMax ? -__builtin_inff() : __builtin_inff();
  V8 m0 = Splat(init), m1 = m0;
  I8 nan = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const V8 a = Load(x + i), b = Load(x + i + 8);
    if constexpr (kMax) {
      m0 = a > m0 ? a : m0;
      m1 = b > m1 ? b : m1;
    } else {
      m0 = a < m0 ? a : m0;
      m1 = b < m1 ? b : m1;
    }
    nan |= (a != a) | (b != b);
  }
  float r = init;
  bool any_nan = false;
  for (int j = 0; j < 8; ++j) {
    r = (kMax ? m0[j] > r : m0[j] < r) ? m0[j] : r;
    r = (kMax ? m1[j] > r : m1[j] < r) ? m1[j] : r;
    any_nan |= nan[j] != 0;
  }
  for (; i < n; ++i) {
    r = (kMax ? x[i] > r : x[i] < r) ? x[i] : r;
    any_nan |= x[i] != x[i];
  }
  return any_nan ? __builtin_nanf("") : r;
}

BRAID_FAST_MATH_CLONES float Max(const float* x, int64_t n) { return Extreme<true>(x, n); }

BRAID_FAST_MATH_CLONES float Min(const float* x, int64_t n) { return Extreme<false>(x, n); }

BRAID_FAST_MATH_CLONES float SumSquares(const float* x, int64_t n) {
  V8 s0 = {}, s1 = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const V8 a = Load(x + i), b = Load(x + i + 8);
    s0 += a * a;
    s1 += b * b;
  }
  float r = HorizontalSum(s0 + s1);
  for (; i < n; ++i) r += x[i] * x[i];
  return r;
}

BRAID_FAST_MATH_CLONES float SumAbs(const float* x, int64_t n) {
  const I8 mask = {0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff};
  V8 s0 = {}, s1 = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 += reinterpret_cast<V8>(reinterpret_cast<I8>(Load(x + i)) & mask);
    s1 += reinterpret_cast<V8>(reinterpret_cast<I8>(Load(x + i + 8)) & mask);
  }
  float r = HorizontalSum(s0 + s1);
  for (; i < n; ++i) r += AbsBits(x[i]);
  return r;
}

BRAID_FAST_MATH_CLONES float Sum(const float* x, int64_t n) {
  V8 s0 = {}, s1 = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 += Load(x + i);
    s1 += Load(x + i + 8);
  }
  return HorizontalSum(s0 + s1) + SumTail(x + i, n - i);
}

BRAID_FAST_MATH_CLONES float ExpShiftSum(const float* x, float* y, int64_t n, float shift) {
  for (int64_t i = 0; i < n; ++i) y[i] = ExpCore(x[i] - shift);
  V8 s0 = {}, s1 = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 += Load(y + i);
    s1 += Load(y + i + 8);
  }
  return HorizontalSum(s0 + s1) + SumTail(y + i, n - i);
}

float ExpShiftSumOnly(const float* x, int64_t n, float shift) {
  constexpr int64_t kBlock = 512;
  alignas(64) float buf[kBlock];
  float total = 0.0f;
  for (int64_t i = 0; i < n; i += kBlock) {
    int64_t m = n - i < kBlock ? n - i : kBlock;
    total += ExpShiftSum(x + i, buf, m, shift);
  }
  return total;
}

BRAID_FAST_MATH_CLONES void Scale(float* y, int64_t n, float s) {
  for (int64_t i = 0; i < n; ++i) y[i] *= s;
}

BRAID_FAST_MATH_CLONES void SubtractScalar(const float* x, float* y, int64_t n, float s) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] - s;
}

}  // namespace braid::backends::cpu::fastmath
