// A oneDNN float32 matrix multiplication for one set of shapes:
// C = act(alpha * A x B + bias + beta * C_old), with batch dims broadcast.
// A and B may be strided (transposed) views; C is plain row-major. Constant B
// is packed once at build time. Immutable after Build; Run is thread-safe.
#ifndef BRAID_BACKENDS_CPU_KERNELS_NN_DNNL_MATMUL_H_
#define BRAID_BACKENDS_CPU_KERNELS_NN_DNNL_MATMUL_H_

#include <memory>
#include <optional>

#include "backends/cpu/kernels/nn/fused_activation.h"
#include "oneapi/dnnl/dnnl.hpp"

namespace braid::backends::cpu {

struct DnnlMatMulShape {
  dnnl::memory::dims a, b, c;                // same rank >= 2: (..., M, K), (..., K, N), (..., M, N)
  dnnl::memory::dims a_strides, b_strides;   // element strides of A and B
  dnnl::memory::dims bias;                   // empty = none; else rank of c, each dim 1 or c's
  float alpha = 1.0f;                        // output scale
  bool sum = false;                          // add beta * (C's previous contents)
  float beta = 1.0f;
  FusedActivation act;
};

class DnnlMatMul {
 public:
  // Builds for the calling thread's OpenMP thread count. `const_b`
  // (nullable) is packed now. Throws dnnl::error (wrap in DnnlTry).
  static std::unique_ptr<DnnlMatMul> Build(const DnnlMatMulShape& shape, const float* const_b);

  // `b` is ignored when B was packed; `bias` may be null without bias.
  // Throws dnnl::error.
  void Run(const float* a, const float* b, const float* bias, float* c) const;

  const char* impl_name() const { return pd_.impl_info_str(); }

 private:
  DnnlMatMul() = default;

  dnnl::matmul::primitive_desc pd_;
  dnnl::matmul prim_;
  dnnl::memory::desc a_md_, b_user_md_, b_md_, bias_md_, c_md_;
  std::optional<dnnl::memory> packed_b_;
};

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNELS_NN_DNNL_MATMUL_H_
