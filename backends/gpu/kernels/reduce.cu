// Reductions over the middle dim of [outer][reduce][inner]: Sum, Mean, Max,
// Min, Prod, L1, L2, SumSquare, LogSum, LogSumExp, ArgMax, ArgMin. Rows
// (inner == 1) reduce with one block per row through warp shuffles;
// strided columns use one thread per output.
#include "backends/gpu/kernels/kernel_common.h"
#include "backends/gpu/vocab/warp_ops.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {
namespace {

BRAID_DEVICE float Identity(ReduceOp op) {
  switch (op) {
    case ReduceOp::kMax: return -INFINITY;
    case ReduceOp::kMin: return INFINITY;
    case ReduceOp::kProd: return 1.0f;
    default: return 0.0f;
  }
}

// The per-element value that is summed (sum-like ops) or combined.
BRAID_DEVICE float MapValue(ReduceOp op, float x) {
  switch (op) {
    case ReduceOp::kL1: return fabsf(x);
    case ReduceOp::kL2:
    case ReduceOp::kSumSquare: return x * x;
    default: return x;
  }
}

BRAID_DEVICE float Combine(ReduceOp op, float a, float b) {
  switch (op) {
    case ReduceOp::kMax: return (a != a || b != b) ? a + b : fmaxf(a, b);
    case ReduceOp::kMin: return (a != a || b != b) ? a + b : fminf(a, b);
    case ReduceOp::kProd: return a * b;
    default: return a + b;
  }
}

BRAID_DEVICE float Finish(ReduceOp op, float v, int64_t n, float max_for_lse) {
  switch (op) {
    case ReduceOp::kMean: return v / static_cast<float>(n);
    case ReduceOp::kL2: return sqrtf(v);
    case ReduceOp::kLogSum: return logf(v);
    case ReduceOp::kLogSumExp: return max_for_lse + logf(v);
    default: return v;
  }
}

struct CombineOp {
  ReduceOp op;
  BRAID_DEVICE float operator()(float a, float b) const { return Combine(op, a, b); }
};

template <typename T>
BRAID_KERNEL void ReduceRowsKernel(BRAID_PARAM(ReduceArgs) r) {
  BRAID_SHARED float scratch[kBlockReduceScratch];
  BRAID_SHARED int64_t scratch_index[kBlockReduceScratch];
  const T* in = static_cast<const T*>(r.in);
  const bool is_arg = r.op == ReduceOp::kArgMax || r.op == ReduceOp::kArgMin;
  for (int64_t row = BlockX(); row < r.outer; row += GridDimX()) {
    const T* x = in + row * r.reduce;
    if (is_arg) {
      const bool is_max = r.op == ReduceOp::kArgMax;
      ArgPair best{0.0f, -1};
      for (int64_t i = ThreadX(); i < r.reduce; i += BlockDimX()) {
        const ArgPair cand{ToFloat(x[i]), i};
        if (ArgBetter(cand, best, is_max, r.select_last_index)) best = cand;
      }
      best = BlockAllReduceArg(best, is_max, r.select_last_index, scratch, scratch_index);
      if (ThreadX() == 0) static_cast<int64_t*>(r.out)[row] = best.index < 0 ? 0 : best.index;
      continue;
    }
    float shift = 0.0f;
    ReduceOp op = r.op;
    if (op == ReduceOp::kLogSumExp) {
      float m = -INFINITY;
      for (int64_t i = ThreadX(); i < r.reduce; i += BlockDimX()) m = fmaxf(m, ToFloat(x[i]));
      shift = BlockAllReduce(m, MaxOp(), -INFINITY, scratch);
      if (shift == -INFINITY || shift == INFINITY) shift = 0.0f;
    }
    const bool summed = op != ReduceOp::kMax && op != ReduceOp::kMin && op != ReduceOp::kProd;
    float acc = Identity(op);
    for (int64_t i = ThreadX(); i < r.reduce; i += BlockDimX()) {
      const float v = ToFloat(x[i]);
      acc = Combine(op, acc, op == ReduceOp::kLogSumExp ? expf(v - shift) : MapValue(op, v));
    }
    const ReduceOp block_op = summed ? ReduceOp::kSum : op;
    acc = BlockAllReduce(acc, CombineOp{block_op}, Identity(block_op), scratch);
    if (ThreadX() == 0) StoreFromFloat(r.out, r.out_type, row, Finish(op, acc, r.reduce, shift));
  }
}

template <typename T>
BRAID_KERNEL void ReduceColumnsKernel(BRAID_PARAM(ReduceArgs) r) {
  const T* in = static_cast<const T*>(r.in);
  const int64_t total = r.outer * r.inner;
  for (int64_t idx = GlobalThreadId(); idx < total; idx += GlobalThreadCount()) {
    const int64_t o = idx / r.inner, j = idx % r.inner;
    const T* x = in + o * r.reduce * r.inner + j;
    if (r.op == ReduceOp::kArgMax || r.op == ReduceOp::kArgMin) {
      ArgPair best{0.0f, -1};
      for (int64_t i = 0; i < r.reduce; ++i) {
        const ArgPair cand{ToFloat(x[i * r.inner]), i};
        if (ArgBetter(cand, best, r.op == ReduceOp::kArgMax, r.select_last_index)) best = cand;
      }
      static_cast<int64_t*>(r.out)[idx] = best.index < 0 ? 0 : best.index;
      continue;
    }
    float shift = 0.0f;
    if (r.op == ReduceOp::kLogSumExp) {
      float m = -INFINITY;
      for (int64_t i = 0; i < r.reduce; ++i) m = fmaxf(m, ToFloat(x[i * r.inner]));
      shift = (m == -INFINITY || m == INFINITY) ? 0.0f : m;
    }
    float acc = Identity(r.op);
    for (int64_t i = 0; i < r.reduce; ++i) {
      const float v = ToFloat(x[i * r.inner]);
      acc = Combine(r.op, acc, r.op == ReduceOp::kLogSumExp ? expf(v - shift) : MapValue(r.op, v));
    }
    StoreFromFloat(r.out, r.out_type, idx, Finish(r.op, acc, r.reduce, shift));
  }
}

}  // namespace

int LaunchReduce(const ReduceArgs& r, const LaunchContext& context) {
  if (r.outer == 0 || r.inner == 0) return 0;
  return DispatchFloatType(r.in_type, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (r.inner == 1) {
      return ToCode(Launch(LaunchMode::kCooperative, ReduceRowsKernel<T>, Dim3(GridFor(r.outer, 1, 65535)),
                           Dim3(RowBlockThreads(r.reduce)), StreamOf(context), r));
    }
    constexpr int kThreads = 256;
    return ToCode(Launch(LaunchMode::kIndependent, ReduceColumnsKernel<T>, Dim3(GridFor(r.outer * r.inner, kThreads)),
                         Dim3(kThreads), StreamOf(context), r));
  });
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS
