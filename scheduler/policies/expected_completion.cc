// Expected-completion-time placement (and its energy-aware variant).
//
// Per pool, two heaps: devices with a free batch slot keyed by backlog, and
// saturated devices keyed by when they should free up plus backlog. The
// request's completion time is evaluated exactly on the first few eligible
// devices of each heap; the best wins. Cost: O(pools * candidates * log n).
#include <algorithm>
#include <memory>
#include <vector>

#include "scheduler/policies/indexed_heap.h"
#include "scheduler/policy.h"

namespace braid::scheduler {
namespace {

class ExpectedCompletionPolicy final : public PlacementPolicy {
 public:
  explicit ExpectedCompletionPolicy(ExpectedCompletionOptions options) : options_(options) {
    options_.candidates_per_pool = std::clamp(options_.candidates_per_pool, 1, 32);
  }

  std::string name() const override { return options_.energy_aware ? "ect-energy" : "ect"; }

  void Reset(const FleetView& fleet) override {
    free_.assign(fleet.num_pools(), IndexedHeap(fleet.num_devices()));
    busy_.assign(fleet.num_pools(), IndexedHeap(fleet.num_devices()));
    for (int d = 0; d < fleet.num_devices(); ++d) OnDeviceChanged(fleet, d);
  }

  void OnDeviceChanged(const FleetView& fleet, int device) override {
    const int pool = fleet.pool_of(device);
    if (pool < 0 || pool >= static_cast<int>(free_.size())) return;
    if (!fleet.placeable(device)) {
      free_[pool].Erase(device);
      busy_[pool].Erase(device);
      return;
    }
    const DeviceLoad load = fleet.Load(device);
    const Nanos backlog = load.backlog / std::max(load.max_batches, 1);
    if (load.saturated()) {
      free_[pool].Erase(device);
      busy_[pool].Set(device, AddSat(load.earliest_end, backlog));
    } else {
      busy_[pool].Erase(device);
      free_[pool].Set(device, backlog);
    }
  }

  int Place(const FleetView& fleet, const PlacementQuery& query) override {
    candidates_.clear();
    const int want = options_.candidates_per_pool;
    for (int pool : fleet.pools_serving(query.model)) {
      if (!(query.vendors >> fleet.pool(pool).vendor & 1)) continue;
      for (const IndexedHeap* heap : {&free_[pool], &busy_[pool]}) {
        int found = 0;
        heap->VisitSmallest(4 * want, [&](int device, int64_t) {
          if (!fleet.Eligible(device, query)) return true;
          candidates_.push_back(Candidate{device, fleet.EstimatedCompletion(device, query)});
          return ++found < want;
        });
      }
    }
    if (candidates_.empty()) return -1;
    const auto by_time = [](const Candidate& a, const Candidate& b) {
      return a.completion != b.completion ? a.completion < b.completion : a.device < b.device;
    };
    const Candidate best = *std::min_element(candidates_.begin(), candidates_.end(), by_time);
    if (!options_.energy_aware) return best.device;

    // Energy-aware: the cheapest candidate that still finishes in time.
    Nanos limit;
    if (query.deadline != kNoDeadline) {
      // Keep a fifth of the remaining time as a margin for estimate error.
      limit = query.now + static_cast<Nanos>(0.8 * static_cast<double>(query.deadline - query.now));
    } else {
      const Nanos span = std::max<Nanos>(best.completion - query.now, 0);
      limit = best.completion + static_cast<Nanos>(options_.energy_slack * static_cast<double>(span));
    }
    int chosen = best.device;
    double chosen_joules = Joules(fleet, best.device, query.model);
    for (const Candidate& c : candidates_) {
      if (c.completion > limit) continue;
      const double joules = Joules(fleet, c.device, query.model);
      if (joules < chosen_joules || (joules == chosen_joules && c.device < chosen)) {
        chosen = c.device;
        chosen_joules = joules;
      }
    }
    return chosen;
  }

 private:
  struct Candidate {
    int device;
    Nanos completion;
  };
  static double Joules(const FleetView& fleet, int device, int model) {
    return fleet.BusyWatts(device) * ToSeconds(fleet.EstimatedRunTime(device, model));
  }

  ExpectedCompletionOptions options_;
  std::vector<IndexedHeap> free_;  // per pool: devices with a free batch slot, by backlog
  std::vector<IndexedHeap> busy_;  // per pool: saturated devices, by estimated free time
  std::vector<Candidate> candidates_;
};

}  // namespace

std::unique_ptr<PlacementPolicy> MakeExpectedCompletionPolicy(ExpectedCompletionOptions options) {
  return std::make_unique<ExpectedCompletionPolicy>(options);
}

absl::StatusOr<std::unique_ptr<PlacementPolicy>> MakePolicy(std::string_view name) {
  if (name == "round-robin" || name == "rr") return MakeRoundRobinPolicy();
  if (name == "least-outstanding" || name == "lo") return MakeLeastOutstandingPolicy();
  if (name == "ect") return MakeExpectedCompletionPolicy();
  if (name == "ect-energy") {
    ExpectedCompletionOptions options;
    options.energy_aware = true;
    return MakeExpectedCompletionPolicy(options);
  }
  return absl::InvalidArgumentError("unknown placement policy '" + std::string(name) +
                                    "' (known: round-robin, least-outstanding, ect, ect-energy)");
}

std::vector<std::string> PolicyNames() { return {"round-robin", "least-outstanding", "ect", "ect-energy"}; }

}  // namespace braid::scheduler
