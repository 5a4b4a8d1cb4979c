// Fusion passes. Each pass rewrites matching node chains and returns how
// many it rewrote; the graph keeps its outputs (names and order), stays
// topologically sorted, and nested graphs are rewritten copy-on-write.
//
//   FoldConvBatchNorm      Conv -> BatchNormalization (constant float32
//                          params, inference mode) becomes one Conv with
//                          scaled weights and bias. Always valid: no new op.
//   FuseConvActivation     Conv [-> Add(same-shape Z)] [-> activation]
//                          becomes com.braid::FusedConv (at least one of
//                          Add and activation).
//   FuseGemmActivation     Gemm -> activation becomes com.braid::FusedGemm.
//   FuseMatMulBias         MatMul [-> Add(constant bias of shape [N] or
//                          [1,..,1,N])] [-> activation] becomes
//                          com.braid::FusedMatMul (at least one of them).
// Activations: Relu, LeakyRelu, Sigmoid, Tanh, Clip (constant bounds),
// HardSigmoid. A fused node is created only when `accept` approves it.
#ifndef BRAID_GRAPH_PASSES_FUSIONS_H_
#define BRAID_GRAPH_PASSES_FUSIONS_H_

#include "absl/status/statusor.h"
#include "graph/graph.h"
#include "graph/passes/rewrite_util.h"

namespace braid::graph {

absl::StatusOr<int> FoldConvBatchNorm(Graph& graph);
absl::StatusOr<int> FuseConvActivation(Graph& graph, const FusionPredicate& accept);
absl::StatusOr<int> FuseGemmActivation(Graph& graph, const FusionPredicate& accept);
absl::StatusOr<int> FuseMatMulBias(Graph& graph, const FusionPredicate& accept);

struct FusionStats {
  int conv_batchnorm = 0;
  int conv_activation = 0;
  int gemm_activation = 0;
  int matmul_bias = 0;
  int total() const { return conv_batchnorm + conv_activation + gemm_activation + matmul_bias; }
};

// All of the above, Conv+BatchNormalization first.
absl::StatusOr<FusionStats> ApplyFusions(Graph& graph, const FusionPredicate& accept);

}  // namespace braid::graph

#endif  // BRAID_GRAPH_PASSES_FUSIONS_H_
