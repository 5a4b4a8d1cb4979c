// Scheduler's public face, model/device registration, topology and status.
#include "scheduler/scheduler.h"

#include <algorithm>
#include <bit>
#include <map>
#include <tuple>
#include <utility>

#include "scheduler/scheduler_core.h"

namespace braid::scheduler {

const char* SchedulerEventName(SchedulerEvent::Kind kind) {
  switch (kind) {
    case SchedulerEvent::Kind::kCircuitOpened:
      return "circuit-opened";
    case SchedulerEvent::Kind::kCircuitHalfOpen:
      return "circuit-half-open";
    case SchedulerEvent::Kind::kCircuitClosed:
      return "circuit-closed";
    case SchedulerEvent::Kind::kVendorDown:
      return "vendor-down";
    case SchedulerEvent::Kind::kVendorUp:
      return "vendor-up";
    case SchedulerEvent::Kind::kDeviceDrained:
      return "device-drained";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------
// Scheduler

absl::StatusOr<std::unique_ptr<Scheduler>> Scheduler::Create(Clock* clock,
                                                             std::unique_ptr<PlacementPolicy> policy,
                                                             SchedulerOptions options) {
  if (clock == nullptr) return absl::InvalidArgumentError("Scheduler::Create: clock is null");
  if (policy == nullptr) return absl::InvalidArgumentError("Scheduler::Create: placement policy is null");
  if (options.max_outstanding < 1) {
    return absl::InvalidArgumentError("Scheduler::Create: max_outstanding must be at least 1");
  }
  if (options.max_attempts < 1) {
    return absl::InvalidArgumentError("Scheduler::Create: max_attempts must be at least 1");
  }
  if (!(options.share.max_vendor_share > 0 && options.share.max_vendor_share <= 1)) {
    return absl::InvalidArgumentError("Scheduler::Create: share.max_vendor_share must be in (0, 1]");
  }
  if (options.share.window <= 0) {
    return absl::InvalidArgumentError("Scheduler::Create: share.window must be positive");
  }
  if (options.health.failures_to_open < 1 || options.health.open_cooldown <= 0 ||
      options.health.watchdog_factor <= 0 || options.health.watchdog_min <= 0) {
    return absl::InvalidArgumentError(
        "Scheduler::Create: health options need failures_to_open >= 1 and positive cooldown and "
        "watchdog limits");
  }
  auto core = std::make_shared<SchedulerCore>(clock, std::move(policy), std::move(options));
  return std::unique_ptr<Scheduler>(new Scheduler(std::move(core)));
}

Scheduler::Scheduler(std::shared_ptr<SchedulerCore> core) : core_(std::move(core)) {}
Scheduler::~Scheduler() { core_->Shutdown(); }

absl::Status Scheduler::RegisterModel(ModelConfig config) { return core_->RegisterModel(std::move(config)); }
absl::StatusOr<int> Scheduler::AddDevice(ExecutionTarget* target, std::vector<std::string> models) {
  return core_->AddDevice(target, std::move(models));
}
RequestId Scheduler::Submit(Request request, ResponseCallback callback) {
  return core_->Submit(std::move(request), std::move(callback));
}
std::future<Response> Scheduler::Submit(Request request) {
  auto promise = std::make_shared<std::promise<Response>>();
  std::future<Response> future = promise->get_future();
  core_->Submit(std::move(request), [promise](Response r) { promise->set_value(std::move(r)); });
  return future;
}
bool Scheduler::Cancel(RequestId id) { return core_->Cancel(id); }
absl::Status Scheduler::Drain(std::string_view device, std::function<void()> on_drained) {
  return core_->Drain(device, false, std::move(on_drained));
}
absl::Status Scheduler::DrainVendor(std::string_view vendor, std::function<void()> on_drained) {
  return core_->Drain(vendor, true, std::move(on_drained));
}
absl::Status Scheduler::Resume(std::string_view device) { return core_->Resume(device, false); }
absl::Status Scheduler::ResumeVendor(std::string_view vendor) { return core_->Resume(vendor, true); }
void Scheduler::Shutdown() { core_->Shutdown(); }
MetricsSnapshot Scheduler::Metrics() const { return core_->Metrics(); }
std::vector<DeviceStatus> Scheduler::Devices() const { return core_->Devices(); }
std::vector<VendorStatus> Scheduler::Vendors() const { return core_->Vendors(); }
std::vector<std::string> Scheduler::ModelsBelowVendorRedundancy() const {
  return core_->ModelsBelowVendorRedundancy();
}
uint64_t Scheduler::AvailableVendors() const { return core_->AvailableVendors(); }
std::vector<std::string> Scheduler::VendorNames() const { return core_->VendorNames(); }
std::string Scheduler::policy_name() const { return core_->policy_name(); }
Clock& Scheduler::clock() const { return core_->clock(); }

// ---------------------------------------------------------------------------
// SchedulerCore: registration and topology

SchedulerCore::SchedulerCore(Clock* clock, std::unique_ptr<PlacementPolicy> policy, SchedulerOptions options)
    : clock_(clock), options_(std::move(options)), policy_(std::move(policy)) {
  tenants_.push_back(TenantRecord{});
  tenant_index_[""] = 0;
}

absl::Status SchedulerCore::RegisterModel(ModelConfig config) {
  if (config.name.empty()) return absl::InvalidArgumentError("RegisterModel: model name is empty");
  if (config.max_batch_size < 1 || config.max_batch_size > 65536) {
    return absl::InvalidArgumentError("RegisterModel '" + config.name +
                                      "': max_batch_size must be in [1, 65536]");
  }
  if (config.queue_capacity < 1) {
    return absl::InvalidArgumentError("RegisterModel '" + config.name + "': queue_capacity must be >= 1");
  }
  if (config.max_queue_delay < 0) {
    return absl::InvalidArgumentError("RegisterModel '" + config.name + "': max_queue_delay is negative");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (model_index_.contains(config.name)) {
    return absl::AlreadyExistsError("RegisterModel: model '" + config.name + "' is already registered");
  }
  const int index = static_cast<int>(models_.size());
  model_index_[config.name] = index;
  models_.push_back(ModelRecord{std::move(config), {}, {}});
  model_metrics_.emplace_back();
  for (DeviceRecord& d : devices_) d.queue_of_model.push_back(-1);
  RebuildTopologyLocked();
  return absl::OkStatus();
}

absl::StatusOr<int> SchedulerCore::AddDevice(ExecutionTarget* target, std::vector<std::string> models) {
  if (target == nullptr) return absl::InvalidArgumentError("AddDevice: target is null");
  const TargetInfo& info = target->info();
  if (info.name.empty()) return absl::InvalidArgumentError("AddDevice: target has an empty name");
  if (info.max_concurrent_batches < 1) {
    return absl::InvalidArgumentError("AddDevice '" + info.name + "': max_concurrent_batches must be >= 1");
  }
  Effects fx;
  int index;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shut_down_) return absl::FailedPreconditionError("AddDevice: the scheduler is shut down");
    if (device_index_.contains(info.name)) {
      return absl::AlreadyExistsError("AddDevice: a device named '" + info.name + "' is already added");
    }
    std::vector<int> served;
    if (models.empty()) {
      for (int m = 0; m < static_cast<int>(models_.size()); ++m) served.push_back(m);
    } else {
      for (const std::string& name : models) {
        auto it = model_index_.find(name);
        if (it == model_index_.end()) {
          return absl::NotFoundError("AddDevice '" + info.name + "': model '" + name + "' is not registered");
        }
        served.push_back(it->second);
      }
      std::sort(served.begin(), served.end());
      served.erase(std::unique(served.begin(), served.end()), served.end());
    }
    int vendor = -1;
    for (int v = 0; v < static_cast<int>(vendors_.size()); ++v) {
      if (vendors_[v].name == info.vendor) vendor = v;
    }
    if (vendor < 0) {
      if (vendors_.size() >= 64) {
        return absl::ResourceExhaustedError("AddDevice '" + info.name + "': more than 64 vendors");
      }
      vendor = static_cast<int>(vendors_.size());
      vendors_.push_back(VendorRecord{info.vendor, {}, 0, 0, false});
      vendor_metrics_.emplace_back();
    }
    index = static_cast<int>(devices_.size());
    DeviceRecord d;
    d.target = target;
    d.info = info;
    d.vendor = vendor;
    d.breaker = CircuitBreaker(options_.health);
    d.queue_of_model.assign(models_.size(), -1);
    for (int m : served) {
      const std::optional<ModelCost> own = target->CostOf(models_[m].config.name);
      ModelQueue q;
      q.model = m;
      q.estimator = LatencyEstimator(PriorCurve(own ? *own : models_[m].config.cost, info),
                                     options_.estimate_alpha);
      d.queue_of_model[m] = static_cast<int>(d.queues.size());
      d.queues.push_back(std::move(q));
    }
    devices_.push_back(std::move(d));
    device_metrics_.emplace_back();
    device_index_[info.name] = index;
    RebuildTopologyLocked();
    RetryParkedLocked(fx);
  }
  Flush(fx);
  return index;
}

void SchedulerCore::RebuildTopologyLocked() {
  std::map<std::tuple<int, std::string, std::vector<int>>, int> pool_of_key;
  pools_.clear();
  for (ModelRecord& m : models_) m.devices.clear(), m.pools.clear();
  for (VendorRecord& v : vendors_) v.devices.clear(), v.unhealthy = 0, v.placeable = 0;
  for (int i = 0; i < static_cast<int>(devices_.size()); ++i) {
    DeviceRecord& d = devices_[i];
    std::vector<int> served;
    for (const ModelQueue& q : d.queues) served.push_back(q.model);
    auto key = std::make_tuple(d.vendor, d.info.kind, served);
    auto [it, inserted] = pool_of_key.emplace(key, static_cast<int>(pools_.size()));
    if (inserted) {
      PoolInfo pool;
      pool.vendor = d.vendor;
      pool.vendor_name = vendors_[d.vendor].name;
      pool.kind = d.info.kind;
      pools_.push_back(std::move(pool));
      for (int m : served) models_[m].pools.push_back(it->second);
    }
    d.pool = it->second;
    pools_[d.pool].devices.push_back(i);
    for (int m : served) models_[m].devices.push_back(i);
    vendors_[d.vendor].devices.push_back(i);
    if (d.breaker.state() != CircuitState::kClosed) ++vendors_[d.vendor].unhealthy;
  }
  for (ModelRecord& m : models_) std::sort(m.pools.begin(), m.pools.end());
  // Vendor state first (placeability depends on it), then device caches.
  for (VendorRecord& v : vendors_) {
    const int n = static_cast<int>(v.devices.size());
    v.down = v.unhealthy >= options_.health.vendor_down_min_devices &&
             v.unhealthy >= options_.health.vendor_down_fraction * n;
  }
  placeable_by_model_vendor_.assign(models_.size() * 64, 0);
  for (DeviceRecord& d : devices_) {
    d.placeable = ComputePlaceable(d);
    if (!d.placeable) continue;
    ++vendors_[d.vendor].placeable;
    for (const ModelQueue& q : d.queues) ++placeable_by_model_vendor_[q.model * 64 + d.vendor];
  }
  available_vendors_ = 0;
  for (int v = 0; v < static_cast<int>(vendors_.size()); ++v) {
    if (!vendors_[v].down && vendors_[v].placeable > 0) available_vendors_ |= uint64_t{1} << v;
  }
  share_ = VendorShareTracker(static_cast<int>(models_.size()), static_cast<int>(vendors_.size()),
                              options_.share);
  policy_->Reset(*this);
}

// ---------------------------------------------------------------------------
// Status and metrics

MetricsSnapshot SchedulerCore::Metrics() const {
  std::lock_guard<std::mutex> lock(mu_);
  MetricsSnapshot s;
  s.total = total_metrics_;
  for (size_t m = 0; m < models_.size(); ++m) s.per_model[models_[m].config.name] = model_metrics_[m];
  for (size_t d = 0; d < devices_.size(); ++d) s.per_device[devices_[d].info.name] = device_metrics_[d];
  for (size_t v = 0; v < vendors_.size(); ++v) s.per_vendor[vendors_[v].name] = vendor_metrics_[v];
  for (const TenantRecord& t : tenants_) {
    if (t.metrics.submitted > 0 || !t.name.empty()) s.per_tenant[t.name] = t.metrics;
  }
  s.outstanding = outstanding_;
  s.parked = parked_live_;
  return s;
}

std::vector<DeviceStatus> SchedulerCore::Devices() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DeviceStatus> out;
  for (const DeviceRecord& d : devices_) {
    DeviceStatus s;
    s.name = d.info.name;
    s.vendor = d.info.vendor;
    s.kind = d.info.kind;
    s.circuit = d.breaker.state();
    s.draining = d.draining;
    s.vendor_down = vendors_[d.vendor].down;
    s.queued = d.queued;
    s.inflight_requests = d.inflight_requests;
    s.error_rate = d.breaker.error_rate();
    for (const ModelQueue& q : d.queues) {
      s.estimates.emplace_back(models_[q.model].config.name, q.estimator.Estimate(1));
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<VendorStatus> SchedulerCore::Vendors() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<VendorStatus> out;
  for (int v = 0; v < static_cast<int>(vendors_.size()); ++v) {
    VendorStatus s;
    s.name = vendors_[v].name;
    s.devices = static_cast<int>(vendors_[v].devices.size());
    s.unhealthy = vendors_[v].unhealthy;
    for (int d : vendors_[v].devices) s.draining += devices_[d].draining ? 1 : 0;
    s.down = vendors_[v].down;
    s.share = share_.Share(clock_->Now(), -1, v);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> SchedulerCore::ModelsBelowVendorRedundancy() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  const int available = std::popcount(available_vendors_);
  const int need = std::min(options_.min_vendors_per_model, available);
  for (int m = 0; m < static_cast<int>(models_.size()); ++m) {
    int vendors = 0;
    for (int v = 0; v < static_cast<int>(vendors_.size()); ++v) {
      if ((available_vendors_ >> v & 1) && placeable_by_model_vendor_[m * 64 + v] > 0) ++vendors;
    }
    if (vendors < need) out.push_back(models_[m].config.name);
  }
  return out;
}

uint64_t SchedulerCore::AvailableVendors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return available_vendors_;
}

std::vector<std::string> SchedulerCore::VendorNames() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const VendorRecord& v : vendors_) out.push_back(v.name);
  return out;
}

std::string SchedulerCore::policy_name() const {
  std::lock_guard<std::mutex> lock(mu_);
  return policy_->name();
}

}  // namespace braid::scheduler
