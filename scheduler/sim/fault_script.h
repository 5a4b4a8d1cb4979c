// Fault scripts: timed faults and maintenance for a simulated fleet.
//
//   device-fail   target device fails at at_s; recovers after duration_s
//   vendor-out    every device of target vendor fails for duration_s
//   slow          target device's service times x factor for duration_s
//   wedge         target device stops completing work for duration_s
//   drain-device  target device is drained for maintenance for duration_s
//   drain-vendor  every device of target vendor is drained for duration_s
// duration_s 0 means "until the end of the run".
#ifndef BRAID_SCHEDULER_SIM_FAULT_SCRIPT_H_
#define BRAID_SCHEDULER_SIM_FAULT_SCRIPT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "scheduler/scheduler.h"
#include "scheduler/sim/sim_device.h"
#include "scheduler/virtual_clock.h"

namespace braid::scheduler::sim {

enum class FaultKind { kDeviceFail, kVendorOut, kSlow, kWedge, kDrainDevice, kDrainVendor };
const char* FaultKindName(FaultKind kind);
absl::StatusOr<FaultKind> ParseFaultKind(std::string_view name);

struct FaultEvent {
  FaultKind kind = FaultKind::kDeviceFail;
  std::string target;  // a device name, or a vendor name for vendor-wide kinds
  double at_s = 0;
  double duration_s = 0;  // 0 = until the end
  double factor = 1;      // slow only
};

// A time window during which a fault or maintenance is active.
struct FaultWindow {
  Nanos start = 0;
  Nanos end = kNoDeadline;
  std::string label;  // "vendor-out nvidia"
};

// Checks targets and times against the fleet.
absl::Status ValidateFaults(const std::vector<FaultEvent>& faults, const std::vector<SimDevice*>& devices);

// Arms every fault on the clock. Devices and the scheduler are borrowed
// and must outlive the clock's events. Returns the windows for reports.
std::vector<FaultWindow> ArmFaults(const std::vector<FaultEvent>& faults, VirtualClock& clock,
                                   const std::vector<SimDevice*>& devices, Scheduler& scheduler);

}  // namespace braid::scheduler::sim

#endif  // BRAID_SCHEDULER_SIM_FAULT_SCRIPT_H_
