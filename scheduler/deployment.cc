#include "scheduler/deployment.h"

#include <algorithm>
#include <limits>
#include <set>

namespace braid::scheduler {

absl::StatusOr<std::vector<std::vector<std::string>>> PlanDeployment(
    const std::vector<DeploymentDevice>& devices, const std::vector<DeploymentModel>& models) {
  if (devices.empty()) return absl::InvalidArgumentError("PlanDeployment: no devices");
  if (models.empty()) return absl::InvalidArgumentError("PlanDeployment: no models");
  std::set<std::string> names;
  double total_demand = 0;
  for (const DeploymentModel& m : models) {
    if (!names.insert(m.name).second) {
      return absl::InvalidArgumentError("PlanDeployment: model '" + m.name + "' appears twice");
    }
    if (!(m.demand > 0)) return absl::InvalidArgumentError("PlanDeployment: model '" + m.name + "' has no demand");
    total_demand += m.demand;
  }
  for (const DeploymentDevice& d : devices) {
    if (!(d.capacity > 0)) {
      return absl::InvalidArgumentError("PlanDeployment: device '" + d.name + "' has no capacity");
    }
  }
  std::vector<std::string> vendors;
  for (const DeploymentDevice& d : devices) {
    if (std::find(vendors.begin(), vendors.end(), d.vendor) == vendors.end()) vendors.push_back(d.vendor);
  }
  std::vector<std::vector<std::string>> plan(devices.size());
  const size_t num_models = models.size();
  for (const std::string& vendor : vendors) {
    std::vector<size_t> members;
    for (size_t i = 0; i < devices.size(); ++i) {
      if (devices[i].vendor == vendor) members.push_back(i);
    }
    if (members.size() < num_models) {
      // Not enough devices for one model each: share them.
      for (size_t m = 0; m < num_models; ++m) plan[members[m % members.size()]].push_back(models[m].name);
      continue;
    }
    std::sort(members.begin(), members.end(), [&](size_t a, size_t b) {
      return devices[a].capacity != devices[b].capacity ? devices[a].capacity > devices[b].capacity : a < b;
    });
    double capacity = 0;
    for (size_t i : members) capacity += devices[i].capacity;
    struct Share {
      double capacity = 0;  // of this vendor's devices assigned so far
      int devices = 0;
    };
    std::vector<Share> shares(num_models);
    size_t without = num_models;  // models with no device of this vendor yet
    for (size_t k = 0; k < members.size(); ++k) {
      const size_t left = members.size() - k;
      // When only enough devices remain for the models still without one,
      // those come first (there is always at least one such model then).
      const bool must_fill = left <= without;
      size_t best = 0;
      double best_deficit = -std::numeric_limits<double>::infinity();
      for (size_t m = 0; m < num_models; ++m) {
        if (must_fill && shares[m].devices > 0) continue;
        const double deficit = models[m].demand / total_demand * capacity - shares[m].capacity;
        if (deficit > best_deficit) {
          best = m;
          best_deficit = deficit;
        }
      }
      plan[members[k]].push_back(models[best].name);
      shares[best].capacity += devices[members[k]].capacity;
      if (shares[best].devices++ == 0) --without;
    }
  }
  return plan;
}

}  // namespace braid::scheduler
