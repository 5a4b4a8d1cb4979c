// Least-outstanding placement: fewest queued + in-flight requests, found
// through one heap per pool.
#include <memory>
#include <vector>

#include "scheduler/policies/indexed_heap.h"
#include "scheduler/policy.h"

namespace braid::scheduler {
namespace {

constexpr int kMaxVisitsPerPool = 16;

class LeastOutstandingPolicy final : public PlacementPolicy {
 public:
  std::string name() const override { return "least-outstanding"; }

  void Reset(const FleetView& fleet) override {
    heaps_.assign(fleet.num_pools(), IndexedHeap(fleet.num_devices()));
    for (int d = 0; d < fleet.num_devices(); ++d) OnDeviceChanged(fleet, d);
  }

  void OnDeviceChanged(const FleetView& fleet, int device) override {
    const int pool = fleet.pool_of(device);
    if (pool < 0 || pool >= static_cast<int>(heaps_.size())) return;
    if (fleet.placeable(device)) {
      heaps_[pool].Set(device, fleet.Load(device).outstanding());
    } else {
      heaps_[pool].Erase(device);
    }
  }

  int Place(const FleetView& fleet, const PlacementQuery& query) override {
    int best = -1;
    int64_t best_key = 0;
    for (int pool : fleet.pools_serving(query.model)) {
      if (!(query.vendors >> fleet.pool(pool).vendor & 1)) continue;
      heaps_[pool].VisitSmallest(kMaxVisitsPerPool, [&](int device, int64_t key) {
        if (best >= 0 && key > best_key) return false;
        if (!fleet.Eligible(device, query)) return true;
        if (best < 0 || key < best_key || (key == best_key && device < best)) {
          best = device;
          best_key = key;
        }
        return false;
      });
    }
    return best;
  }

 private:
  std::vector<IndexedHeap> heaps_;  // per pool, keyed by outstanding requests
};

}  // namespace

std::unique_ptr<PlacementPolicy> MakeLeastOutstandingPolicy() {
  return std::make_unique<LeastOutstandingPolicy>();
}

}  // namespace braid::scheduler
