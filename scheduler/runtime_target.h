// RuntimeTarget: an ExecutionTarget that runs requests through the runtime
// API (braid::Session) on one runtime device: the CPU, an emulated GPU, or a
// real GPU. The scheduler sees only the runtime API, never a backend.
#ifndef BRAID_SCHEDULER_RUNTIME_TARGET_H_
#define BRAID_SCHEDULER_RUNTIME_TARGET_H_

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "braid/runtime.h"
#include "scheduler/target.h"

namespace braid::scheduler {

struct RuntimeTargetOptions {
  std::string name;         // empty = the device's name
  double busy_watts = 0;    // board power estimate, for energy reports
  int workers = 1;          // batches run at once (each on its own thread)
  // Run a batch as one Session::Run with its inputs stacked along
  // dimension 0, where the model and the inputs allow it (see
  // batch_stacking.h); otherwise, or when that run fails, one run per request.
  bool stack_batches = true;
};

// Each batch runs on a worker thread owned by the target (so a slow device
// never blocks the scheduler): as one Session::Run over the stacked inputs
// when the batch can be stacked, else its requests one after another.
// Per-request errors (bad inputs) answer that request; a batch
// whose every request failed with a device-class error (Unavailable,
// Internal, Unknown, DataLoss, Aborted) is reported as a device failure so
// the scheduler fails over. Thread-safe. Sessions are borrowed and must
// outlive the target; the destructor finishes queued batches first.
class RuntimeTarget final : public ExecutionTarget {
 public:
  // `device`: the runtime device's facts (Runtime::FindDevice(...)->info()).
  // `sessions`: model name -> a Session created for that device.
  static absl::StatusOr<std::unique_ptr<RuntimeTarget>> Create(
      const DeviceInfo& device, std::vector<std::pair<std::string, Session*>> sessions,
      RuntimeTargetOptions options = {});
  ~RuntimeTarget() override;

  const TargetInfo& info() const override { return info_; }
  // From Session::EstimatedFlops / EstimatedBytes and the placement's node count.
  std::optional<ModelCost> CostOf(std::string_view model) const override;
  void StartBatch(BatchJob job, BatchDone done) override;

  int64_t requests_run() const;
  // Batches that ran as one stacked Session::Run.
  int64_t stacked_batches_run() const;

 private:
  RuntimeTarget(TargetInfo info, std::vector<std::pair<std::string, Session*>> sessions, int workers,
                bool stack_batches);
  void Work();
  Session* SessionFor(std::string_view model) const;
  BatchResult RunBatch(const BatchJob& job);
  // The batch as one stacked run; nullopt when it cannot be stacked or that
  // run fails (the caller then runs the requests one by one).
  std::optional<BatchResult> RunStacked(Session& session, const BatchJob& job);

  const TargetInfo info_;
  const std::vector<std::pair<std::string, Session*>> sessions_;
  const bool stack_batches_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<BatchJob, BatchDone>> queue_;  // guarded by mu_
  bool stop_ = false;                                 // guarded by mu_
  int64_t requests_run_ = 0;                          // guarded by mu_
  int64_t stacked_batches_run_ = 0;                   // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_RUNTIME_TARGET_H_
