// Placement policies: which device a request goes to.
//
// A policy sees the fleet through FleetView (read under the scheduler's
// lock: policies need no locking of their own) and is told when a device's
// load or usability changes, so it can keep indexes that make placement
// sub-linear in the number of devices. Devices are grouped into pools of
// interchangeable devices (same vendor, kind and set of served models).
#ifndef BRAID_SCHEDULER_POLICY_H_
#define BRAID_SCHEDULER_POLICY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "scheduler/types.h"

namespace braid::scheduler {

// What is being placed, and the constraints on where.
struct PlacementQuery {
  int model = -1;
  Nanos now = 0;
  Nanos deadline = kNoDeadline;
  int priority = 0;
  uint64_t vendors = ~uint64_t{0};  // bit v: vendor v may take it
  int avoid_device = -1;            // the device it just failed on
  bool retry = false;               // a re-dispatch: queue limits waived
};

// A device's load, as the scheduler estimates it.
struct DeviceLoad {
  int queued = 0;
  int inflight_requests = 0;
  int inflight_batches = 0;
  int max_batches = 1;
  Nanos backlog = 0;       // estimated run time of everything queued
  Nanos earliest_end = 0;  // estimated end of the first in-flight batch to finish
  int outstanding() const { return queued + inflight_requests; }
  bool saturated() const { return inflight_batches >= max_batches; }
};

struct PoolInfo {
  int vendor = -1;
  std::string vendor_name;
  std::string kind;
  std::vector<int> devices;
};

class FleetView {
 public:
  virtual ~FleetView() = default;
  virtual int num_devices() const = 0;
  virtual int num_pools() const = 0;
  virtual const PoolInfo& pool(int pool) const = 0;
  virtual int pool_of(int device) const = 0;
  // Pools / devices whose devices serve `model` (ascending).
  virtual const std::vector<int>& pools_serving(int model) const = 0;
  virtual const std::vector<int>& devices_serving(int model) const = 0;
  // May take traffic at all now: circuit closed (vendor up) or half-open,
  // not draining. Policies keep only placeable devices in their indexes.
  virtual bool placeable(int device) const = 0;
  // May take this request now (placeable, serves the model, vendor allowed,
  // queue room, not the avoided device, probe rules).
  virtual bool Eligible(int device, const PlacementQuery& query) const = 0;
  virtual DeviceLoad Load(int device) const = 0;
  // Estimated absolute time at which the request would complete there.
  virtual Nanos EstimatedCompletion(int device, const PlacementQuery& query) const = 0;
  // Estimated device time the request would add there (its share of a batch).
  virtual Nanos EstimatedRunTime(int device, int model) const = 0;
  virtual double BusyWatts(int device) const = 0;
};

class PlacementPolicy {
 public:
  virtual ~PlacementPolicy() = default;
  virtual std::string name() const = 0;
  // The fleet's devices or pools changed: rebuild indexes from scratch.
  virtual void Reset(const FleetView& fleet) = 0;
  // One device's load or placeability changed.
  virtual void OnDeviceChanged(const FleetView& fleet, int device) = 0;
  // The device for `query`, or -1 when no device is eligible.
  virtual int Place(const FleetView& fleet, const PlacementQuery& query) = 0;
};

// Cycles through the devices serving the model, skipping ineligible ones.
std::unique_ptr<PlacementPolicy> MakeRoundRobinPolicy();
// The eligible device with the fewest queued + in-flight requests.
std::unique_ptr<PlacementPolicy> MakeLeastOutstandingPolicy();

struct ExpectedCompletionOptions {
  // Per pool, the policy evaluates this many of the least-loaded eligible
  // devices of each of its two indexes (devices with a free batch slot,
  // ordered by backlog; busy devices, ordered by when they free up).
  int candidates_per_pool = 4;
  // Energy-aware: among candidates expected to finish in time (within 80%
  // of the time left to the deadline, or within (1 + energy_slack) x the
  // best candidate's time to completion when there is none), take the one
  // with the least estimated joules (busy watts x run time).
  bool energy_aware = false;
  double energy_slack = 0.5;
};
// Expected completion time: the device where the request should finish
// first, from per-(model, device) latency estimates and current backlogs.
std::unique_ptr<PlacementPolicy> MakeExpectedCompletionPolicy(ExpectedCompletionOptions options = {});

// By name: "round-robin", "least-outstanding", "ect", "ect-energy".
absl::StatusOr<std::unique_ptr<PlacementPolicy>> MakePolicy(std::string_view name);
std::vector<std::string> PolicyNames();

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_POLICY_H_
