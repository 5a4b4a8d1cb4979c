// Round-robin placement: the baseline that ignores load and speed.
#include <memory>
#include <vector>

#include "scheduler/policy.h"

namespace braid::scheduler {
namespace {

class RoundRobinPolicy final : public PlacementPolicy {
 public:
  std::string name() const override { return "round-robin"; }
  void Reset(const FleetView& fleet) override { cursor_.clear(); }
  void OnDeviceChanged(const FleetView& fleet, int device) override {}

  int Place(const FleetView& fleet, const PlacementQuery& query) override {
    const std::vector<int>& devices = fleet.devices_serving(query.model);
    if (devices.empty()) return -1;
    if (query.model >= static_cast<int>(cursor_.size())) cursor_.resize(query.model + 1, 0);
    size_t& cursor = cursor_[query.model];
    for (size_t tried = 0; tried < devices.size(); ++tried) {
      const int device = devices[cursor % devices.size()];
      cursor = (cursor + 1) % devices.size();
      if (fleet.Eligible(device, query)) return device;
    }
    return -1;
  }

 private:
  std::vector<size_t> cursor_;  // per model
};

}  // namespace

std::unique_ptr<PlacementPolicy> MakeRoundRobinPolicy() { return std::make_unique<RoundRobinPolicy>(); }

}  // namespace braid::scheduler
