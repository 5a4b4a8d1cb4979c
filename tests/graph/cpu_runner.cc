// RunOnCpu: kept apart so tests that need no backend link none.
#include "backends/cpu/cpu_device.h"
#include "backends/cpu/kernel_registry.h"
#include "braid/status_macros.h"
#include "tests/graph/graph_test_util.h"

namespace braid::graph::testing {

absl::StatusOr<std::vector<Tensor>> RunOnCpu(const Graph& g, const std::vector<Tensor>& inputs) {
  backends::cpu::CpuDevice cpu(backends::cpu::CpuKernelRegistry());
  BRAID_ASSIGN_OR_RETURN(std::unique_ptr<Executable> exe, cpu.Compile(g, CompileOptions{}));
  std::vector<braid::Value> in;
  for (const Tensor& t : inputs) in.emplace_back(t);
  std::vector<braid::Value> out;
  BRAID_RETURN_IF_ERROR(exe->Run(in, out, RunContext{}));
  std::vector<Tensor> result;
  for (braid::Value& v : out) {
    if (!v.is_tensor()) return absl::InternalError("non-tensor output");
    result.push_back(v.tensor());
  }
  return result;
}

}  // namespace braid::graph::testing
