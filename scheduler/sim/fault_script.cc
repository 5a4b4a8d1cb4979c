#include "scheduler/sim/fault_script.h"

#include <functional>

namespace braid::scheduler::sim {
namespace {

struct KindName {
  FaultKind kind;
  const char* name;
};
constexpr KindName kKinds[] = {
    {FaultKind::kDeviceFail, "device-fail"}, {FaultKind::kVendorOut, "vendor-out"},
    {FaultKind::kSlow, "slow"},              {FaultKind::kWedge, "wedge"},
    {FaultKind::kDrainDevice, "drain-device"}, {FaultKind::kDrainVendor, "drain-vendor"},
};

bool VendorWide(FaultKind kind) { return kind == FaultKind::kVendorOut || kind == FaultKind::kDrainVendor; }

}  // namespace

const char* FaultKindName(FaultKind kind) {
  for (const KindName& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "unknown";
}

absl::StatusOr<FaultKind> ParseFaultKind(std::string_view name) {
  for (const KindName& k : kKinds) {
    if (name == k.name) return k.kind;
  }
  return absl::InvalidArgumentError("unknown fault type '" + std::string(name) +
                                    "' (known: device-fail, vendor-out, slow, wedge, drain-device, drain-vendor)");
}

absl::Status ValidateFaults(const std::vector<FaultEvent>& faults, const std::vector<SimDevice*>& devices) {
  for (size_t i = 0; i < faults.size(); ++i) {
    const FaultEvent& f = faults[i];
    const std::string where = "fault " + std::to_string(i) + " (" + FaultKindName(f.kind) + " " + f.target + ")";
    if (!(f.at_s >= 0) || !(f.duration_s >= 0)) {
      return absl::InvalidArgumentError(where + ": at_s and duration_s must be non-negative");
    }
    if (f.kind == FaultKind::kSlow && !(f.factor > 0)) {
      return absl::InvalidArgumentError(where + ": factor must be positive");
    }
    bool found = false;
    for (const SimDevice* d : devices) {
      found |= VendorWide(f.kind) ? d->info().vendor == f.target : d->info().name == f.target;
    }
    if (!found) {
      return absl::NotFoundError(where + ": no " + (VendorWide(f.kind) ? "vendor" : "device") + " named '" +
                                 f.target + "' in the fleet");
    }
  }
  return absl::OkStatus();
}

std::vector<FaultWindow> ArmFaults(const std::vector<FaultEvent>& faults, VirtualClock& clock,
                                   const std::vector<SimDevice*>& devices, Scheduler& scheduler) {
  std::vector<FaultWindow> windows;
  for (const FaultEvent& f : faults) {
    std::vector<SimDevice*> hit;
    for (SimDevice* d : devices) {
      if (VendorWide(f.kind) ? d->info().vendor == f.target : d->info().name == f.target) hit.push_back(d);
    }
    std::function<void()> begin, end;
    switch (f.kind) {
      case FaultKind::kDeviceFail:
      case FaultKind::kVendorOut:
        begin = [hit] {
          for (SimDevice* d : hit) d->Fail();
        };
        end = [hit] {
          for (SimDevice* d : hit) d->Recover();
        };
        break;
      case FaultKind::kSlow:
        begin = [hit, factor = f.factor] {
          for (SimDevice* d : hit) d->SetSlowdown(factor);
        };
        end = [hit] {
          for (SimDevice* d : hit) d->SetSlowdown(1.0);
        };
        break;
      case FaultKind::kWedge:
        begin = [hit] {
          for (SimDevice* d : hit) d->Wedge();
        };
        end = [hit] {
          for (SimDevice* d : hit) d->Unwedge();
        };
        break;
      case FaultKind::kDrainDevice:
      case FaultKind::kDrainVendor: {
        const bool vendor = f.kind == FaultKind::kDrainVendor;
        begin = [&scheduler, vendor, target = f.target] {
          (void)(vendor ? scheduler.DrainVendor(target) : scheduler.Drain(target));
        };
        end = [&scheduler, vendor, target = f.target] {
          (void)(vendor ? scheduler.ResumeVendor(target) : scheduler.Resume(target));
        };
        break;
      }
    }
    FaultWindow w;
    w.start = Seconds(f.at_s);
    w.end = f.duration_s > 0 ? w.start + Seconds(f.duration_s) : kNoDeadline;
    w.label = std::string(FaultKindName(f.kind)) + " " + f.target;
    clock.RunAt(w.start, begin);
    if (w.end != kNoDeadline) clock.RunAt(w.end, end);
    windows.push_back(std::move(w));
  }
  return windows;
}

}  // namespace braid::scheduler::sim
