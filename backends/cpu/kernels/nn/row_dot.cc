#include "backends/cpu/kernels/nn/row_dot.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=fast")
#define BRAID_ROW_DOT_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define BRAID_ROW_DOT_CLONES
#endif
#define BRAID_INLINE inline __attribute__((always_inline))

namespace braid::backends::cpu {
namespace {

// 8-float vectors (GCC vector extensions); the helpers are always inlined,
// so the ABI note about passing them without AVX does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"
typedef float V8 __attribute__((vector_size(32)));

BRAID_INLINE V8 Load(const float* p) {
  V8 v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}
BRAID_INLINE float HorizontalSum(const V8& v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

}  // namespace

// Four rows at a time share each load of x; two accumulators per row hide
// the FMA latency. Rows are streamed once, so the loop runs at the speed of
// the cache level that holds w.
BRAID_ROW_DOT_CLONES
void RowDotProducts(const float* w, int64_t k, const float* x, float* y, int64_t row_begin, int64_t row_end) {
  const int64_t k16 = k / 16 * 16, k8 = k / 8 * 8;
  int64_t j = row_begin;
  for (; j + 4 <= row_end; j += 4) {
    const float* r0 = w + j * k;
    const float* r1 = r0 + k;
    const float* r2 = r1 + k;
    const float* r3 = r2 + k;
    V8 a0{}, a1{}, a2{}, a3{}, b0{}, b1{}, b2{}, b3{};
    int64_t i = 0;
    for (; i < k16; i += 16) {
      const V8 x0 = Load(x + i), x1 = Load(x + i + 8);
      a0 += Load(r0 + i) * x0;
      a1 += Load(r1 + i) * x0;
      a2 += Load(r2 + i) * x0;
      a3 += Load(r3 + i) * x0;
      b0 += Load(r0 + i + 8) * x1;
      b1 += Load(r1 + i + 8) * x1;
      b2 += Load(r2 + i + 8) * x1;
      b3 += Load(r3 + i + 8) * x1;
    }
    for (; i < k8; i += 8) {
      const V8 x0 = Load(x + i);
      a0 += Load(r0 + i) * x0;
      a1 += Load(r1 + i) * x0;
      a2 += Load(r2 + i) * x0;
      a3 += Load(r3 + i) * x0;
    }
    float s0 = HorizontalSum(a0 + b0), s1 = HorizontalSum(a1 + b1);
    float s2 = HorizontalSum(a2 + b2), s3 = HorizontalSum(a3 + b3);
    for (; i < k; ++i) {
      s0 += r0[i] * x[i];
      s1 += r1[i] * x[i];
      s2 += r2[i] * x[i];
      s3 += r3[i] * x[i];
    }
    y[j] = s0;
    y[j + 1] = s1;
    y[j + 2] = s2;
    y[j + 3] = s3;
  }
  for (; j < row_end; ++j) {
    const float* r = w + j * k;
    V8 a{};
    int64_t i = 0;
    for (; i < k8; i += 8) a += Load(r + i) * Load(x + i);
    float s = HorizontalSum(a);
    for (; i < k; ++i) s += r[i] * x[i];
    y[j] = s;
  }
}

}  // namespace braid::backends::cpu
