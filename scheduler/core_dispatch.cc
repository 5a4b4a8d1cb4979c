// SchedulerCore: dynamic batching, batch starts and completions.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "scheduler/scheduler_core.h"

namespace braid::scheduler {

Nanos SchedulerCore::Work(const ModelQueue& q, int n, const DeviceRecord& d) const {
  if (n <= 0) return 0;
  const int batch = models_[q.model].config.max_batch_size;
  const Nanos full = static_cast<Nanos>(n / batch) * q.estimator.Estimate(batch);
  const int rest = n % batch;
  return full + (rest > 0 ? q.estimator.Estimate(rest) : 0);
}

void SchedulerCore::RecomputeWorkLocked(DeviceRecord& d, ModelQueue& q) {
  const Nanos work = Work(q, q.live, d);
  d.backlog += work - q.work;
  q.work = work;
}

int SchedulerCore::HeadLevelLocked(ModelQueue& q) {
  for (int level = kNumPriorities - 1; level >= 0; --level) {
    EntryRing& ring = q.levels[level];
    while (!ring.empty() && !IsLive(ring.front(), RequestState::kQueued)) {
      ring.pop_front();
      --q.dead;
    }
    if (!ring.empty()) return level;
  }
  return -1;
}

Nanos SchedulerCore::ReadyTimeLocked(DeviceRecord& d, int queue) {
  ModelQueue& q = d.queues[queue];
  const int level = HeadLevelLocked(q);
  if (level < 0) return kNoDeadline;
  const ModelConfig& config = models_[q.model].config;
  if (q.live >= config.max_batch_size || d.draining) return 0;
  const RequestRecord& head = records_[q.levels[level].front().slot];
  Nanos ready = AddSat(head.enqueue_time, config.max_queue_delay);
  if (head.deadline != kNoDeadline) {
    // Do not wait for a fuller batch past the point where the head could
    // still finish in time.
    ready = std::min(ready, head.deadline - q.estimator.Estimate(std::min(q.live, config.max_batch_size)));
  }
  return ready;
}

void SchedulerCore::MaybeDispatchLocked(int device, Effects& fx) {
  DeviceRecord& d = devices_[device];
  const CircuitState circuit = d.breaker.state();
  if (circuit == CircuitState::kOpen || shut_down_) return;
  const int max_batches = circuit == CircuitState::kHalfOpen ? 1 : d.info.max_concurrent_batches;
  while (d.queued > 0 && static_cast<int>(d.inflight.size()) < max_batches) {
    const Nanos now = clock_->Now();
    int best = -1;
    int best_priority = -1;
    Nanos best_enqueued = 0;
    Nanos wake = kNoDeadline;
    for (int qi = 0; qi < static_cast<int>(d.queues.size()); ++qi) {
      ModelQueue& q = d.queues[qi];
      if (q.live == 0) continue;
      const Nanos ready = ReadyTimeLocked(d, qi);
      if (ready > now) {
        wake = std::min(wake, ready);
        continue;
      }
      const int level = HeadLevelLocked(q);
      const RequestRecord& head = records_[q.levels[level].front().slot];
      if (best < 0 || level > best_priority || (level == best_priority && head.enqueue_time < best_enqueued)) {
        best = qi;
        best_priority = level;
        best_enqueued = head.enqueue_time;
      }
    }
    if (best < 0) {
      if (wake != kNoDeadline) ArmBatchTimerLocked(device, wake);
      return;
    }
    StartBatchLocked(device, best, fx);
  }
}

void SchedulerCore::StartBatchLocked(int device, int queue, Effects& fx) {
  DeviceRecord& d = devices_[device];
  ModelQueue& q = d.queues[queue];
  const ModelConfig& config = models_[q.model].config;
  const Nanos now = clock_->Now();
  const int max_batch = config.max_batch_size;
  const bool confident = Confident(q);
  const Nanos expected = q.estimator.Estimate(std::min(q.live, max_batch));

  InflightBatch batch;
  batch.id = next_batch_id_++;
  batch.queue = queue;
  batch.start = now;
  BatchJob job;
  job.batch_id = batch.id;
  job.model = config.name;
  while (static_cast<int>(batch.slots.size()) < max_batch) {
    const int level = HeadLevelLocked(q);
    if (level < 0) break;
    const uint32_t slot = q.levels[level].front().slot;
    q.levels[level].pop_front();
    --q.live;
    --d.queued;
    RequestRecord& rec = records_[slot];
    if (confident && rec.deadline != kNoDeadline && now + expected > rec.deadline) {
      rec.state = RequestState::kParked;
      AnswerLocked(slot,
                   absl::DeadlineExceededError(absl::StrCat(
                       "cannot finish by its deadline: a batch on ", d.info.name, " takes about ",
                       ToMilliseconds(expected), " ms and the deadline is ",
                       ToMilliseconds(rec.deadline - now), " ms away")),
                   {}, fx);
      continue;
    }
    rec.state = RequestState::kInFlight;
    rec.batch_id = batch.id;
    rec.start_time = now;
    ++rec.attempts;
    batch.slots.push_back(slot);
    job.inputs.push_back(rec.inputs);
  }
  RecomputeWorkLocked(d, q);
  const int n = static_cast<int>(batch.slots.size());
  if (n == 0) {
    policy_->OnDeviceChanged(*this, device);
    return;
  }
  MetricSet* sets[] = {&total_metrics_, &model_metrics_[q.model], &device_metrics_[device],
                       &vendor_metrics_[d.vendor]};
  for (uint32_t slot : batch.slots) {
    RequestRecord& rec = records_[slot];
    rec.batch_size = n;
    for (MetricSet* m : sets) m->queue_ns.Add(now - rec.submit_time);
  }
  for (MetricSet* m : sets) {
    ++m->batches;
    m->batch_size.Add(n);
  }
  const Nanos estimate = q.estimator.Estimate(n);
  batch.estimated_end = now + estimate;
  batch.cancelled = std::make_shared<std::atomic<bool>>(false);
  job.cancelled = batch.cancelled;
  d.inflight_requests += n;
  d.inflight.push_back(std::move(batch));
  fx.starts.push_back(Effects::Start{d.target, device, std::move(job)});

  const HealthOptions& h = options_.health;
  Nanos limit = std::max(h.watchdog_min, static_cast<Nanos>(h.watchdog_factor * static_cast<double>(estimate)));
  if (!confident) limit = std::max(limit, h.watchdog_unproven);
  const uint64_t batch_id = next_batch_id_ - 1;
  std::weak_ptr<SchedulerCore> weak = weak_from_this();
  clock_->RunAt(AddSat(now, limit), [weak, device, batch_id] {
    if (auto core = weak.lock()) core->OnWatchdog(device, batch_id);
  });
  policy_->OnDeviceChanged(*this, device);
}

void SchedulerCore::ArmBatchTimerLocked(int device, Nanos when) {
  DeviceRecord& d = devices_[device];
  if (when >= d.wake_at) return;
  d.wake_at = when;
  std::weak_ptr<SchedulerCore> weak = weak_from_this();
  clock_->RunAt(when, [weak, device, when] {
    if (auto core = weak.lock()) core->OnBatchTimer(device, when);
  });
}

void SchedulerCore::OnBatchTimer(int device, Nanos armed_for) {
  Effects fx;
  {
    std::lock_guard<std::mutex> lock(mu_);
    DeviceRecord& d = devices_[device];
    if (d.wake_at != armed_for) return;  // superseded by an earlier timer
    d.wake_at = kNoDeadline;
    MaybeDispatchLocked(device, fx);
  }
  Flush(fx);
}

void SchedulerCore::OnBatchDone(int device, uint64_t batch_id, BatchResult result) {
  Effects fx;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shut_down_) return;
    DeviceRecord& d = devices_[device];
    auto it = std::find_if(d.inflight.begin(), d.inflight.end(),
                           [batch_id](const InflightBatch& b) { return b.id == batch_id; });
    if (it == d.inflight.end()) return;  // the watchdog gave up on it already
    InflightBatch batch = std::move(*it);
    d.inflight.erase(it);
    const Nanos now = clock_->Now();
    ModelQueue& q = d.queues[batch.queue];
    const int n = static_cast<int>(batch.slots.size());
    d.inflight_requests -= n;
    MetricSet* sets[] = {&total_metrics_, &model_metrics_[q.model], &device_metrics_[device],
                         &vendor_metrics_[d.vendor]};
    bool changed;
    if (result.status.ok() && static_cast<int>(result.outputs.size()) == n) {
      q.estimator.Observe(n, now - batch.start);
      RecomputeWorkLocked(d, q);
      for (MetricSet* m : sets) m->run_ns.Add(now - batch.start);
      changed = d.breaker.RecordSuccess(now);
      for (int i = 0; i < n; ++i) {
        const uint32_t slot = batch.slots[i];
        RequestRecord& rec = records_[slot];
        if (rec.state != RequestState::kInFlight || rec.batch_id != batch_id) continue;
        absl::StatusOr<NamedValues>& out = result.outputs[i];
        if (out.ok()) {
          AnswerLocked(slot, absl::OkStatus(), std::move(*out), fx);
        } else {
          AnswerLocked(slot, out.status(), {}, fx);
        }
      }
    } else {
      for (MetricSet* m : sets) ++m->device_errors;
      changed = d.breaker.RecordFailure(now, /*hard=*/false);
      for (uint32_t slot : batch.slots) {
        RequestRecord& rec = records_[slot];
        if (rec.state != RequestState::kInFlight || rec.batch_id != batch_id) continue;
        RedispatchLocked(slot, device, fx);
      }
    }
    if (changed) DeviceStateChangedLocked(device, fx);
    MaybeDispatchLocked(device, fx);
    policy_->OnDeviceChanged(*this, device);
    // A finished batch frees a slot (and may have closed a half-open
    // circuit): parked requests get another chance.
    if (parked_live_ > 0) RetryParkedLocked(fx);
    CheckDrainedLocked(device, fx);
  }
  Flush(fx);
}

void SchedulerCore::OnWatchdog(int device, uint64_t batch_id) {
  Effects fx;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shut_down_) return;
    DeviceRecord& d = devices_[device];
    auto it = std::find_if(d.inflight.begin(), d.inflight.end(),
                           [batch_id](const InflightBatch& b) { return b.id == batch_id; });
    if (it == d.inflight.end()) return;  // finished in time
    InflightBatch batch = std::move(*it);
    d.inflight.erase(it);
    batch.cancelled->store(true);
    d.inflight_requests -= static_cast<int>(batch.slots.size());
    const Nanos now = clock_->Now();
    MetricSet* sets[] = {&total_metrics_, &model_metrics_[d.queues[batch.queue].model],
                         &device_metrics_[device], &vendor_metrics_[d.vendor]};
    for (MetricSet* m : sets) ++m->timeouts;
    const bool changed = d.breaker.RecordFailure(now, /*hard=*/true);
    for (uint32_t slot : batch.slots) {
      RequestRecord& rec = records_[slot];
      if (rec.state != RequestState::kInFlight || rec.batch_id != batch_id) continue;
      RedispatchLocked(slot, device, fx);
    }
    if (changed) DeviceStateChangedLocked(device, fx);
    policy_->OnDeviceChanged(*this, device);
    CheckDrainedLocked(device, fx);
  }
  Flush(fx);
}

}  // namespace braid::scheduler
