// SchedulerCore: admission, placement, queues, answers, deadlines, cancel,
// and the FleetView the policies read.
#include <algorithm>
#include <bit>
#include <utility>

#include "absl/strings/str_cat.h"
#include "scheduler/scheduler_core.h"

namespace braid::scheduler {
namespace {

RequestId MakeId(uint32_t slot, uint32_t generation) {
  return (static_cast<uint64_t>(generation) << 32) | (static_cast<uint64_t>(slot) + 1);
}

void CountOutcome(MetricSet& m, const absl::Status& status, Nanos latency) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      ++m.completed;
      m.latency_ns.Add(latency);
      break;
    case absl::StatusCode::kDeadlineExceeded:
      ++m.deadline_exceeded;
      break;
    case absl::StatusCode::kResourceExhausted:
      ++m.rejected;
      break;
    case absl::StatusCode::kCancelled:
      ++m.cancelled;
      break;
    case absl::StatusCode::kUnavailable:
      ++m.unavailable;
      break;
    default:
      ++m.failed;
      break;
  }
}

}  // namespace

uint32_t SchedulerCore::AllocateLocked() {
  ++outstanding_;
  if (!free_slots_.empty()) {
    const uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  records_.emplace_back();
  return static_cast<uint32_t>(records_.size() - 1);
}

RequestId SchedulerCore::Submit(Request request, ResponseCallback callback) {
  Effects fx;
  RequestId id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const Nanos now = clock_->Now();
    auto tenant_it = tenant_index_.find(request.tenant);
    int tenant;
    if (tenant_it != tenant_index_.end()) {
      tenant = tenant_it->second;
    } else {
      tenant = static_cast<int>(tenants_.size());
      tenant_index_[request.tenant] = tenant;
      tenants_.push_back(TenantRecord{request.tenant, 0, {}});
    }
    auto model_it = model_index_.find(request.model);
    const int model = model_it == model_index_.end() ? -1 : model_it->second;

    absl::Status rejection;
    if (shut_down_) {
      rejection = absl::UnavailableError("the scheduler is shut down");
    } else if (model < 0) {
      rejection = absl::NotFoundError("model '" + request.model + "' is not registered with the scheduler");
    } else if (outstanding_ >= options_.max_outstanding) {
      rejection = absl::ResourceExhaustedError(
          absl::StrCat("the scheduler already holds ", outstanding_, " unanswered requests (max_outstanding)"));
    } else if (options_.max_outstanding_per_tenant > 0 &&
               tenants_[tenant].outstanding >= options_.max_outstanding_per_tenant) {
      rejection = absl::ResourceExhaustedError(absl::StrCat("tenant '", request.tenant, "' already has ",
                                                            tenants_[tenant].outstanding,
                                                            " unanswered requests (max_outstanding_per_tenant)"));
    } else if (request.deadline <= now) {
      rejection = absl::DeadlineExceededError("the request's deadline had passed when it was submitted");
    }

    const uint32_t slot = AllocateLocked();
    RequestRecord& rec = records_[slot];
    id = MakeId(slot, rec.generation);
    rec.model = model;
    rec.priority = std::clamp(request.priority, 0, kNumPriorities - 1);
    rec.tenant = tenant;
    rec.device = -1;
    rec.avoid_device = -1;
    rec.attempts = 0;
    rec.batch_size = 0;
    rec.retry = false;
    rec.submit_time = now;
    rec.start_time = 0;
    rec.deadline = request.deadline;
    rec.inputs = std::move(request.inputs);
    rec.callback = std::move(callback);
    rec.state = RequestState::kParked;  // in transit until placed or answered
    ++tenants_[tenant].outstanding;
    ++total_metrics_.submitted;
    ++tenants_[tenant].metrics.submitted;
    if (model >= 0) ++model_metrics_[model].submitted;

    if (!rejection.ok()) {
      AnswerLocked(slot, std::move(rejection), {}, fx);
    } else {
      PlaceLocked(slot, fx);
    }
  }
  Flush(fx);
  return id;
}

SchedulerCore::PlaceResult SchedulerCore::PlaceLocked(uint32_t slot, Effects& fx) {
  RequestRecord& rec = records_[slot];
  const int m = rec.model;
  const Nanos now = clock_->Now();
  const ModelRecord& model = models_[m];
  if (model.devices.empty()) {
    AnswerLocked(slot, absl::UnavailableError("no device serves model '" + model.config.name + "'"), {}, fx);
    return PlaceResult::kAnswered;
  }
  uint64_t available = 0;
  for (uint64_t bits = available_vendors_; bits != 0; bits &= bits - 1) {
    const int v = std::countr_zero(bits);
    if (placeable_by_model_vendor_[m * 64 + v] > 0) available |= uint64_t{1} << v;
  }
  const uint64_t allowed = share_.Allowed(now, m, available);
  PlacementQuery query;
  query.model = m;
  query.now = now;
  query.deadline = rec.deadline;
  query.priority = rec.priority;
  // Vendors outside the share game (down, or nothing usable) stay allowed:
  // only their half-open probe devices can be eligible.
  query.vendors = allowed | ~available;
  query.avoid_device = rec.retry ? rec.avoid_device : -1;
  query.retry = rec.retry;

  int device = policy_->Place(*this, query);
  if (device < 0 && allowed != available) {
    query.vendors = ~uint64_t{0};  // the limit yields to capacity
    device = policy_->Place(*this, query);
  } else if (device >= 0 && !options_.share.strict && allowed != available &&
             rec.deadline != kNoDeadline && EstimatedCompletion(device, query) > rec.deadline) {
    PlacementQuery open = query;
    open.vendors = ~uint64_t{0};
    const int other = policy_->Place(*this, open);
    if (other >= 0 && EstimatedCompletion(other, open) <= rec.deadline) device = other;
  }
  if (device < 0 && query.avoid_device >= 0) {
    query.avoid_device = -1;
    device = policy_->Place(*this, query);
  }
  if (device < 0) {
    if (!rec.retry) {
      bool room = false;
      for (int d : model.devices) {
        const DeviceRecord& dev = devices_[d];
        if (dev.placeable && dev.queues[dev.queue_of_model[m]].live < model.config.queue_capacity) {
          room = true;
          break;
        }
      }
      bool any_placeable = false;
      for (int d : model.devices) any_placeable |= devices_[d].placeable;
      if (any_placeable && !room) {
        AnswerLocked(slot,
                     absl::ResourceExhaustedError("every queue for model '" + model.config.name +
                                                  "' is full (queue_capacity " +
                                                  std::to_string(model.config.queue_capacity) + ")"),
                     {}, fx);
        return PlaceResult::kAnswered;
      }
    }
    ParkLocked(slot);
    return PlaceResult::kParked;
  }
  if (rec.deadline != kNoDeadline) {
    const DeviceRecord& dev = devices_[device];
    const ModelQueue& q = dev.queues[dev.queue_of_model[m]];
    const Nanos eta = EstimatedCompletion(device, query);
    if (Confident(q) && eta > rec.deadline) {
      AnswerLocked(slot,
                   absl::DeadlineExceededError(absl::StrCat(
                       "cannot finish by its deadline: the best placement (", dev.info.name,
                       ") is estimated to finish ", ToMilliseconds(eta - rec.deadline), " ms late")),
                   {}, fx);
      return PlaceResult::kAnswered;
    }
  }
  EnqueueLocked(slot, device, fx);
  return PlaceResult::kQueued;
}

void SchedulerCore::EnqueueLocked(uint32_t slot, int device, Effects& fx) {
  RequestRecord& rec = records_[slot];
  DeviceRecord& dev = devices_[device];
  ModelQueue& q = dev.queues[dev.queue_of_model[rec.model]];
  const Nanos now = clock_->Now();
  rec.state = RequestState::kQueued;
  rec.device = device;
  rec.enqueue_time = now;
  rec.ticket = next_ticket_++;
  q.levels[rec.priority].push_back(QueueEntry{slot, rec.ticket});
  ++q.live;
  ++dev.queued;
  RecomputeWorkLocked(dev, q);
  share_.Record(now, rec.model, dev.vendor);
  ++total_metrics_.placed;
  ++model_metrics_[rec.model].placed;
  ++device_metrics_[device].placed;
  ++vendor_metrics_[dev.vendor].placed;
  if (rec.deadline != kNoDeadline) {
    const Nanos run = Confident(q) ? q.estimator.Estimate(1) : 0;
    PushDeadlineLocked(slot, rec.deadline - run);
  }
  policy_->OnDeviceChanged(*this, device);
  MaybeDispatchLocked(device, fx);
}

void SchedulerCore::ParkLocked(uint32_t slot) {
  RequestRecord& rec = records_[slot];
  rec.state = RequestState::kParked;
  rec.ticket = next_ticket_++;
  if (parked_.size() > 1024 && parked_.size() > 2 * static_cast<size_t>(parked_live_)) {
    // Drop entries of requests answered meanwhile, so the list stays bounded.
    EntryRing kept;
    for (size_t i = 0; i < parked_.size(); ++i) {
      if (IsLive(parked_[i], RequestState::kParked)) kept.push_back(parked_[i]);
    }
    parked_ = std::move(kept);
  }
  parked_.push_back(QueueEntry{slot, rec.ticket});
  ++parked_live_;
  if (rec.deadline != kNoDeadline) PushDeadlineLocked(slot, rec.deadline);
}

void SchedulerCore::RemoveQueuedLocked(uint32_t slot) {
  RequestRecord& rec = records_[slot];
  DeviceRecord& dev = devices_[rec.device];
  ModelQueue& q = dev.queues[dev.queue_of_model[rec.model]];
  rec.state = RequestState::kParked;  // no longer live in the queue
  --q.live;
  ++q.dead;
  --dev.queued;
  RecomputeWorkLocked(dev, q);
  if (q.dead > 32 && q.dead > q.live) CompactLocked(q);
  policy_->OnDeviceChanged(*this, rec.device);
}

void SchedulerCore::CompactLocked(ModelQueue& q) {
  for (EntryRing& level : q.levels) {
    EntryRing kept;
    for (size_t i = 0; i < level.size(); ++i) {
      if (IsLive(level[i], RequestState::kQueued)) kept.push_back(level[i]);
    }
    level = std::move(kept);
  }
  q.dead = 0;
}

void SchedulerCore::AnswerLocked(uint32_t slot, absl::Status status, NamedValues outputs, Effects& fx) {
  RequestRecord& rec = records_[slot];
  const Nanos now = clock_->Now();
  Response r;
  r.id = MakeId(slot, rec.generation);
  r.status = std::move(status);
  r.outputs = std::move(outputs);
  r.device = rec.device;
  r.attempts = rec.attempts;
  r.batch_size = rec.batch_size;
  r.submit_time = rec.submit_time;
  r.start_time = rec.start_time;
  r.finish_time = now;
  const Nanos latency = now - rec.submit_time;
  CountOutcome(total_metrics_, r.status, latency);
  CountOutcome(tenants_[rec.tenant].metrics, r.status, latency);
  if (rec.model >= 0) CountOutcome(model_metrics_[rec.model], r.status, latency);
  if (rec.device >= 0) {
    CountOutcome(device_metrics_[rec.device], r.status, latency);
    CountOutcome(vendor_metrics_[devices_[rec.device].vendor], r.status, latency);
  }
  fx.answers.push_back(Effects::Answer{std::move(rec.callback), std::move(r)});
  --tenants_[rec.tenant].outstanding;
  --outstanding_;
  rec.callback = nullptr;
  rec.inputs = NamedValues();
  rec.state = RequestState::kFree;
  rec.ticket = 0;
  rec.batch_id = 0;
  ++rec.generation;
  free_slots_.push_back(slot);
}

void SchedulerCore::PushDeadlineLocked(uint32_t slot, Nanos expire_at) {
  if (deadlines_.size() > 1024 && deadlines_.size() > 2 * static_cast<size_t>(outstanding_)) {
    // Entries of answered requests linger until their time; with far-off
    // deadlines they would pile up. Keep only live ones.
    std::erase_if(deadlines_, [this](const DeadlineEntry& e) {
      const RequestRecord& r = records_[e.slot];
      return r.ticket != e.ticket || (r.state != RequestState::kQueued && r.state != RequestState::kParked);
    });
    std::make_heap(deadlines_.begin(), deadlines_.end(), std::greater<>());
  }
  deadlines_.push_back(DeadlineEntry{expire_at, slot, records_[slot].ticket});
  std::push_heap(deadlines_.begin(), deadlines_.end(), std::greater<>());
  ArmDeadlineTimerLocked();
}

void SchedulerCore::ArmDeadlineTimerLocked() {
  if (deadlines_.empty()) return;
  const Nanos when = deadlines_.front().expire_at;
  if (when >= deadline_timer_at_) return;
  deadline_timer_at_ = when;
  std::weak_ptr<SchedulerCore> weak = weak_from_this();
  clock_->RunAt(when, [weak, when] {
    if (auto core = weak.lock()) core->OnDeadlineTimer(when);
  });
}

void SchedulerCore::OnDeadlineTimer(Nanos armed_for) {
  Effects fx;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (armed_for == deadline_timer_at_) deadline_timer_at_ = kNoDeadline;
    const Nanos now = clock_->Now();
    while (!deadlines_.empty() && deadlines_.front().expire_at <= now) {
      std::pop_heap(deadlines_.begin(), deadlines_.end(), std::greater<>());
      const DeadlineEntry e = deadlines_.back();
      deadlines_.pop_back();
      RequestRecord& rec = records_[e.slot];
      if (rec.ticket != e.ticket) continue;
      if (rec.state == RequestState::kQueued) {
        RemoveQueuedLocked(e.slot);
        AnswerLocked(e.slot,
                     absl::DeadlineExceededError(absl::StrCat(
                         "cannot finish by its deadline: still queued on ", devices_[rec.device].info.name,
                         " after ", ToMilliseconds(now - rec.submit_time), " ms")),
                     {}, fx);
      } else if (rec.state == RequestState::kParked) {
        --parked_live_;
        AnswerLocked(e.slot,
                     absl::DeadlineExceededError(absl::StrCat(
                         "deadline passed while no device could take the request (waited ",
                         ToMilliseconds(now - rec.submit_time), " ms)")),
                     {}, fx);
      }
    }
    ArmDeadlineTimerLocked();
  }
  Flush(fx);
}

bool SchedulerCore::Cancel(RequestId id) {
  const uint32_t slot = static_cast<uint32_t>((id & 0xffffffffu) - 1);
  const uint32_t generation = static_cast<uint32_t>(id >> 32);
  Effects fx;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (id == kInvalidRequestId || slot >= records_.size()) return false;
    RequestRecord& rec = records_[slot];
    if (rec.generation != generation || rec.state == RequestState::kFree) return false;
    switch (rec.state) {
      case RequestState::kQueued:
        RemoveQueuedLocked(slot);
        break;
      case RequestState::kParked:
        --parked_live_;
        break;
      case RequestState::kInFlight: {
        DeviceRecord& dev = devices_[rec.device];
        const uint64_t batch_id = rec.batch_id;
        rec.state = RequestState::kParked;  // not live in its batch any more
        for (InflightBatch& b : dev.inflight) {
          if (b.id != batch_id) continue;
          bool any_live = false;
          for (uint32_t s : b.slots) {
            any_live |= records_[s].state == RequestState::kInFlight && records_[s].batch_id == batch_id;
          }
          if (!any_live) b.cancelled->store(true);
        }
        break;
      }
      case RequestState::kFree:
        return false;
    }
    AnswerLocked(slot, absl::CancelledError("cancelled by the caller"), {}, fx);
  }
  Flush(fx);
  return true;
}

void SchedulerCore::Flush(Effects& fx) {
  for (Effects::Start& s : fx.starts) {
    std::weak_ptr<SchedulerCore> weak = weak_from_this();
    const int device = s.device;
    const uint64_t batch_id = s.job.batch_id;
    s.target->StartBatch(std::move(s.job), [weak, device, batch_id](BatchResult result) {
      if (auto core = weak.lock()) core->OnBatchDone(device, batch_id, std::move(result));
    });
  }
  for (Effects::Answer& a : fx.answers) {
    if (a.callback) a.callback(std::move(a.response));
  }
  if (options_.on_event) {
    for (const SchedulerEvent& e : fx.events) options_.on_event(e);
  }
  for (auto& fn : fx.callbacks) fn();
}

// ---------------------------------------------------------------------------
// FleetView

bool SchedulerCore::Eligible(int device, const PlacementQuery& query) const {
  const DeviceRecord& d = devices_[device];
  if (!d.placeable || !(query.vendors >> d.vendor & 1) || device == query.avoid_device) return false;
  const int qi = d.queue_of_model[query.model];
  if (qi < 0) return false;
  if (d.breaker.state() == CircuitState::kHalfOpen) {
    // One probe batch at a time.
    if (!d.inflight.empty() || d.queued > 0) return false;
  }
  return query.retry || d.queues[qi].live < models_[query.model].config.queue_capacity;
}

DeviceLoad SchedulerCore::Load(int device) const {
  const DeviceRecord& d = devices_[device];
  DeviceLoad load;
  load.queued = d.queued;
  load.inflight_requests = d.inflight_requests;
  load.inflight_batches = static_cast<int>(d.inflight.size());
  load.max_batches = d.info.max_concurrent_batches;
  load.backlog = d.backlog;
  if (!d.inflight.empty()) {
    load.earliest_end = d.inflight.front().estimated_end;
    for (const InflightBatch& b : d.inflight) load.earliest_end = std::min(load.earliest_end, b.estimated_end);
  }
  return load;
}

Nanos SchedulerCore::EstimatedCompletion(int device, const PlacementQuery& query) const {
  const DeviceRecord& d = devices_[device];
  const ModelQueue& q = d.queues[d.queue_of_model[query.model]];
  const int max_batches = std::max(d.info.max_concurrent_batches, 1);
  Nanos start = query.now;
  if (static_cast<int>(d.inflight.size()) >= max_batches) {
    Nanos earliest = d.inflight.front().estimated_end;
    for (const InflightBatch& b : d.inflight) earliest = std::min(earliest, b.estimated_end);
    start = std::max(start, earliest);
  }
  return start + d.backlog / max_batches + (Work(q, q.live + 1, d) - q.work);
}

Nanos SchedulerCore::EstimatedRunTime(int device, int model) const {
  const DeviceRecord& d = devices_[device];
  const ModelQueue& q = d.queues[d.queue_of_model[model]];
  return Work(q, q.live + 1, d) - q.work;
}

}  // namespace braid::scheduler
