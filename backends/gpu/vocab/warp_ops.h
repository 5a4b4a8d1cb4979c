// Warp- and block-level reductions built on the vocabulary's shuffles. They
// use the device's warp size (64 or 32) at every step; nothing assumes a
// particular width.
#ifndef BRAID_BACKENDS_GPU_VOCAB_WARP_OPS_H_
#define BRAID_BACKENDS_GPU_VOCAB_WARP_OPS_H_

#include "backends/gpu/vocab/gpu_kernel.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {

struct SumOp {
  BRAID_DEVICE float operator()(float a, float b) const { return a + b; }
};
struct MaxOp {
  BRAID_DEVICE float operator()(float a, float b) const { return fmaxf(a, b); }
};
struct MinOp {
  BRAID_DEVICE float operator()(float a, float b) const { return fminf(a, b); }
};
struct ProdOp {
  BRAID_DEVICE float operator()(float a, float b) const { return a * b; }
};

// Butterfly reduction over the warp: every lane receives the result.
template <typename Op>
BRAID_DEVICE float WarpAllReduce(float v, Op op) {
  for (int offset = WarpSize() / 2; offset > 0; offset /= 2) v = op(v, ShflXor(v, offset));
  return v;
}

// Shared scratch for the block reductions below: one slot per warp plus
// one for the result.
inline constexpr int kBlockReduceScratch = kMaxWarpsPerBlock + 1;

// Reduction over the whole block; every thread receives the result.
// Preconditions: called by all threads of the block, block size a multiple
// of the warp size; `scratch` is a shared array of kBlockReduceScratch
// floats. Contains barriers; may be called again right away with the same
// scratch (the result slot is only rewritten after the next call's first
// barrier, which every reader of this result has passed).
template <typename Op>
BRAID_DEVICE float BlockAllReduce(float v, Op op, float identity, float* scratch) {
  v = WarpAllReduce(v, op);
  const int warps = BlockThreads() / WarpSize();
  if (LaneId() == 0) scratch[WarpId()] = v;
  SyncThreads();
  if (WarpId() == 0) {
    float r = LaneId() < warps ? scratch[LaneId()] : identity;
    r = WarpAllReduce(r, op);
    if (LaneId() == 0) scratch[kMaxWarpsPerBlock] = r;
  }
  SyncThreads();
  return scratch[kMaxWarpsPerBlock];
}

// Value/index pair for ArgMax/ArgMin. Ties keep the smaller index, or the
// larger one when `prefer_last`.
struct ArgPair {
  float value;
  int64_t index;
};
BRAID_DEVICE bool ArgBetter(ArgPair a, ArgPair b, bool is_max, bool prefer_last) {
  if (b.index < 0) return a.index >= 0;
  if (a.index < 0) return false;
  if (a.value != b.value) return is_max ? a.value > b.value : a.value < b.value;
  return prefer_last ? a.index > b.index : a.index < b.index;
}
BRAID_DEVICE ArgPair WarpAllReduceArg(ArgPair p, bool is_max, bool prefer_last) {
  for (int offset = WarpSize() / 2; offset > 0; offset /= 2) {
    ArgPair o;
    o.value = ShflXor(p.value, offset);
    o.index = static_cast<int64_t>(ShflXor(static_cast<long long>(p.index), offset));
    if (ArgBetter(o, p, is_max, prefer_last)) p = o;
  }
  return p;
}
// Block-wide version; `values`/`indices` are shared arrays of
// kBlockReduceScratch elements (same reuse rule as BlockAllReduce).
BRAID_DEVICE ArgPair BlockAllReduceArg(ArgPair p, bool is_max, bool prefer_last, float* values, int64_t* indices) {
  p = WarpAllReduceArg(p, is_max, prefer_last);
  const int warps = BlockThreads() / WarpSize();
  if (LaneId() == 0) {
    values[WarpId()] = p.value;
    indices[WarpId()] = p.index;
  }
  SyncThreads();
  if (WarpId() == 0) {
    ArgPair r{0.0f, -1};
    if (LaneId() < warps) r = ArgPair{values[LaneId()], indices[LaneId()]};
    r = WarpAllReduceArg(r, is_max, prefer_last);
    if (LaneId() == 0) {
      values[kMaxWarpsPerBlock] = r.value;
      indices[kMaxWarpsPerBlock] = r.index;
    }
  }
  SyncThreads();
  return ArgPair{values[kMaxWarpsPerBlock], indices[kMaxWarpsPerBlock]};
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS

#endif  // BRAID_BACKENDS_GPU_VOCAB_WARP_OPS_H_
