// A graph compiled for the CPU: one kernel per node in topological order,
// value slots, and a memory plan per input-shape signature.
//
// Memory: the first run with a new signature allocates from the heap and
// records every output buffer's size and lifetime (aliases included); later
// runs with that signature take those buffers from one arena packed by
// PlanMemory. Before a planned buffer is handed out, the executable checks
// that no live value still uses the bytes it reuses, falling back to the
// heap otherwise, so data-dependent shapes and aliasing can never corrupt
// results. Graph outputs never stay in an arena.
#ifndef BRAID_BACKENDS_CPU_CPU_EXECUTABLE_H_
#define BRAID_BACKENDS_CPU_CPU_EXECUTABLE_H_

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/cpu/kernel.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/memory_planner.h"
#include "backends/cpu/thread_pool.h"
#include "braid/backend.h"
#include "graph/graph.h"

namespace braid::backends::cpu {

// Memory figures of the most recent run (for `braid bench` and tests).
struct CpuMemoryStats {
  int64_t arena_bytes = 0;      // planned arena used by the run (0 if unplanned)
  int64_t peak_heap_bytes = 0;  // peak of output buffers taken from the heap
  int64_t planned_peak_live_bytes = 0;  // lower bound: busiest step's live bytes
  int64_t unshared_bytes = 0;           // every planned buffer, without reuse
};

class CpuExecutable : public Executable, public SubgraphRunner {
 public:
  // Builds kernels for every node of `graph` (which must outlive the
  // executable). Fails naming the first node without a usable kernel.
  // Inputs of the executable: graph inputs, then captures.
  static absl::StatusOr<std::unique_ptr<CpuExecutable>> Create(const graph::Graph& graph,
                                                               const KernelRegistry& registry,
                                                               std::shared_ptr<const ThreadPool> pool);
  ~CpuExecutable() override;

  absl::Status Run(std::span<const Value> inputs, std::vector<Value>& outputs,
                   const RunContext& context) const override;
  // SubgraphRunner: runs nested inside a parent kernel (same threads).
  absl::Status Run(std::span<const Value> inputs, std::vector<Value>& outputs,
                   const KernelContext& parent) const override;

  CpuMemoryStats last_memory_stats() const;
  int64_t PeakMemoryBytes() const override;
  int64_t PeakLiveBytes() const override { return last_memory_stats().planned_peak_live_bytes; }
  int64_t UnsharedIntermediateBytes() const override { return last_memory_stats().unshared_bytes; }

 private:
  struct Step;
  struct Plan;
  class RunState;
  class StepContext;

  explicit CpuExecutable(const graph::Graph& graph, std::shared_ptr<const ThreadPool> pool);
  absl::Status Build(const KernelRegistry& registry);
  absl::Status RunSteps(std::span<const Value> inputs, std::vector<Value>& outputs, const RunContext& context) const;
  std::string Signature(std::span<const Value> inputs) const;

  const graph::Graph& graph_;
  std::shared_ptr<const ThreadPool> pool_;
  std::vector<Step> steps_;
  int num_slots_ = 0;
  std::vector<std::pair<int, Value>> constants_;  // slot, value
  std::vector<int> input_slots_;
  std::vector<int> output_slots_;

  mutable std::mutex plans_mutex_;
  mutable std::map<std::string, std::shared_ptr<const Plan>> plans_;
  mutable CpuMemoryStats last_stats_;
};

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_CPU_EXECUTABLE_H_
