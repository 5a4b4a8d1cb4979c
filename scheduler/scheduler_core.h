// SchedulerCore: the scheduler's state and logic behind one mutex.
// Private to scheduler/: include scheduler.h instead.
//
// Methods named *Locked run with mu_ held. Side effects that call out of
// the scheduler (answers, batch starts, events) are collected in Effects
// and run by Flush() after the lock is released, so callbacks may re-enter.
#ifndef BRAID_SCHEDULER_SCHEDULER_CORE_H_
#define BRAID_SCHEDULER_SCHEDULER_CORE_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "scheduler/cost_model.h"
#include "scheduler/scheduler.h"

namespace braid::scheduler {

enum class RequestState : uint8_t { kFree, kParked, kQueued, kInFlight };

struct RequestRecord {
  uint32_t generation = 1;
  RequestState state = RequestState::kFree;
  bool retry = false;
  int model = -1;
  int priority = 0;
  int tenant = 0;
  int device = -1;        // where it is queued / running / last ran
  int avoid_device = -1;  // where it last failed
  int attempts = 0;
  int batch_size = 0;
  Nanos submit_time = 0;
  Nanos deadline = kNoDeadline;
  Nanos enqueue_time = 0;
  Nanos start_time = 0;
  uint64_t ticket = 0;    // names its current queue / parked / deadline entries
  uint64_t batch_id = 0;  // its batch while in flight
  NamedValues inputs;
  ResponseCallback callback;
};

struct QueueEntry {
  uint32_t slot;
  uint64_t ticket;
};

// A growable FIFO ring buffer (std::deque allocates even when empty, and
// the fleet has a queue per (model, device, priority)).
class EntryRing {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  const QueueEntry& front() const { return buf_[head_]; }
  const QueueEntry& operator[](size_t i) const { return buf_[(head_ + i) & (buf_.size() - 1)]; }
  void push_back(QueueEntry e) {
    if (size_ == buf_.size()) Grow();
    buf_[(head_ + size_) & (buf_.size() - 1)] = e;
    ++size_;
  }
  void pop_front() {
    head_ = (head_ + 1) & (buf_.size() - 1);
    --size_;
  }
  void clear() { head_ = size_ = 0; }

 private:
  void Grow() {
    std::vector<QueueEntry> bigger(buf_.empty() ? 8 : buf_.size() * 2);
    for (size_t i = 0; i < size_; ++i) bigger[i] = (*this)[i];
    buf_.swap(bigger);
    head_ = 0;
  }
  std::vector<QueueEntry> buf_;  // capacity is a power of two
  size_t head_ = 0;
  size_t size_ = 0;
};

// One (model, device) queue: FIFO per priority level, with tombstones for
// entries removed from the middle (skipped when they reach the front).
struct ModelQueue {
  int model = -1;
  EntryRing levels[kNumPriorities];
  int live = 0;
  int dead = 0;
  Nanos work = 0;  // estimated device time of the live entries
  LatencyEstimator estimator;
};

struct InflightBatch {
  uint64_t id = 0;
  int queue = -1;  // index into DeviceRecord::queues
  std::vector<uint32_t> slots;
  Nanos start = 0;
  Nanos estimated_end = 0;
  std::shared_ptr<std::atomic<bool>> cancelled;
};

struct DeviceRecord {
  ExecutionTarget* target = nullptr;
  TargetInfo info;
  int vendor = -1;
  int pool = -1;
  std::vector<int> queue_of_model;  // model -> index into queues, or -1
  std::vector<ModelQueue> queues;
  std::vector<InflightBatch> inflight;
  int queued = 0;
  int inflight_requests = 0;
  Nanos backlog = 0;
  CircuitBreaker breaker;
  bool draining = false;
  bool drain_reported = false;  // this drain's completion was announced
  bool placeable = false;  // cached Placeable()
  bool circuit_timer_armed = false;
  CircuitState reported_circuit = CircuitState::kClosed;  // last state announced
  std::vector<std::function<void()>> on_drained;
  Nanos wake_at = kNoDeadline;  // armed batching timer
};

struct VendorRecord {
  std::string name;
  std::vector<int> devices;
  int unhealthy = 0;
  int placeable = 0;
  bool down = false;
};

struct ModelRecord {
  ModelConfig config;
  std::vector<int> devices;  // serving it, ascending
  std::vector<int> pools;    // serving it, ascending
};

struct TenantRecord {
  std::string name;
  int64_t outstanding = 0;
  MetricSet metrics;
};

struct DeadlineEntry {
  Nanos expire_at;
  uint32_t slot;
  uint64_t ticket;
  bool operator>(const DeadlineEntry& o) const { return expire_at > o.expire_at; }
};

struct Effects {
  struct Answer {
    ResponseCallback callback;
    Response response;
  };
  struct Start {
    ExecutionTarget* target;
    int device;
    BatchJob job;
  };
  std::vector<Answer> answers;
  std::vector<Start> starts;
  std::vector<SchedulerEvent> events;
  std::vector<std::function<void()>> callbacks;
};

class SchedulerCore final : public FleetView, public std::enable_shared_from_this<SchedulerCore> {
 public:
  SchedulerCore(Clock* clock, std::unique_ptr<PlacementPolicy> policy, SchedulerOptions options);

  // Public API (each takes the lock and flushes effects).
  absl::Status RegisterModel(ModelConfig config);
  absl::StatusOr<int> AddDevice(ExecutionTarget* target, std::vector<std::string> models);
  RequestId Submit(Request request, ResponseCallback callback);
  bool Cancel(RequestId id);
  absl::Status Drain(std::string_view name, bool vendor, std::function<void()> on_drained);
  absl::Status Resume(std::string_view name, bool vendor);
  void Shutdown();
  MetricsSnapshot Metrics() const;
  std::vector<DeviceStatus> Devices() const;
  std::vector<VendorStatus> Vendors() const;
  std::vector<std::string> ModelsBelowVendorRedundancy() const;
  uint64_t AvailableVendors() const;
  std::vector<std::string> VendorNames() const;
  std::string policy_name() const;
  Clock& clock() const { return *clock_; }

  // Entry points from targets and timers.
  void OnBatchDone(int device, uint64_t batch_id, BatchResult result);
  void OnWatchdog(int device, uint64_t batch_id);
  void OnBatchTimer(int device, Nanos armed_for);
  void OnDeadlineTimer(Nanos armed_for);
  void OnCircuitTimer(int device);

  // FleetView (called by the policy with mu_ held).
  int num_devices() const override { return static_cast<int>(devices_.size()); }
  int num_pools() const override { return static_cast<int>(pools_.size()); }
  const PoolInfo& pool(int p) const override { return pools_[p]; }
  int pool_of(int device) const override { return devices_[device].pool; }
  const std::vector<int>& pools_serving(int model) const override { return models_[model].pools; }
  const std::vector<int>& devices_serving(int model) const override { return models_[model].devices; }
  bool placeable(int device) const override { return devices_[device].placeable; }
  bool Eligible(int device, const PlacementQuery& query) const override;
  DeviceLoad Load(int device) const override;
  Nanos EstimatedCompletion(int device, const PlacementQuery& query) const override;
  Nanos EstimatedRunTime(int device, int model) const override;
  double BusyWatts(int device) const override { return devices_[device].info.busy_watts; }

 private:
  // core_submit.cc
  enum class PlaceResult { kQueued, kParked, kAnswered };
  PlaceResult PlaceLocked(uint32_t slot, Effects& fx);
  void EnqueueLocked(uint32_t slot, int device, Effects& fx);
  void RemoveQueuedLocked(uint32_t slot);
  void AnswerLocked(uint32_t slot, absl::Status status, NamedValues outputs, Effects& fx);
  void PushDeadlineLocked(uint32_t slot, Nanos expire_at);
  void ArmDeadlineTimerLocked();
  void ParkLocked(uint32_t slot);
  void CompactLocked(ModelQueue& q);
  bool IsLive(const QueueEntry& e, RequestState state) const {
    const RequestRecord& r = records_[e.slot];
    return r.ticket == e.ticket && r.state == state;
  }
  uint32_t AllocateLocked();
  void Flush(Effects& fx);

  // core_dispatch.cc
  void MaybeDispatchLocked(int device, Effects& fx);
  void StartBatchLocked(int device, int queue, Effects& fx);
  Nanos ReadyTimeLocked(DeviceRecord& d, int queue);
  // Priority level of the first live entry (dropping dead ones in front), or -1.
  int HeadLevelLocked(ModelQueue& q);
  void RecomputeWorkLocked(DeviceRecord& d, ModelQueue& q);
  Nanos Work(const ModelQueue& q, int n, const DeviceRecord& d) const;
  void ArmBatchTimerLocked(int device, Nanos when);
  void ArmCircuitTimerLocked(int device);

  // core_failover.cc
  void RedispatchLocked(uint32_t slot, int failed_device, Effects& fx);
  void EvacuateQueuesLocked(int device, Effects& fx);
  void DeviceStateChangedLocked(int device, Effects& fx);
  void UpdateVendorLocked(int vendor, Effects& fx);
  void RetryParkedLocked(Effects& fx);
  void CheckDrainedLocked(int device, Effects& fx);
  bool ComputePlaceable(const DeviceRecord& d) const;
  void EmitLocked(SchedulerEvent::Kind kind, int device, int vendor, std::string detail, Effects& fx);
  void RebuildTopologyLocked();

  bool Confident(const ModelQueue& q) const { return q.estimator.observations() >= options_.confident_after; }
  MetricSet& ModelMetrics(int model) { return model_metrics_[model]; }

  Clock* const clock_;
  const SchedulerOptions options_;

  // std::mutex rather than absl::Mutex: ThreadSanitizer understands it
  // without an instrumented abseil.
  mutable std::mutex mu_;
  std::unique_ptr<PlacementPolicy> policy_;
  bool shut_down_ = false;
  std::vector<ModelRecord> models_;
  absl::flat_hash_map<std::string, int> model_index_;
  std::vector<DeviceRecord> devices_;
  absl::flat_hash_map<std::string, int> device_index_;
  std::vector<VendorRecord> vendors_;
  std::vector<PoolInfo> pools_;
  std::vector<int> placeable_by_model_vendor_;  // [model * 64 + vendor]
  uint64_t available_vendors_ = 0;
  std::vector<TenantRecord> tenants_;
  absl::flat_hash_map<std::string, int> tenant_index_;
  mutable VendorShareTracker share_;  // Share() ages the window

  std::vector<RequestRecord> records_;
  std::vector<uint32_t> free_slots_;
  uint64_t next_ticket_ = 1;
  uint64_t next_batch_id_ = 1;
  int64_t outstanding_ = 0;

  EntryRing parked_;
  int64_t parked_live_ = 0;
  std::vector<DeadlineEntry> deadlines_;  // min-heap on expire_at
  Nanos deadline_timer_at_ = kNoDeadline;

  MetricSet total_metrics_;
  std::vector<MetricSet> model_metrics_;
  std::vector<MetricSet> device_metrics_;
  std::vector<MetricSet> vendor_metrics_;
};

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_SCHEDULER_CORE_H_
