// ExecutionTarget: the one device interface the scheduler drives.
//
// Real runtime devices (runtime_target.h) and simulated devices
// (sim/sim_device.h) both implement it, so placement, batching, health and
// failover run the same code against either.
#ifndef BRAID_SCHEDULER_TARGET_H_
#define BRAID_SCHEDULER_TARGET_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "braid/runtime.h"

namespace braid::scheduler {

// Static facts about a target, for placement, cost models and reports.
// Rates are estimates (datasheet-style), never measurements.
struct TargetInfo {
  std::string name;    // unique within a scheduler: "cpu", "emu-amd", "h100-3"
  std::string vendor;  // "amd", "nvidia", "host"
  std::string kind;    // device type ("mi300x", "h100", "cpu"); devices of one
                       // vendor and kind are interchangeable for placement indexes
  double peak_gflops = 0;            // dense rate the models use
  double memory_bandwidth_gbps = 0;
  double launch_overhead_us = 0;     // per kernel launch
  double busy_watts = 0;             // board power while running a batch
  int max_concurrent_batches = 1;    // batches the target runs at once
};

// The cost of one run of a model as compiled for a target, for the
// scheduler's latency prior: a batch of B items costs about
//   kernel_launches * launch_overhead
//   + (B * flops_per_item) / peak + (bytes_per_batch + B * bytes_per_item) / bandwidth.
struct ModelCost {
  double flops_per_item = 0;
  double bytes_per_item = 0;   // activations read and written per item
  double bytes_per_batch = 0;  // weights read once per batch
  int kernel_launches = 1;
};

// One batch handed to a target. Owns copies of the inputs (tensors share
// storage with the caller's), so it may outlive the requests it came from.
struct BatchJob {
  uint64_t batch_id = 0;
  std::string model;
  std::vector<NamedValues> inputs;  // one entry per request of the batch
  // Set when nobody needs the results any more (all requests cancelled,
  // or the scheduler gave up on the batch); targets may stop early.
  std::shared_ptr<std::atomic<bool>> cancelled;
};

// The outcome of a batch. A non-OK `status` means the device failed the
// whole batch (the scheduler re-dispatches its requests elsewhere and
// counts a device fault). Otherwise `outputs` has one entry per input:
// a per-item error there (e.g. InvalidArgument for a bad input) is that
// request's answer and says nothing about the device's health.
struct BatchResult {
  absl::Status status;
  std::vector<absl::StatusOr<NamedValues>> outputs;
};

using BatchDone = std::function<void(BatchResult)>;

class ExecutionTarget {
 public:
  virtual ~ExecutionTarget() = default;
  virtual const TargetInfo& info() const = 0;

  // The compiled-plan cost of `model` on this target, when the target knows
  // it (e.g. from Session::EstimatedFlops/EstimatedBytes); nullopt = use the
  // cost registered with the model.
  virtual std::optional<ModelCost> CostOf(std::string_view model) const { return std::nullopt; }

  // Starts a batch. `done` is called exactly once when the batch finishes or
  // fails, from any thread, but never from inside StartBatch. A device that
  // hangs may never call it: the scheduler's watchdog covers that, and a
  // late call is then ignored. Thread-safe.
  virtual void StartBatch(BatchJob job, BatchDone done) = 0;

  // A cheap, non-blocking liveness check the scheduler makes before letting
  // traffic back onto a device whose circuit was open. Thread-safe.
  virtual absl::Status CheckHealth() { return absl::OkStatus(); }
};

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_TARGET_H_
