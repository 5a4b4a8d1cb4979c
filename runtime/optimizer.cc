#include "runtime/optimizer.h"

#include "absl/strings/str_cat.h"
#include "braid/status_macros.h"
#include "graph/passes/constant_folding.h"
#include "graph/passes/dead_code_elimination.h"
#include "graph/passes/fusions.h"
#include "graph/passes/shape_propagation.h"
#include "graph/validate.h"
#include "runtime/node_evaluator.h"

namespace braid::runtime {

std::string OptimizationStats::ToString() const {
  return absl::StrCat("refined ", types_refined, " types, folded ", folded_nodes, " nodes, fused ", conv_batchnorm,
                      " Conv+BatchNormalization, ", conv_activation, " Conv+Add/activation, ", gemm_activation,
                      " Gemm+activation, ", matmul_bias, " MatMul+bias/activation, removed ", dead_nodes,
                      " dead nodes and ", dead_initializers, " unused initializers");
}

absl::Status OptimizeGraph(graph::Graph& graph, Device& cpu, std::span<Device* const> devices,
                           OptimizationStats* stats) {
  OptimizationStats local;
  OptimizationStats& s = stats != nullptr ? *stats : local;
  s = OptimizationStats();

  BRAID_ASSIGN_OR_RETURN(int refined, graph::PropagateShapes(graph));
  s.types_refined += refined;

  graph::ConstantFoldingOptions folding;
  folding.evaluate = MakeNodeEvaluator(cpu);
  BRAID_ASSIGN_OR_RETURN(s.folded_nodes, graph::FoldConstants(graph, folding));

  // A fused op is used only where every device of the session would run it,
  // so fusing never moves work off a preferred device.
  graph::FusionPredicate every_device = [devices](const graph::Node& fused) {
    for (const Device* d : devices) {
      if (!d->CanRun(fused).ok()) return false;
    }
    return !devices.empty();
  };
  BRAID_ASSIGN_OR_RETURN(graph::FusionStats fusions, graph::ApplyFusions(graph, every_device));
  s.conv_batchnorm = fusions.conv_batchnorm;
  s.conv_activation = fusions.conv_activation;
  s.gemm_activation = fusions.gemm_activation;
  s.matmul_bias = fusions.matmul_bias;

  BRAID_ASSIGN_OR_RETURN(graph::DeadCodeStats dead, graph::EliminateDeadCode(graph));
  s.dead_nodes = dead.nodes + dead.nested;
  s.dead_initializers = dead.initializers;

  BRAID_ASSIGN_OR_RETURN(refined, graph::PropagateShapes(graph));
  s.types_refined += refined;
  BRAID_RETURN_IF_ERROR(graph.TopologicalSort());

  graph::ValidateOptions structural;
  structural.check_types = false;
  absl::Status valid = graph::ValidateGraph(graph, structural);
  if (!valid.ok()) {
    return absl::InternalError(absl::StrCat("graph optimization produced an invalid graph: ", valid.message()));
  }
  return absl::OkStatus();
}

absl::Status OptimizeGraph(graph::Graph& graph, Device& cpu, std::span<Device* const> devices) {
  return OptimizeGraph(graph, cpu, devices, nullptr);
}

}  // namespace braid::runtime
