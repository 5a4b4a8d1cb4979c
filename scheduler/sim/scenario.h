// Scenarios: a fleet, its models, a workload, a fault script, scheduler
// settings and the policies to compare. Built-in scenarios cover the common
// cases; others come from JSON files (format: docs/SCHEDULER.md).
#ifndef BRAID_SCHEDULER_SIM_SCENARIO_H_
#define BRAID_SCHEDULER_SIM_SCENARIO_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "scheduler/scheduler.h"
#include "scheduler/sim/fault_script.h"
#include "scheduler/sim/perf_model.h"
#include "scheduler/sim/workload.h"

namespace braid::scheduler::sim {

struct FleetGroup {
  std::string preset;               // a built-in or scenario preset
  int count = 1;                    // devices named <preset>-<k>, k counting per preset
  std::vector<std::string> models;  // deployed models; empty = all
};

// Scheduler settings a scenario may change (the rest keep their defaults).
struct SchedulerSettings {
  double max_vendor_share = 0.6;
  double share_window_s = 10;
  bool share_strict = false;
  int64_t max_outstanding = 1 << 20;
  int max_attempts = 8;
  int failures_to_open = 3;
  double open_cooldown_ms = 1000;
  double max_open_cooldown_ms = 8000;
  double watchdog_factor = 8;
  double watchdog_min_ms = 100;
  double vendor_down_fraction = 0.5;
};

struct Scenario {
  std::string name;
  std::string description;
  double duration_s = 60;    // arrivals stop after this much simulated time
  int64_t max_requests = 0;  // ... or after this many (0 = no limit)
  uint64_t seed = 1;
  std::vector<DevicePreset> presets;  // extra presets (built-ins are always known)
  std::vector<FleetGroup> fleet;
  // "listed": devices serve their group's models. "planned": the groups'
  // model lists must be empty and PlanDeployment (scheduler/deployment.h)
  // assigns models by demand, every model on every vendor.
  std::string deployment = "listed";
  std::vector<SimModel> models;
  WorkloadSpec workload;
  std::vector<FaultEvent> faults;
  SchedulerSettings scheduler;
  std::vector<std::string> policies;  // compared side by side
};

// The built-in scenarios' serving mix (a memory-bound generation model,
// an encoder, a vision model); also the default models of scenario files.
std::vector<SimModel> DefaultServingModels();

std::vector<std::string> BuiltinScenarioNames();
absl::StatusOr<Scenario> BuiltinScenario(std::string_view name);

// JSON scenario files. Unknown keys are errors (they are usually typos).
absl::StatusOr<Scenario> ParseScenarioJson(std::string_view text);
absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path);
std::string ScenarioToJson(const Scenario& scenario);

// Checks a scenario for consistency (presets, models, counts, rates).
absl::Status ValidateScenario(const Scenario& scenario);
// The scheduler options a scenario asks for.
SchedulerOptions MakeSchedulerOptions(const SchedulerSettings& settings);

}  // namespace braid::scheduler::sim

#endif  // BRAID_SCHEDULER_SIM_SCENARIO_H_
