// The activation a Braid fusion (com.braid FusedConv/FusedGemm/FusedMatMul)
// applies to its result: attributes `activation` (string) and
// `activation_params` (floats). Immutable after parsing; thread-safe.
#ifndef BRAID_BACKENDS_CPU_KERNELS_NN_FUSED_ACTIVATION_H_
#define BRAID_BACKENDS_CPU_KERNELS_NN_FUSED_ACTIVATION_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "backends/cpu/kernel.h"
#include "oneapi/dnnl/dnnl.hpp"

namespace braid::backends::cpu {

inline constexpr char kBraidDomain[] = "com.braid";

struct FusedActivation {
  enum class Kind { kNone, kRelu, kLeakyRelu, kSigmoid, kTanh, kClip, kHardSigmoid };
  Kind kind = Kind::kNone;
  float alpha = 0.0f;  // LeakyRelu alpha; Clip min; HardSigmoid alpha
  float beta = 0.0f;   // Clip max; HardSigmoid beta

  // Reads `activation`/`activation_params` (absent = no activation).
  // Unknown names and missing parameters are errors naming the node.
  static absl::StatusOr<FusedActivation> Parse(const KernelInit& init);

  bool none() const { return kind == Kind::kNone; }
  // Appends the activation as eltwise post-ops.
  void AppendPostOps(dnnl::post_ops& ops) const;
  // Applies the activation in place to n floats.
  void Apply(float* data, int64_t n) const;
  // Applies the activation to one value.
  float ApplyOne(float x) const;
};

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNELS_NN_FUSED_ACTIVATION_H_
