// A oneDNN float32 (de)convolution for one set of shapes, with bias,
// residual (sum) and activation post-ops. Activations stay in plain
// N-C-spatial layout at the boundary; the primitive may compute in a blocked
// layout, reordering into per-thread scratch. Constant weights are packed
// once at build time. Immutable after Build; Run is thread-safe.
#ifndef BRAID_BACKENDS_CPU_KERNELS_NN_DNNL_CONV_H_
#define BRAID_BACKENDS_CPU_KERNELS_NN_DNNL_CONV_H_

#include <memory>
#include <optional>

#include "backends/cpu/kernels/nn/conv_geometry.h"
#include "backends/cpu/kernels/nn/fused_activation.h"
#include "braid/tensor.h"
#include "oneapi/dnnl/dnnl.hpp"

namespace braid::backends::cpu {

struct DnnlConvShape {
  bool transposed = false;  // ConvTranspose: w is (C, M/group, k...)
  Shape x, w, y;            // ONNX layouts
  int64_t group = 1;
  // Padding as oneDNN sees it: for transposed convolutions pad_end already
  // has the output padding subtracted (it must stay non-negative).
  ConvGeometry geom;
  bool has_bias = false;
  bool has_z = false;  // residual added before the activation; shape y
  FusedActivation act;
};

class DnnlConv {
 public:
  // Builds the primitive for `threads` OpenMP threads on the calling
  // thread. `const_w` (nullable) is packed now and must match shape.w.
  // Throws dnnl::error (wrap in DnnlTry).
  static std::unique_ptr<DnnlConv> Build(const DnnlConvShape& shape, const float* const_w);

  // Runs on plain buffers; `w` is ignored when weights were packed; bias/z
  // may be null when the shape has none. y must not alias x. Throws dnnl::error.
  void Run(const float* x, const float* w, const float* bias, const float* z, float* y) const;

  // oneDNN's name of the chosen implementation (for benchmarks and tests).
  const char* impl_name() const { return pd_.impl_info_str(); }

 private:
  DnnlConv() = default;

  dnnl::primitive_desc pd_;
  dnnl::primitive prim_;
  dnnl::memory::desc x_plain_, w_plain_, y_plain_, bias_md_;
  dnnl::memory::desc x_md_, w_md_, y_md_;  // chosen by the primitive
  std::optional<std::pair<dnnl::reorder::primitive_desc, dnnl::reorder>> x_reorder_, w_reorder_, y_reorder_,
      z_reorder_;
  std::optional<dnnl::memory> packed_w_;
};

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNELS_NN_DNNL_CONV_H_
