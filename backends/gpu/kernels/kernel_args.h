// Arguments of the GPU kernel library's launchers: plain structs, passed by
// value to kernels, identical for every target (HIP, CUDA, emulator). No
// vendor or Braid headers: host code compiled by any compiler can fill them.
//
// Conventions: element counts and strides are in elements (not bytes);
// tensors are dense unless a stride says otherwise; "type" fields use
// ElemType, whose values equal braid::DataType's (ONNX numbering).
#ifndef BRAID_BACKENDS_GPU_KERNELS_KERNEL_ARGS_H_
#define BRAID_BACKENDS_GPU_KERNELS_KERNEL_ARGS_H_

#include <stdint.h>

namespace braid::backends::gpu::kernels {

inline constexpr int kMaxRank = 8;       // tensors of higher rank are not claimed
inline constexpr int kMaxBatchRank = 6;  // broadcast batch dims of MatMul/attention

enum class ElemType : int32_t {
  kF32 = 1,
  kU8 = 2,
  kI8 = 3,
  kU16 = 4,
  kI16 = 5,
  kI32 = 6,
  kI64 = 7,
  kBool = 9,
  kF16 = 10,
  kF64 = 11,
  kU32 = 12,
  kBF16 = 16,
};

// Launcher result: 0 on success, a vendor runtime error code, or
// kUnsupportedArgs when the arguments name a case no kernel handles.
inline constexpr int kUnsupportedArgs = -1;

// Per-launch facts about the device and stream.
struct LaunchContext {
  void* stream = nullptr;  // hipStream_t / cudaStream_t / emulator stream
  int warp_size = 0;       // of the device, 0 = unknown (informational; kernels use WarpSize())
};

// ---------------------------------------------------------------- elementwise
// A fused elementwise program (kTruncate: integer conversion to the
// ElemType whose code is p0, as a store would do): the inputs are loaded (as float, with
// numpy broadcasting through per-input strides) into registers 0..n-1,
// instructions write new registers, register `result` is stored.
enum class EwOp : uint8_t {
  // unary (a); p0/p1 are constants
  kCopy, kNeg, kAbs, kExp, kLog, kSqrt, kReciprocal, kRelu, kSigmoid, kTanh, kErf, kFloor, kCeil,
  kRound, kSin, kCos, kTan, kSign, kSoftplus, kSoftsign, kLeakyRelu, kElu, kSelu, kCelu, kHardSigmoid,
  kHardSwish, kClip, kGelu, kGeluTanh, kMish, kThresholdedRelu, kNot, kIsNaN, kIsInf,
  kRoundToF16, kRoundToBF16, kTruncToBF16, kTruncate, kToBool, kAddConst, kMulConst,
  // binary (a, b)
  kAdd, kSub, kMul, kDiv, kPow, kMax, kMin, kPRelu, kEqual, kLess, kLessEqual, kGreater,
  kGreaterEqual, kAnd, kOr, kXor, kFmod,
  // ternary (a ? b : c)
  kWhere,
};
struct EwInstr {
  EwOp op;
  uint8_t dst, a, b, c;
  float p0, p1;
};
struct EwInput {
  const void* data;
  ElemType type;
  bool contiguous;                // offset == output linear index
  int64_t strides[kMaxRank];      // per output dim; 0 where broadcast
};
inline constexpr int kMaxEwInputs = 8;
inline constexpr int kMaxEwInstrs = 32;
inline constexpr int kMaxEwRegs = kMaxEwInputs + kMaxEwInstrs;
struct ElementwiseArgs {
  int rank;
  int64_t dims[kMaxRank];  // output shape
  int64_t count;           // output elements
  void* out;
  ElemType out_type;  // float->integer stores truncate toward zero and saturate
  int num_inputs;
  EwInput inputs[kMaxEwInputs];
  int num_instrs;
  EwInstr instrs[kMaxEwInstrs];
  int result;  // register stored to `out`
};

// ---------------------------------------------------------------- GEMM / Conv
enum class Activation : int32_t { kNone, kRelu, kLeakyRelu, kSigmoid, kTanh, kClip, kHardSigmoid, kGelu };

// Applied to each output element: act(acc * alpha + beta * bias[...]).
struct Epilogue {
  const void* bias = nullptr;  // optional
  ElemType bias_type = ElemType::kF32;
  int64_t bias_stride_m = 0, bias_stride_n = 0;  // 0 = broadcast along that dim
  int64_t bias_batch_strides[kMaxBatchRank] = {};
  float beta = 1.0f;
  Activation activation = Activation::kNone;
  float act_alpha = 0.0f, act_beta = 0.0f;  // LeakyRelu alpha, Clip min/max, HardSigmoid alpha/beta
};

// C[batch][m][n] = epilogue(alpha * sum_k A[batch][m][k] * B[batch][k][n]).
// A, B, C share `type`; accumulation is float32. Batch offsets come from
// per-batch-dim strides (0 = broadcast), C rows are c_stride_m apart with
// unit column stride.
struct GemmArgs {
  ElemType type;
  int64_t m, n, k;
  const void* a;
  int64_t a_stride_m, a_stride_k;
  const void* b;
  int64_t b_stride_k, b_stride_n;
  void* c;
  int64_t c_stride_m;
  int batch_rank;
  int64_t batch_dims[kMaxBatchRank];
  int64_t a_batch_strides[kMaxBatchRank], b_batch_strides[kMaxBatchRank], c_batch_strides[kMaxBatchRank];
  int64_t batch_count;
  float alpha;
  Epilogue epilogue;
};

// N-d convolution (1 to 3 spatial dims, stored as D,H,W with leading 1s),
// NC(D)HW layout, weights [M][C/group][kD][kH][kW]. The epilogue's bias is
// per output channel (bias_stride_m = 1).
struct ConvArgs {
  ElemType type;
  int64_t batch, in_channels, out_channels, group;
  int64_t in_size[3], out_size[3], kernel[3], stride[3], pad[3], dilation[3];
  const void* x;
  const void* w;
  void* y;
  Epilogue epilogue;
};

// ---------------------------------------------------------------- reductions
enum class ReduceOp : int32_t {
  kSum, kMean, kMax, kMin, kProd, kL1, kL2, kSumSquare, kLogSum, kLogSumExp, kArgMax, kArgMin,
};
// Input viewed as [outer][reduce][inner]; output [outer][inner]. ArgMax/ArgMin
// write int64 indices (out_type kI64).
struct ReduceArgs {
  ReduceOp op;
  ElemType in_type, out_type;
  const void* in;
  void* out;
  int64_t outer, reduce, inner;
  bool select_last_index;
};

// Softmax / LogSoftmax over the middle dim of [outer][n][inner].
struct SoftmaxArgs {
  ElemType type;
  const void* in;
  void* out;
  int64_t outer, n, inner;
  bool log;
};

// LayerNormalization over rows of n elements. scale (and optional bias)
// have n elements of scale_type; mean / inv_std (optional) are float32 [rows].
struct LayerNormArgs {
  ElemType type, scale_type;
  const void* x;
  const void* scale;
  const void* bias;
  void* y;
  float* mean;
  float* inv_std;
  int64_t rows, n;
  float epsilon;
};

// ---------------------------------------------------------------- data movement
// dst[sum c_d * dst_strides[d]] = src[sum c_d * src_strides[d]] for every
// coordinate c of `dims` (strides may be 0 or negative; offsets pre-applied).
struct StridedCopyArgs {
  int rank;
  int64_t dims[kMaxRank];
  int64_t count;
  const void* src;
  int64_t src_strides[kMaxRank];
  void* dst;
  int64_t dst_strides[kMaxRank];
  int elem_bytes;  // 1, 2, 4 or 8
};

// dst[b][c][r] = src[b][r][c] through shared-memory tiles.
struct Transpose2DArgs {
  int64_t batch, rows, cols;
  const void* src;
  void* dst;
  int elem_bytes;
};

// out[o][i][n] = data[o][indices[i]][n], negative indices count from the
// end; an index outside [-axis_dim, axis_dim) sets *error_flag to 1.
struct GatherArgs {
  const void* data;
  const void* indices;
  ElemType index_type;  // kI32 or kI64
  void* out;
  int64_t outer, axis_dim, num_indices, inner;
  int elem_bytes;
  int* error_flag;
};

enum class PadMode : int32_t { kConstant, kReflect, kEdge, kWrap };
struct PadArgs {
  int rank;
  int64_t in_dims[kMaxRank], out_dims[kMaxRank], pad_begin[kMaxRank];
  int64_t count;  // output elements
  const void* src;
  void* dst;
  int elem_bytes;
  PadMode mode;
  uint64_t constant_bits;  // the constant value's bytes, for kConstant
};

enum class ResizeMode : int32_t { kNearest, kLinear, kCubic };
enum class ResizeCoord : int32_t {
  kHalfPixel, kAsymmetric, kAlignCorners, kPytorchHalfPixel, kTfHalfPixelForNearest, kHalfPixelSymmetric,
};
enum class ResizeNearest : int32_t { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil };
// Resizes every dim; linear/cubic interpolate along the dims whose sizes
// change (at most 3 for linear, 2 for cubic).
struct ResizeArgs {
  ElemType type;
  int rank;
  int64_t in_dims[kMaxRank], out_dims[kMaxRank];
  float scales[kMaxRank];
  int64_t count;
  const void* src;
  void* dst;
  ResizeMode mode;
  ResizeCoord coord;
  ResizeNearest nearest;
  float cubic_coeff_a;
  bool exclude_outside;
};

// Max/Average pooling over 1-3 spatial dims (D,H,W with leading 1s).
struct PoolArgs {
  ElemType type;
  bool is_max;
  bool count_include_pad;
  int64_t batch_channels;
  int64_t in_size[3], out_size[3], kernel[3], stride[3], pad[3], pad_end[3], dilation[3];
  const void* x;
  void* y;
};

// ---------------------------------------------------------------- attention
// out[b][i][:] = softmax_j(scale * q[b][i]·k[b][j] + mask[b][i][j]) @ v[b][j][:]
// with batch offsets from per-batch-dim strides (0 = broadcast). q is
// [sq][d], k is [sk][d] (k_stride_s/k_stride_d allow a transposed store),
// v is [sk][dv], out is dense [batch][sq][dv].
inline constexpr int kAttentionMaxKeys = 4096;
inline constexpr int kAttentionMaxHeadDim = 512;
struct AttentionArgs {
  ElemType type;
  int64_t sq, sk, d, dv;
  const void* q;
  int64_t q_stride_s, q_stride_d;
  const void* k;
  int64_t k_stride_s, k_stride_d;
  const void* v;
  int64_t v_stride_s, v_stride_d;
  const void* mask;  // optional, additive
  ElemType mask_type;
  int64_t mask_stride_q, mask_stride_k;
  void* out;
  float scale;
  int batch_rank;
  int64_t batch_dims[kMaxBatchRank];
  int64_t q_batch_strides[kMaxBatchRank], k_batch_strides[kMaxBatchRank], v_batch_strides[kMaxBatchRank],
      mask_batch_strides[kMaxBatchRank];
  int64_t batch_count;
};

}  // namespace braid::backends::gpu::kernels

#endif  // BRAID_BACKENDS_GPU_KERNELS_KERNEL_ARGS_H_
