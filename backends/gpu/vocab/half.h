// 16-bit floating-point storage types for kernels: Half (IEEE binary16) and
// BHalf (bfloat16). Kernels load them into float, compute in float and
// round back on store (round to nearest even), so float16/bfloat16 tensors
// get float32 accumulation. Float works through the same Load/Store calls.
#ifndef BRAID_BACKENDS_GPU_VOCAB_HALF_H_
#define BRAID_BACKENDS_GPU_VOCAB_HALF_H_

#include "backends/gpu/vocab/gpu_kernel.h"

#if BRAID_GPU_TARGET_HIP
#include <hip/hip_fp16.h>
#elif BRAID_GPU_TARGET_CUDA
#include <cuda_fp16.h>
#else
#include "braid/float16.h"
#endif

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {

struct Half {
  uint16_t bits;
};
struct BHalf {
  uint16_t bits;
};

BRAID_DEVICE uint32_t FloatAsBits(float f) {
#if BRAID_GPU_TARGET_EMU
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
#else
  return __float_as_uint(f);
#endif
}
BRAID_DEVICE float BitsAsFloat(uint32_t u) {
#if BRAID_GPU_TARGET_EMU
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
#else
  return __uint_as_float(u);
#endif
}

BRAID_DEVICE float ToFloat(float v) { return v; }
BRAID_DEVICE float ToFloat(Half h) {
#if BRAID_GPU_TARGET_EMU
  return ::braid::Float16::ToFloat(h.bits);
#else
  return __half2float(__ushort_as_half(h.bits));
#endif
}
BRAID_DEVICE float ToFloat(BHalf b) { return BitsAsFloat(static_cast<uint32_t>(b.bits) << 16); }

template <typename T>
BRAID_DEVICE T FromFloat(float v);
template <>
BRAID_DEVICE float FromFloat<float>(float v) {
  return v;
}
template <>
BRAID_DEVICE Half FromFloat<Half>(float v) {
#if BRAID_GPU_TARGET_EMU
  return Half{::braid::Float16::FromFloat(v)};
#else
  return Half{__half_as_ushort(__float2half_rn(v))};
#endif
}
template <>
BRAID_DEVICE BHalf FromFloat<BHalf>(float v) {
  uint32_t x = FloatAsBits(v);
  if ((x & 0x7fffffffu) > 0x7f800000u) return BHalf{static_cast<uint16_t>((x >> 16) | 0x40u)};  // quiet NaN
  x += 0x7fffu + ((x >> 16) & 1u);                                                            // nearest even
  return BHalf{static_cast<uint16_t>(x >> 16)};
}

// Rounds a float to the nearest value representable in T.
template <typename T>
BRAID_DEVICE float RoundTo(float v) {
  return ToFloat(FromFloat<T>(v));
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS

#endif  // BRAID_BACKENDS_GPU_VOCAB_HALF_H_
