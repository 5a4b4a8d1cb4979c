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

// Float to integer the way a saturating GPU conversion does: truncate
// toward zero, clamp to the range, NaN -> 0.
template <typename I>
BRAID_DEVICE I SaturateToInt(float v, float lo, float hi) {
  if (!(v == v)) return I(0);
  v = truncf(v);
  if (v <= lo) return static_cast<I>(lo);
  if (v >= hi) return static_cast<I>(hi);
  return static_cast<I>(v);
}

BRAID_DEVICE void StoreFromFloat(void* p, ElemType type, int64_t i, float v) {
  switch (type) {
    case ElemType::kF32: static_cast<float*>(p)[i] = v; return;
    case ElemType::kF16: static_cast<Half*>(p)[i] = FromFloat<Half>(v); return;
    case ElemType::kBF16: static_cast<BHalf*>(p)[i] = FromFloat<BHalf>(v); return;
    case ElemType::kF64: static_cast<double*>(p)[i] = v; return;
    case ElemType::kI64: {
      // 2^63 is exactly representable; anything at or above it saturates.
      int64_t r;
      if (!(v == v)) r = 0;
      else if (v >= 9.2233720368547758e18f) r = INT64_MAX;
      else if (v <= -9.2233720368547758e18f) r = INT64_MIN;
      else r = static_cast<int64_t>(truncf(v));
      static_cast<int64_t*>(p)[i] = r;
      return;
    }
    case ElemType::kI32: {
      int32_t r;
      if (!(v == v)) r = 0;
      else if (v >= 2147483648.0f) r = INT32_MAX;
      else if (v <= -2147483648.0f) r = INT32_MIN;
      else r = static_cast<int32_t>(truncf(v));
      static_cast<int32_t*>(p)[i] = r;
      return;
    }
    case ElemType::kU32: {
      uint32_t r;
      if (!(v == v) || v <= 0.0f) r = 0;
      else if (v >= 4294967296.0f) r = UINT32_MAX;
      else r = static_cast<uint32_t>(truncf(v));
      static_cast<uint32_t*>(p)[i] = r;
      return;
    }
    case ElemType::kI16: static_cast<int16_t*>(p)[i] = SaturateToInt<int16_t>(v, -32768.0f, 32767.0f); return;
    case ElemType::kU16: static_cast<uint16_t*>(p)[i] = SaturateToInt<uint16_t>(v, 0.0f, 65535.0f); return;
    case ElemType::kI8: static_cast<int8_t*>(p)[i] = SaturateToInt<int8_t>(v, -128.0f, 127.0f); return;
    case ElemType::kU8: static_cast<uint8_t*>(p)[i] = SaturateToInt<uint8_t>(v, 0.0f, 255.0f); return;
    case ElemType::kBool: static_cast<uint8_t*>(p)[i] = v != 0.0f ? 1 : 0; return;
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
