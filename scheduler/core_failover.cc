// SchedulerCore: health transitions, failover, vendor outages, drain,
// parked requests and shutdown.
#include <algorithm>
#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "scheduler/scheduler_core.h"

namespace braid::scheduler {

bool SchedulerCore::ComputePlaceable(const DeviceRecord& d) const {
  if (d.draining || shut_down_) return false;
  switch (d.breaker.state()) {
    case CircuitState::kClosed:
      return !vendors_[d.vendor].down;
    case CircuitState::kHalfOpen:
      return true;  // probes only (see Eligible)
    case CircuitState::kOpen:
      return false;
  }
  return false;
}

void SchedulerCore::EmitLocked(SchedulerEvent::Kind kind, int device, int vendor, std::string detail,
                               Effects& fx) {
  if (!options_.on_event) return;
  SchedulerEvent e;
  e.kind = kind;
  e.time = clock_->Now();
  if (device >= 0) e.device = devices_[device].info.name;
  if (vendor >= 0) e.vendor = vendors_[vendor].name;
  e.detail = std::move(detail);
  fx.events.push_back(std::move(e));
}

void SchedulerCore::RedispatchLocked(uint32_t slot, int failed_device, Effects& fx) {
  RequestRecord& rec = records_[slot];
  const Nanos now = clock_->Now();
  ++total_metrics_.redispatched;
  ++model_metrics_[rec.model].redispatched;
  ++device_metrics_[failed_device].redispatched;
  ++vendor_metrics_[devices_[failed_device].vendor].redispatched;
  rec.state = RequestState::kParked;  // in transit
  rec.retry = true;
  rec.avoid_device = failed_device;
  const std::string& from = devices_[failed_device].info.name;
  if (rec.deadline <= now) {
    AnswerLocked(slot, absl::DeadlineExceededError("the deadline passed while moving the request off " + from),
                 {}, fx);
    return;
  }
  if (rec.attempts >= options_.max_attempts) {
    AnswerLocked(slot,
                 absl::UnavailableError(absl::StrCat("gave up after ", rec.attempts,
                                                     " attempts on failing devices (last: ", from, ")")),
                 {}, fx);
    return;
  }
  PlaceLocked(slot, fx);
}

void SchedulerCore::EvacuateQueuesLocked(int device, Effects& fx) {
  DeviceRecord& d = devices_[device];
  if (d.queued == 0) return;
  std::vector<uint32_t> slots;
  for (ModelQueue& q : d.queues) {
    for (int level = kNumPriorities - 1; level >= 0; --level) {
      EntryRing& ring = q.levels[level];
      for (size_t i = 0; i < ring.size(); ++i) {
        if (IsLive(ring[i], RequestState::kQueued)) slots.push_back(ring[i].slot);
      }
      ring.clear();
    }
    q.live = 0;
    q.dead = 0;
    q.work = 0;
  }
  d.queued = 0;
  d.backlog = 0;
  policy_->OnDeviceChanged(*this, device);
  for (uint32_t slot : slots) RedispatchLocked(slot, device, fx);
}

void SchedulerCore::DeviceStateChangedLocked(int device, Effects& fx) {
  DeviceRecord& d = devices_[device];
  const CircuitState state = d.breaker.state();
  if (state != d.reported_circuit) {
    const CircuitState before = d.reported_circuit;
    d.reported_circuit = state;
    SchedulerEvent::Kind kind = state == CircuitState::kOpen       ? SchedulerEvent::Kind::kCircuitOpened
                                : state == CircuitState::kHalfOpen ? SchedulerEvent::Kind::kCircuitHalfOpen
                                                                   : SchedulerEvent::Kind::kCircuitClosed;
    EmitLocked(kind, device, d.vendor,
               absl::StrCat(CircuitStateName(before), " -> ", CircuitStateName(state),
                            ", error rate ", d.breaker.error_rate()),
               fx);
  }
  UpdateVendorLocked(d.vendor, fx);
  if (state == CircuitState::kOpen) {
    EvacuateQueuesLocked(device, fx);
    ArmCircuitTimerLocked(device);
  }
}

void SchedulerCore::UpdateVendorLocked(int vendor, Effects& fx) {
  VendorRecord& v = vendors_[vendor];
  int unhealthy = 0;
  for (int d : v.devices) unhealthy += devices_[d].breaker.state() != CircuitState::kClosed ? 1 : 0;
  v.unhealthy = unhealthy;
  const bool down = unhealthy >= options_.health.vendor_down_min_devices &&
                    unhealthy >= options_.health.vendor_down_fraction * static_cast<double>(v.devices.size());
  if (down != v.down) {
    v.down = down;
    EmitLocked(down ? SchedulerEvent::Kind::kVendorDown : SchedulerEvent::Kind::kVendorUp, -1, vendor,
               absl::StrCat(unhealthy, " of ", v.devices.size(), " devices unhealthy"), fx);
  }
  // Refresh placeability of the vendor's devices, then move work off the
  // ones that lost it, then let parked requests try the ones that gained it.
  std::vector<int> lost;
  bool gained = false;
  for (int i : v.devices) {
    DeviceRecord& d = devices_[i];
    const bool p = ComputePlaceable(d);
    if (p == d.placeable) continue;
    d.placeable = p;
    const int delta = p ? 1 : -1;
    v.placeable += delta;
    for (const ModelQueue& q : d.queues) placeable_by_model_vendor_[q.model * 64 + vendor] += delta;
    policy_->OnDeviceChanged(*this, i);
    if (p) {
      gained = true;
    } else {
      lost.push_back(i);
    }
  }
  const uint64_t bit = uint64_t{1} << vendor;
  const uint64_t available = (!v.down && v.placeable > 0) ? (available_vendors_ | bit) : (available_vendors_ & ~bit);
  if (available != available_vendors_) {
    available_vendors_ = available;
    share_.Reset();  // shares measured with another set of vendors say nothing now
  }
  for (int i : lost) EvacuateQueuesLocked(i, fx);
  if (gained) RetryParkedLocked(fx);
}

void SchedulerCore::ArmCircuitTimerLocked(int device) {
  DeviceRecord& d = devices_[device];
  if (d.circuit_timer_armed) return;
  d.circuit_timer_armed = true;
  std::weak_ptr<SchedulerCore> weak = weak_from_this();
  clock_->RunAt(d.breaker.retry_at(), [weak, device] {
    if (auto core = weak.lock()) core->OnCircuitTimer(device);
  });
}

void SchedulerCore::OnCircuitTimer(int device) {
  Effects fx;
  {
    std::lock_guard<std::mutex> lock(mu_);
    DeviceRecord& d = devices_[device];
    d.circuit_timer_armed = false;
    if (shut_down_ || d.breaker.state() != CircuitState::kOpen) return;
    const Nanos now = clock_->Now();
    if (now < d.breaker.retry_at()) {
      ArmCircuitTimerLocked(device);
      return;
    }
    if (d.target->CheckHealth().ok()) {
      d.breaker.TryHalfOpen(now);
      DeviceStateChangedLocked(device, fx);
    } else {
      d.breaker.ExtendOpen(now);
      ArmCircuitTimerLocked(device);
    }
  }
  Flush(fx);
}

void SchedulerCore::RetryParkedLocked(Effects& fx) {
  if (parked_live_ == 0) {
    parked_.clear();
    return;
  }
  EntryRing waiting = std::move(parked_);
  parked_ = EntryRing();
  parked_live_ = 0;
  for (size_t i = 0; i < waiting.size(); ++i) {
    if (!IsLive(waiting[i], RequestState::kParked)) continue;
    PlaceLocked(waiting[i].slot, fx);
  }
}

void SchedulerCore::CheckDrainedLocked(int device, Effects& fx) {
  DeviceRecord& d = devices_[device];
  if (!d.draining || !d.inflight.empty() || d.queued > 0) return;
  for (auto& fn : d.on_drained) {
    if (fn) fx.callbacks.push_back(std::move(fn));
  }
  d.on_drained.clear();
  if (!d.drain_reported) {
    d.drain_reported = true;
    EmitLocked(SchedulerEvent::Kind::kDeviceDrained, device, d.vendor, "", fx);
  }
}

absl::Status SchedulerCore::Drain(std::string_view name, bool vendor, std::function<void()> on_drained) {
  Effects fx;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<int> targets;
    int vendor_index = -1;
    if (vendor) {
      for (int v = 0; v < static_cast<int>(vendors_.size()); ++v) {
        if (vendors_[v].name == name) vendor_index = v;
      }
      if (vendor_index < 0) return absl::NotFoundError("Drain: no vendor named '" + std::string(name) + "'");
      targets = vendors_[vendor_index].devices;
    } else {
      auto it = device_index_.find(std::string(name));
      if (it == device_index_.end()) return absl::NotFoundError("Drain: no device named '" + std::string(name) + "'");
      targets = {it->second};
    }
    std::function<void()> done = std::move(on_drained);
    if (done && targets.size() > 1) {
      auto remaining = std::make_shared<std::atomic<int>>(static_cast<int>(targets.size()));
      done = [remaining, fn = std::move(done)] {
        if (remaining->fetch_sub(1) == 1) fn();
      };
    }
    std::vector<int> vendors_touched;
    for (int d : targets) {
      if (!devices_[d].draining) devices_[d].drain_reported = false;
      devices_[d].draining = true;
      if (done) devices_[d].on_drained.push_back(done);
      vendors_touched.push_back(devices_[d].vendor);
    }
    std::sort(vendors_touched.begin(), vendors_touched.end());
    vendors_touched.erase(std::unique(vendors_touched.begin(), vendors_touched.end()), vendors_touched.end());
    for (int v : vendors_touched) UpdateVendorLocked(v, fx);
    for (int d : targets) CheckDrainedLocked(d, fx);
  }
  Flush(fx);
  return absl::OkStatus();
}

absl::Status SchedulerCore::Resume(std::string_view name, bool vendor) {
  Effects fx;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<int> targets;
    if (vendor) {
      for (const VendorRecord& v : vendors_) {
        if (v.name == name) targets = v.devices;
      }
      if (targets.empty()) return absl::NotFoundError("Resume: no vendor named '" + std::string(name) + "'");
    } else {
      auto it = device_index_.find(std::string(name));
      if (it == device_index_.end()) return absl::NotFoundError("Resume: no device named '" + std::string(name) + "'");
      targets = {it->second};
    }
    for (int d : targets) {
      devices_[d].draining = false;
      devices_[d].on_drained.clear();  // drain abandoned: never reported
    }
    std::vector<bool> touched(vendors_.size(), false);
    for (int d : targets) touched[devices_[d].vendor] = true;
    for (int v = 0; v < static_cast<int>(vendors_.size()); ++v) {
      if (touched[v]) UpdateVendorLocked(v, fx);
    }
    for (int d : targets) MaybeDispatchLocked(d, fx);
  }
  Flush(fx);
  return absl::OkStatus();
}

void SchedulerCore::Shutdown() {
  Effects fx;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shut_down_) return;
    shut_down_ = true;
    const absl::Status why = absl::CancelledError("the scheduler shut down before the request ran");
    for (int i = 0; i < static_cast<int>(devices_.size()); ++i) {
      DeviceRecord& d = devices_[i];
      for (InflightBatch& b : d.inflight) {
        b.cancelled->store(true);
        for (uint32_t slot : b.slots) {
          RequestRecord& rec = records_[slot];
          if (rec.state == RequestState::kInFlight && rec.batch_id == b.id) AnswerLocked(slot, why, {}, fx);
        }
      }
      d.inflight.clear();
      d.inflight_requests = 0;
      for (ModelQueue& q : d.queues) {
        for (EntryRing& ring : q.levels) {
          for (size_t k = 0; k < ring.size(); ++k) {
            if (IsLive(ring[k], RequestState::kQueued)) AnswerLocked(ring[k].slot, why, {}, fx);
          }
          ring.clear();
        }
        q.live = q.dead = 0;
        q.work = 0;
      }
      d.queued = 0;
      d.backlog = 0;
      d.placeable = false;
      for (auto& fn : d.on_drained) {
        if (fn) fx.callbacks.push_back(std::move(fn));
      }
      d.on_drained.clear();
    }
    for (size_t k = 0; k < parked_.size(); ++k) {
      if (IsLive(parked_[k], RequestState::kParked)) AnswerLocked(parked_[k].slot, why, {}, fx);
    }
    parked_.clear();
    parked_live_ = 0;
    deadlines_.clear();
  }
  Flush(fx);
}

}  // namespace braid::scheduler
