// Helpers shared by the kernel sources: typed loads/stores by ElemType,
// launch geometry, storage-type dispatch, activations, batch offsets.
// Included only by kernel sources (.cu) of every target.
#ifndef BRAID_BACKENDS_GPU_KERNELS_KERNEL_COMMON_H_
#define BRAID_BACKENDS_GPU_KERNELS_KERNEL_COMMON_H_

#include "backends/gpu/kernels/launchers.h"
#include "backends/gpu/vocab/gpu_kernel.h"
#include "backends/gpu/vocab/half.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {

// ---------------------------------------------------------------- host side

// Blocks for `work` items at `per_block` items per block, capped for
// grid-stride loops (kernels loop when the grid is smaller than the work).
inline unsigned GridFor(int64_t work, int64_t per_block, int64_t cap = 4096) {
  int64_t blocks = (work + per_block - 1) / per_block;
  if (blocks < 1) blocks = 1;
  if (blocks > cap) blocks = cap;
  return static_cast<unsigned>(blocks);
}

// Threads for a block that works on rows of n elements: whole warps on
// every device, more of them for longer rows.
inline int RowBlockThreads(int64_t n) {
  if (n <= kMaxWarpSize) return kMaxWarpSize;
  return n <= 8 * kMaxWarpSize ? 2 * kMaxWarpSize : 4 * kMaxWarpSize;
}

inline Stream StreamOf(const LaunchContext& context) { return static_cast<Stream>(context.stream); }

template <typename T>
struct TypeTag {
  using type = T;
};

// Calls fn(TypeTag<T>{}) for the float storage type named by `type`
// (float, Half, BHalf); kUnsupportedArgs for any other type.
template <typename Fn>
inline int DispatchFloatType(ElemType type, Fn&& fn) {
  switch (type) {
    case ElemType::kF32: return fn(TypeTag<float>{});
    case ElemType::kF16: return fn(TypeTag<Half>{});
    case ElemType::kBF16: return fn(TypeTag<BHalf>{});
    default: return kUnsupportedArgs;
  }
}

// Copies by element size: 1, 2, 4 or 8 bytes.
template <typename Fn>
inline int DispatchElemBytes(int bytes, Fn&& fn) {
  switch (bytes) {
    case 1: return fn(TypeTag<uint8_t>{});
    case 2: return fn(TypeTag<uint16_t>{});
    case 4: return fn(TypeTag<uint32_t>{});
    case 8: return fn(TypeTag<unsigned long long>{});
    default: return kUnsupportedArgs;
  }
}

inline int ToCode(Error e) { return static_cast<int>(e); }

// ---------------------------------------------------------------- device side

BRAID_DEVICE int64_t GlobalThreadId() { return static_cast<int64_t>(BlockX()) * BlockDimX() + ThreadX(); }
BRAID_DEVICE int64_t GlobalThreadCount() { return static_cast<int64_t>(GridDimX()) * BlockDimX(); }

// Element i of a buffer of `type`, converted to float.
BRAID_DEVICE float LoadAsFloat(const void* p, ElemType type, int64_t i) {
  switch (type) {
    case ElemType::kF32: return static_cast<const float*>(p)[i];
    case ElemType::kF16: return ToFloat(static_cast<const Half*>(p)[i]);
    case ElemType::kBF16: return ToFloat(static_cast<const BHalf*>(p)[i]);
    case ElemType::kF64: return static_cast<float>(static_cast<const double*>(p)[i]);
    case ElemType::kI64: return static_cast<float>(static_cast<const int64_t*>(p)[i]);
    case ElemType::kI32: return static_cast<float>(static_cast<const int32_t*>(p)[i]);
    case ElemType::kU32: return static_cast<float>(static_cast<const uint32_t*>(p)[i]);
    case ElemType::kI16: return static_cast<float>(static_cast<const int16_t*>(p)[i]);
    case ElemType::kU16: return static_cast<float>(static_cast<const uint16_t*>(p)[i]);
    case ElemType::kI8: return static_cast<float>(static_cast<const int8_t*>(p)[i]);
    case ElemType::kU8: return static_cast<float>(static_cast<const uint8_t*>(p)[i]);
    case ElemType::kBool: return static_cast<const uint8_t*>(p)[i] != 0 ? 1.0f : 0.0f;
  }
  return 0.0f;
}

// Float to integer with the CPU backend's (numpy on x86) semantics:
// truncate toward zero; NaN or out of int64 range gives INT64_MIN; types of
// 32 bits and less (but uint32) report int32 overflow as INT32_MIN and
// narrower types wrap from there.
BRAID_DEVICE int64_t FloatToInt64(float v) {
  // 9.2233720368547758e18f is exactly 2^63.
  return (v >= -9.2233720368547758e18f && v < 9.2233720368547758e18f) ? static_cast<int64_t>(v) : INT64_MIN;
}
BRAID_DEVICE int64_t FloatToNarrowInt(float v) {
  const int64_t i = FloatToInt64(v);
  return (i < INT32_MIN || i > INT32_MAX) ? static_cast<int64_t>(INT32_MIN) : i;
}

// bfloat16 by dropping the low mantissa bits (Cast before opset 19); NaN
// becomes the canonical quiet NaN. Kept out of line in emulator builds:
// g++ 12 at -O1 and above drops the masking when this is inlined into the
// elementwise kernel (clang and -O0 compile it correctly).
BRAID_DEVICE_OUTLINED float TruncateToBHalf(float v) {
  if (v != v) return ToFloat(BHalf{0x7fc0});
  return ToFloat(BHalf{static_cast<uint16_t>(FloatAsBits(v) >> 16)});
}

BRAID_DEVICE void StoreFromFloat(void* p, ElemType type, int64_t i, float v) {
  switch (type) {
    case ElemType::kF32: static_cast<float*>(p)[i] = v; return;
    case ElemType::kF16: static_cast<Half*>(p)[i] = FromFloat<Half>(v); return;
    case ElemType::kBF16: static_cast<BHalf*>(p)[i] = FromFloat<BHalf>(v); return;
    case ElemType::kF64: static_cast<double*>(p)[i] = v; return;
    case ElemType::kI64: static_cast<int64_t*>(p)[i] = FloatToInt64(v); return;
    case ElemType::kU32: static_cast<uint32_t*>(p)[i] = static_cast<uint32_t>(FloatToInt64(v)); return;
    case ElemType::kI32: static_cast<int32_t*>(p)[i] = static_cast<int32_t>(FloatToNarrowInt(v)); return;
    case ElemType::kI16: static_cast<int16_t*>(p)[i] = static_cast<int16_t>(FloatToNarrowInt(v)); return;
    case ElemType::kU16: static_cast<uint16_t*>(p)[i] = static_cast<uint16_t>(FloatToNarrowInt(v)); return;
    case ElemType::kI8: static_cast<int8_t*>(p)[i] = static_cast<int8_t>(FloatToNarrowInt(v)); return;
    case ElemType::kU8: static_cast<uint8_t*>(p)[i] = static_cast<uint8_t>(FloatToNarrowInt(v)); return;
    case ElemType::kBool: static_cast<uint8_t*>(p)[i] = v != 0.0f ? 1 : 0; return;
  }
}

// The value an integer store of `v` as `type` would hold, back in float.
BRAID_DEVICE float ConvertThroughInt(float v, ElemType type) {
  switch (type) {
    case ElemType::kI64: return static_cast<float>(FloatToInt64(v));
    case ElemType::kU32: return static_cast<float>(static_cast<uint32_t>(FloatToInt64(v)));
    case ElemType::kI32: return static_cast<float>(static_cast<int32_t>(FloatToNarrowInt(v)));
    case ElemType::kI16: return static_cast<float>(static_cast<int16_t>(FloatToNarrowInt(v)));
    case ElemType::kU16: return static_cast<float>(static_cast<uint16_t>(FloatToNarrowInt(v)));
    case ElemType::kI8: return static_cast<float>(static_cast<int8_t>(FloatToNarrowInt(v)));
    case ElemType::kU8: return static_cast<float>(static_cast<uint8_t>(FloatToNarrowInt(v)));
    default: return v;
  }
}

BRAID_DEVICE float Sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

BRAID_DEVICE float ApplyActivation(Activation act, float v, float alpha, float beta) {
  switch (act) {
    case Activation::kNone: return v;
    case Activation::kRelu: return v < 0.0f ? 0.0f : v;
    case Activation::kLeakyRelu: return v >= 0.0f ? v : alpha * v;
    case Activation::kSigmoid: return Sigmoid(v);
    case Activation::kTanh: return tanhf(v);
    case Activation::kClip: return v != v ? v : fminf(fmaxf(v, alpha), beta);
    case Activation::kHardSigmoid: return fmaxf(0.0f, fminf(1.0f, alpha * v + beta));
    case Activation::kGelu: return 0.5f * v * (1.0f + erff(v * 0.70710678118654752f));
  }
  return v;
}

// Offset of batch `index` given per-dim sizes and strides (row-major index).
BRAID_DEVICE int64_t BatchOffset(int64_t index, int rank, const int64_t* dims, const int64_t* strides) {
  int64_t offset = 0;
  for (int d = rank - 1; d >= 0; --d) {
    const int64_t c = index % dims[d];
    index /= dims[d];
    offset += c * strides[d];
  }
  return offset;
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS

#endif  // BRAID_BACKENDS_GPU_KERNELS_KERNEL_COMMON_H_
