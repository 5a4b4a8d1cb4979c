// IEEE half (Float16) and bfloat16 (BFloat16) storage types for host code.
// Arithmetic happens in float: convert, compute, convert back (round to
// nearest even). Both are trivially copyable 16-bit values.
#ifndef BRAID_FLOAT16_H_
#define BRAID_FLOAT16_H_

#include <cstdint>
#include <cstring>

namespace braid {

namespace float16_internal {
inline uint32_t FloatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}
inline float BitsFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}
}  // namespace float16_internal

struct Float16 {
  uint16_t bits = 0;

  Float16() = default;
  explicit Float16(float f) : bits(FromFloat(f)) {}
  static Float16 FromBits(uint16_t b) {
    Float16 h;
    h.bits = b;
    return h;
  }
  explicit operator float() const { return ToFloat(bits); }

  static uint16_t FromFloat(float f) {
    using namespace float16_internal;
    uint32_t x = FloatBits(f);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t abs = x & 0x7fffffffu;
    if (abs >= 0x7f800000u) {  // Inf or NaN (keep NaN quiet)
      return static_cast<uint16_t>(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0u));
    }
    if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow
    if (abs < 0x38800000u) {  // subnormal or zero in half
      // Add 0.5 (as a float) so the FPU rounds to the half subnormal grid.
      float v = BitsFloat(abs) + 0.5f;
      return static_cast<uint16_t>(sign | (FloatBits(v) - 0x3f000000u));
    }
    uint32_t mant_odd = (abs >> 13) & 1u;
    abs += 0xc8000fffu + mant_odd;  // rebias exponent, round to nearest even
    return static_cast<uint16_t>(sign | (abs >> 13));
  }
  static float ToFloat(uint16_t h) {
    using namespace float16_internal;
    uint32_t sign = (static_cast<uint32_t>(h) & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    if (exp == 0x1f) return BitsFloat(sign | 0x7f800000u | (mant << 13));
    if (exp == 0) {
      if (mant == 0) return BitsFloat(sign);
      float v = static_cast<float>(mant) * (1.0f / 16777216.0f);  // mant * 2^-24
      return sign ? -v : v;
    }
    return BitsFloat(sign | ((exp + 112u) << 23) | (mant << 13));
  }
};

struct BFloat16 {
  uint16_t bits = 0;

  BFloat16() = default;
  explicit BFloat16(float f) : bits(FromFloat(f)) {}
  static BFloat16 FromBits(uint16_t b) {
    BFloat16 h;
    h.bits = b;
    return h;
  }
  explicit operator float() const { return ToFloat(bits); }

  static uint16_t FromFloat(float f) {
    uint32_t x = float16_internal::FloatBits(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((x >> 16) | 0x40u);
    x += 0x7fffu + ((x >> 16) & 1u);  // round to nearest even
    return static_cast<uint16_t>(x >> 16);
  }
  static float ToFloat(uint16_t b) {
    return float16_internal::BitsFloat(static_cast<uint32_t>(b) << 16);
  }
};

inline bool operator==(Float16 a, Float16 b) { return float(a) == float(b); }
inline bool operator==(BFloat16 a, BFloat16 b) { return float(a) == float(b); }

}  // namespace braid

#endif  // BRAID_FLOAT16_H_
