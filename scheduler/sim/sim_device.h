// SimDevice: a simulated accelerator on the virtual clock. Service times
// come from the performance model (with seeded noise); faults are injected
// by the fault script: fail/recover, slow down, wedge/unwedge.
#ifndef BRAID_SCHEDULER_SIM_SIM_DEVICE_H_
#define BRAID_SCHEDULER_SIM_SIM_DEVICE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "scheduler/sim/perf_model.h"
#include "scheduler/sim/rng.h"
#include "scheduler/target.h"
#include "scheduler/virtual_clock.h"

namespace braid::scheduler::sim {

// Not thread-safe: lives on the simulator's thread with its VirtualClock.
// `models` and `clock` are borrowed and must outlive the device's events.
class SimDevice final : public ExecutionTarget {
 public:
  SimDevice(std::string name, DevicePreset preset, const std::vector<SimModel>* models, VirtualClock* clock,
            uint64_t seed);

  const TargetInfo& info() const override { return info_; }
  std::optional<ModelCost> CostOf(std::string_view model) const override;
  void StartBatch(BatchJob job, BatchDone done) override;
  // Fails while the device is failed; a wedged device looks healthy.
  absl::Status CheckHealth() override;

  // Faults. Fail() fails the running batches now and every batch until
  // Recover(). Wedge() holds every running and new batch (no completion)
  // until Unwedge(), when they finish late. SetSlowdown multiplies service
  // times (1 = normal).
  void Fail();
  void Recover();
  void Wedge();
  void Unwedge();
  void SetSlowdown(double factor) { slowdown_ = factor; }

  const DevicePreset& preset() const { return preset_; }
  // Device time spent running batches (failed and abandoned ones included).
  Nanos busy_ns() const { return busy_ns_; }
  double energy_joules() const { return ToSeconds(busy_ns_) * preset_.busy_watts; }
  int64_t batches_completed() const { return batches_completed_; }
  int64_t batches_failed() const { return batches_failed_; }

 private:
  struct Running {
    uint64_t token;
    int items;
    Nanos service;
    Nanos end;
    BatchDone done;
    bool held = false;  // wedged: waiting for Unwedge
  };
  void Complete(uint64_t token);
  void FinishWithError(Running& r, const char* why);
  int ModelIndex(std::string_view name) const;

  std::string name_;
  DevicePreset preset_;
  TargetInfo info_;
  const std::vector<SimModel>* models_;
  VirtualClock* clock_;
  Rng rng_;
  std::vector<Running> running_;
  uint64_t next_token_ = 1;
  bool failed_ = false;
  bool wedged_ = false;
  double slowdown_ = 1.0;
  Nanos busy_ns_ = 0;
  int64_t batches_completed_ = 0;
  int64_t batches_failed_ = 0;
};

}  // namespace braid::scheduler::sim

#endif  // BRAID_SCHEDULER_SIM_SIM_DEVICE_H_
