// Deployment planning: which models each device serves, so that every
// model stays deployable on every vendor of the fleet (two or more when the
// fleet has them) and device counts follow demand.
#ifndef BRAID_SCHEDULER_DEPLOYMENT_H_
#define BRAID_SCHEDULER_DEPLOYMENT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace braid::scheduler {

struct DeploymentDevice {
  std::string name;
  std::string vendor;
  double capacity = 1;  // relative speed (> 0)
};

struct DeploymentModel {
  std::string name;
  double demand = 1;  // relative device time the model needs (> 0)
};

// Per device (in input order), the models it should serve. Within each
// vendor, devices are handed out fastest first to the model furthest below
// its demand share of that vendor's capacity, every model getting at least
// one device of every vendor; a vendor with fewer devices than models has
// its devices serve several models (round robin). So each model is served
// by every vendor that has a device. Fails on empty inputs, duplicate model
// names or non-positive weights.
absl::StatusOr<std::vector<std::vector<std::string>>> PlanDeployment(
    const std::vector<DeploymentDevice>& devices, const std::vector<DeploymentModel>& models);

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_DEPLOYMENT_H_
