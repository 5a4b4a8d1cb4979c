// Session: a model partitioned over devices and compiled, ready to run.
#ifndef BRAID_RUNTIME_SESSION_IMPL_H_
#define BRAID_RUNTIME_SESSION_IMPL_H_

#include <memory>
#include <vector>

#include "braid/runtime.h"
#include "graph/graph.h"
#include "runtime/partitioner.h"
#include "runtime/worker_pool.h"

namespace braid::runtime {

class SessionImpl : public Session {
 public:
  // `devices` in preference order, ending with the host CPU; `graph` is the
  // (optimized) graph this session owns; `workers` runs RunAsync tasks and
  // outlives the session (it belongs to the Runtime).
  static absl::StatusOr<std::unique_ptr<SessionImpl>> Create(std::unique_ptr<graph::Graph> graph,
                                                             std::vector<Device*> devices,
                                                             std::vector<DevicePin> pins,
                                                             const SessionOptions& options, WorkerPool& workers,
                                                             std::function<Device*(const std::string&)> find_device);

  absl::StatusOr<NamedValues> Run(const NamedValues& inputs, const RunOptions& options) override;
  std::future<absl::StatusOr<NamedValues>> RunAsync(NamedValues inputs, RunOptions options) override;
  const std::vector<IoInfo>& inputs() const override { return inputs_; }
  const std::vector<IoInfo>& outputs() const override { return outputs_; }
  const PlacementReport& placement() const override { return plan_.report; }
  double EstimatedFlops() const override { return flops_; }
  double EstimatedBytes() const override { return bytes_; }
  std::string DescribeGraph() const override;
  void set_optimization_summary(std::string summary) { optimization_summary_ = std::move(summary); }

  const graph::Graph& graph() const { return *graph_; }

 private:
  SessionImpl(WorkerPool& workers) : workers_(workers) {}
  // Moves a value onto `target` (host when target is the CPU).
  absl::StatusOr<Value> Place(const Value& value, Device* target, RunStats& stats) const;
  absl::StatusOr<Tensor> PlaceTensor(const Tensor& t, Device* target, RunStats& stats) const;

  std::unique_ptr<graph::Graph> graph_;
  std::vector<Device*> devices_;
  std::function<Device*(const std::string&)> find_device_;
  PartitionPlan plan_;
  WorkerPool& workers_;
  std::vector<IoInfo> inputs_;
  std::vector<IoInfo> outputs_;
  // For each partition, the names whose last reader it is (released after it).
  std::vector<std::vector<std::string>> release_after_;
  std::string optimization_summary_;
  double flops_ = 0;
  double bytes_ = 0;
};

}  // namespace braid::runtime

#endif  // BRAID_RUNTIME_SESSION_IMPL_H_
