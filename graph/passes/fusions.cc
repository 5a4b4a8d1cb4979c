#include "graph/passes/fusions.h"

#include "braid/status_macros.h"

namespace braid::graph {

absl::StatusOr<FusionStats> ApplyFusions(Graph& graph, const FusionPredicate& accept) {
  FusionStats stats;
  BRAID_ASSIGN_OR_RETURN(stats.conv_batchnorm, FoldConvBatchNorm(graph));
  BRAID_ASSIGN_OR_RETURN(stats.conv_activation, FuseConvActivation(graph, accept));
  BRAID_ASSIGN_OR_RETURN(stats.gemm_activation, FuseGemmActivation(graph, accept));
  BRAID_ASSIGN_OR_RETURN(stats.matmul_bias, FuseMatMulBias(graph, accept));
  return stats;
}

}  // namespace braid::graph
