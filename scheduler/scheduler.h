// Scheduler: places inference requests across a mixed-vendor fleet.
//
//   RealClock clock;
//   auto scheduler = Scheduler::Create(&clock, MakePolicy("ect").value(), options).value();
//   scheduler->RegisterModel({.name = "resnet50", .max_batch_size = 16});
//   scheduler->AddDevice(&gpu0_target);
//   std::future<Response> answer = scheduler->Submit(Request{.model = "resnet50", .inputs = ...});
//
// Each device has one queue per model it serves; requests are placed on a
// device at submission (by the placement policy), batched dynamically per
// (model, device) (up to max_batch_size, waiting at most max_queue_delay),
// run highest priority first, and answered exactly once. Devices that fail
// or hang are taken out by a circuit breaker and their queued and in-flight
// requests re-dispatched; a vendor with half of its devices down is taken
// out as a whole. The same code runs on a real clock and on the simulator's
// virtual clock (deterministic there).
//
// Thread-safety: every method may be called from any thread. Callbacks
// (responses, events, drain notifications) run without scheduler locks.
// Lifetime: the Clock and the targets must outlive the Scheduler; a
// target's late completion after the Scheduler is gone is ignored.
#ifndef BRAID_SCHEDULER_SCHEDULER_H_
#define BRAID_SCHEDULER_SCHEDULER_H_

#include <functional>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "scheduler/clock.h"
#include "scheduler/health.h"
#include "scheduler/metrics.h"
#include "scheduler/policy.h"
#include "scheduler/request.h"
#include "scheduler/target.h"
#include "scheduler/types.h"
#include "scheduler/vendor_share.h"

namespace braid::scheduler {

struct ModelConfig {
  std::string name;
  int max_batch_size = 8;
  // A partial batch waits at most this long for more requests.
  Nanos max_queue_delay = Milliseconds(2);
  // Per (model, device) queue; new requests beyond it are not placed there.
  int queue_capacity = 256;
  // Cost of one run, for the latency prior of targets that do not report
  // their own (ExecutionTarget::CostOf).
  ModelCost cost;
};

struct SchedulerEvent {
  enum class Kind {
    kCircuitOpened,
    kCircuitHalfOpen,
    kCircuitClosed,
    kVendorDown,
    kVendorUp,
    kDeviceDrained,
  };
  Kind kind;
  Nanos time = 0;
  std::string device;  // empty for vendor events
  std::string vendor;
  std::string detail;
};
const char* SchedulerEventName(SchedulerEvent::Kind kind);

struct SchedulerOptions {
  // Admission control: requests submitted and not yet answered, in all and
  // per tenant (0 = no tenant limit). Beyond them: ResourceExhausted.
  int64_t max_outstanding = 1 << 20;
  int64_t max_outstanding_per_tenant = 0;
  // Dispatches of one request to devices before it is answered Unavailable.
  int max_attempts = 8;
  // Weight of the newest observation in the latency estimates.
  double estimate_alpha = 0.1;
  // Observations of a (model, device) before its estimate may reject a
  // request for its deadline (until then only an expired deadline does).
  int confident_after = 3;
  // ModelsBelowVendorRedundancy() reports models served by fewer vendors.
  int min_vendors_per_model = 2;
  HealthOptions health;
  ShareLimitOptions share;
  // Circuit, vendor and drain events, for logs and the simulator.
  std::function<void(const SchedulerEvent&)> on_event;
};

struct DeviceStatus {
  std::string name;
  std::string vendor;
  std::string kind;
  CircuitState circuit = CircuitState::kClosed;
  bool draining = false;
  bool vendor_down = false;
  int queued = 0;
  int inflight_requests = 0;
  double error_rate = 0;
  // Estimated latency of a batch of one, per served model, in model order.
  std::vector<std::pair<std::string, Nanos>> estimates;
};

struct VendorStatus {
  std::string name;
  int devices = 0;
  int unhealthy = 0;  // circuits open or half-open
  int draining = 0;
  bool down = false;
  double share = 0;   // of the fleet's placements in the share window
};

class SchedulerCore;

class Scheduler {
 public:
  // `clock` is borrowed. Fails on invalid options.
  static absl::StatusOr<std::unique_ptr<Scheduler>> Create(Clock* clock,
                                                           std::unique_ptr<PlacementPolicy> policy,
                                                           SchedulerOptions options = {});
  // Shuts down (see Shutdown).
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Registers a model; fails on a duplicate name or invalid batching limits.
  absl::Status RegisterModel(ModelConfig config);
  // Adds a device serving `models` (empty = every model registered so far).
  // `target` is borrowed. Returns the device's index, used in Responses.
  absl::StatusOr<int> AddDevice(ExecutionTarget* target, std::vector<std::string> models = {});

  // Submits a request; `callback` receives its one answer, possibly before
  // Submit returns (immediate rejections). Returns its id for Cancel.
  RequestId Submit(Request request, ResponseCallback callback);
  std::future<Response> Submit(Request request);
  // Answers the request Cancelled now if it is not answered yet (a batch it
  // is running in finishes; its result is dropped). False if already answered.
  bool Cancel(RequestId id);

  // Maintenance: no new work goes to the device (or the vendor's devices),
  // its queued requests move elsewhere, in-flight batches finish; then
  // `on_drained` runs (once). Resume lets traffic back.
  absl::Status Drain(std::string_view device, std::function<void()> on_drained = nullptr);
  absl::Status DrainVendor(std::string_view vendor, std::function<void()> on_drained = nullptr);
  absl::Status Resume(std::string_view device);
  absl::Status ResumeVendor(std::string_view vendor);

  // Answers every unanswered request Cancelled ("scheduler shut down");
  // later submissions are answered Unavailable. Idempotent.
  void Shutdown();

  MetricsSnapshot Metrics() const;
  std::vector<DeviceStatus> Devices() const;
  std::vector<VendorStatus> Vendors() const;
  // Models that fewer than min_vendors_per_model vendors can serve now
  // (only reported while the fleet has that many vendors available).
  std::vector<std::string> ModelsBelowVendorRedundancy() const;
  // Bit v set: vendor v (in order of first appearance) is up and has a
  // usable device.
  uint64_t AvailableVendors() const;
  std::vector<std::string> VendorNames() const;
  std::string policy_name() const;
  Clock& clock() const;

 private:
  explicit Scheduler(std::shared_ptr<SchedulerCore> core);
  std::shared_ptr<SchedulerCore> core_;
};

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_SCHEDULER_H_
