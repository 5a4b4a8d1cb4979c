// Scenario files (JSON), validation, and scheduler options from settings.
#include <fstream>
#include <set>
#include <sstream>

#include "nlohmann/json.hpp"
#include "scheduler/sim/scenario.h"

namespace braid::scheduler::sim {
namespace {

using nlohmann::json;

// Reads fields of one JSON object, remembering which keys were used so
// that leftovers (typos) can be reported.
class Reader {
 public:
  Reader(const json& j, std::string where) : j_(j), where_(std::move(where)) {}

  template <typename T>
  void Get(const char* key, T& out) {
    used_.insert(key);
    if (!status_.ok() || !j_.contains(key)) return;
    try {
      out = j_.at(key).get<T>();
    } catch (const json::exception& e) {
      status_ = absl::InvalidArgumentError(where_ + "." + key + ": " + e.what());
    }
  }
  const json* Child(const char* key) {
    used_.insert(key);
    return j_.contains(key) ? &j_.at(key) : nullptr;
  }
  absl::Status Finish() {
    if (!status_.ok()) return status_;
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      if (!used_.count(it.key())) return absl::InvalidArgumentError(where_ + ": unknown key '" + it.key() + "'");
    }
    return absl::OkStatus();
  }

 private:
  const json& j_;
  std::string where_;
  std::set<std::string> used_;
  absl::Status status_;
};

absl::Status RequireObject(const json& j, const std::string& where) {
  if (!j.is_object()) return absl::InvalidArgumentError(where + ": expected a JSON object");
  return absl::OkStatus();
}

absl::Status RequireArray(const json* j, const std::string& where) {
  if (j != nullptr && !j->is_array()) return absl::InvalidArgumentError(where + ": expected a JSON array");
  return absl::OkStatus();
}

absl::StatusOr<Scenario> FromJson(const json& root) {
  Scenario s;
  s.models = DefaultServingModels();
  if (auto st = RequireObject(root, "scenario"); !st.ok()) return st;
  Reader r(root, "scenario");
  r.Get("name", s.name);
  r.Get("description", s.description);
  r.Get("duration_s", s.duration_s);
  r.Get("max_requests", s.max_requests);
  r.Get("seed", s.seed);
  r.Get("policies", s.policies);
  r.Get("deployment", s.deployment);

  const json* presets = r.Child("presets");
  if (auto st = RequireArray(presets, "scenario.presets"); !st.ok()) return st;
  for (size_t i = 0; presets && i < presets->size(); ++i) {
    const std::string where = "scenario.presets[" + std::to_string(i) + "]";
    if (auto st = RequireObject((*presets)[i], where); !st.ok()) return st;
    Reader pr((*presets)[i], where);
    DevicePreset p;
    pr.Get("name", p.name);
    pr.Get("vendor", p.vendor);
    pr.Get("description", p.description);
    pr.Get("peak_tflops", p.peak_tflops);
    pr.Get("memory_tbps", p.memory_tbps);
    pr.Get("launch_overhead_us", p.launch_overhead_us);
    pr.Get("busy_watts", p.busy_watts);
    pr.Get("compute_efficiency", p.compute_efficiency);
    pr.Get("memory_efficiency", p.memory_efficiency);
    pr.Get("batch_half", p.batch_half);
    pr.Get("noise_sigma", p.noise_sigma);
    pr.Get("max_concurrent_batches", p.max_concurrent_batches);
    if (auto st = pr.Finish(); !st.ok()) return st;
    s.presets.push_back(std::move(p));
  }

  const json* fleet = r.Child("fleet");
  if (auto st = RequireArray(fleet, "scenario.fleet"); !st.ok()) return st;
  for (size_t i = 0; fleet && i < fleet->size(); ++i) {
    const std::string where = "scenario.fleet[" + std::to_string(i) + "]";
    if (auto st = RequireObject((*fleet)[i], where); !st.ok()) return st;
    Reader fr((*fleet)[i], where);
    FleetGroup g;
    fr.Get("preset", g.preset);
    fr.Get("count", g.count);
    fr.Get("models", g.models);
    if (auto st = fr.Finish(); !st.ok()) return st;
    s.fleet.push_back(std::move(g));
  }

  const json* models = r.Child("models");
  if (auto st = RequireArray(models, "scenario.models"); !st.ok()) return st;
  if (models != nullptr) s.models.clear();
  for (size_t i = 0; models && i < models->size(); ++i) {
    const std::string where = "scenario.models[" + std::to_string(i) + "]";
    if (auto st = RequireObject((*models)[i], where); !st.ok()) return st;
    Reader mr((*models)[i], where);
    SimModel m;
    mr.Get("name", m.name);
    mr.Get("gflops_per_item", m.gflops_per_item);
    mr.Get("weights_mb", m.weights_mb);
    mr.Get("activation_mb_per_item", m.activation_mb_per_item);
    mr.Get("kernels", m.kernels);
    mr.Get("max_batch", m.max_batch);
    mr.Get("max_queue_delay_ms", m.max_queue_delay_ms);
    mr.Get("slo_ms", m.slo_ms);
    mr.Get("traffic_weight", m.traffic_weight);
    mr.Get("queue_capacity", m.queue_capacity);
    if (auto st = mr.Finish(); !st.ok()) return st;
    s.models.push_back(std::move(m));
  }

  if (const json* w = r.Child("workload")) {
    if (auto st = RequireObject(*w, "scenario.workload"); !st.ok()) return st;
    Reader wr(*w, "scenario.workload");
    std::string pattern = ArrivalPatternName(s.workload.pattern);
    wr.Get("pattern", pattern);
    wr.Get("rate_rps", s.workload.rate_rps);
    wr.Get("burst_factor", s.workload.burst_factor);
    wr.Get("burst_on_s", s.workload.burst_on_s);
    wr.Get("burst_period_s", s.workload.burst_period_s);
    wr.Get("diurnal_period_s", s.workload.diurnal_period_s);
    wr.Get("diurnal_amplitude", s.workload.diurnal_amplitude);
    wr.Get("no_deadline_fraction", s.workload.no_deadline_fraction);
    wr.Get("high_priority_fraction", s.workload.high_priority_fraction);
    if (auto st = wr.Finish(); !st.ok()) return st;
    auto parsed = ParseArrivalPattern(pattern);
    if (!parsed.ok()) return absl::InvalidArgumentError("scenario.workload.pattern: " + std::string(parsed.status().message()));
    s.workload.pattern = *parsed;
  }

  const json* faults = r.Child("faults");
  if (auto st = RequireArray(faults, "scenario.faults"); !st.ok()) return st;
  for (size_t i = 0; faults && i < faults->size(); ++i) {
    const std::string where = "scenario.faults[" + std::to_string(i) + "]";
    if (auto st = RequireObject((*faults)[i], where); !st.ok()) return st;
    Reader fr((*faults)[i], where);
    FaultEvent f;
    std::string type;
    fr.Get("type", type);
    fr.Get("target", f.target);
    fr.Get("at_s", f.at_s);
    fr.Get("duration_s", f.duration_s);
    fr.Get("factor", f.factor);
    if (auto st = fr.Finish(); !st.ok()) return st;
    auto kind = ParseFaultKind(type);
    if (!kind.ok()) return absl::InvalidArgumentError(where + ".type: " + std::string(kind.status().message()));
    f.kind = *kind;
    s.faults.push_back(std::move(f));
  }

  if (const json* sc = r.Child("scheduler")) {
    if (auto st = RequireObject(*sc, "scenario.scheduler"); !st.ok()) return st;
    Reader sr(*sc, "scenario.scheduler");
    SchedulerSettings& t = s.scheduler;
    sr.Get("max_vendor_share", t.max_vendor_share);
    sr.Get("share_window_s", t.share_window_s);
    sr.Get("share_strict", t.share_strict);
    sr.Get("max_outstanding", t.max_outstanding);
    sr.Get("max_attempts", t.max_attempts);
    sr.Get("failures_to_open", t.failures_to_open);
    sr.Get("open_cooldown_ms", t.open_cooldown_ms);
    sr.Get("max_open_cooldown_ms", t.max_open_cooldown_ms);
    sr.Get("watchdog_factor", t.watchdog_factor);
    sr.Get("watchdog_min_ms", t.watchdog_min_ms);
    sr.Get("vendor_down_fraction", t.vendor_down_fraction);
    if (auto st = sr.Finish(); !st.ok()) return st;
  }
  if (auto st = r.Finish(); !st.ok()) return st;
  if (s.policies.empty()) s.policies = {"round-robin", "least-outstanding", "ect"};
  if (auto st = ValidateScenario(s); !st.ok()) return st;
  return s;
}

}  // namespace

absl::StatusOr<Scenario> ParseScenarioJson(std::string_view text) {
  json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return absl::InvalidArgumentError("scenario file is not valid JSON");
  return FromJson(root);
}

absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open scenario file '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto s = ParseScenarioJson(buffer.str());
  if (!s.ok()) return absl::Status(s.status().code(), path + ": " + std::string(s.status().message()));
  return s;
}

std::string ScenarioToJson(const Scenario& s) {
  json root;
  root["name"] = s.name;
  root["description"] = s.description;
  root["duration_s"] = s.duration_s;
  root["max_requests"] = s.max_requests;
  root["seed"] = s.seed;
  root["policies"] = s.policies;
  root["deployment"] = s.deployment;
  root["presets"] = json::array();
  for (const DevicePreset& p : s.presets) {
    root["presets"].push_back({{"name", p.name}, {"vendor", p.vendor}, {"description", p.description},
                               {"peak_tflops", p.peak_tflops}, {"memory_tbps", p.memory_tbps},
                               {"launch_overhead_us", p.launch_overhead_us}, {"busy_watts", p.busy_watts},
                               {"compute_efficiency", p.compute_efficiency},
                               {"memory_efficiency", p.memory_efficiency}, {"batch_half", p.batch_half},
                               {"noise_sigma", p.noise_sigma}, {"max_concurrent_batches", p.max_concurrent_batches}});
  }
  root["fleet"] = json::array();
  for (const FleetGroup& g : s.fleet) {
    root["fleet"].push_back({{"preset", g.preset}, {"count", g.count}, {"models", g.models}});
  }
  root["models"] = json::array();
  for (const SimModel& m : s.models) {
    root["models"].push_back({{"name", m.name}, {"gflops_per_item", m.gflops_per_item},
                              {"weights_mb", m.weights_mb}, {"activation_mb_per_item", m.activation_mb_per_item},
                              {"kernels", m.kernels}, {"max_batch", m.max_batch},
                              {"max_queue_delay_ms", m.max_queue_delay_ms}, {"slo_ms", m.slo_ms},
                              {"traffic_weight", m.traffic_weight}, {"queue_capacity", m.queue_capacity}});
  }
  const WorkloadSpec& w = s.workload;
  root["workload"] = {{"pattern", ArrivalPatternName(w.pattern)},   {"rate_rps", w.rate_rps},
                      {"burst_factor", w.burst_factor},             {"burst_on_s", w.burst_on_s},
                      {"burst_period_s", w.burst_period_s},         {"diurnal_period_s", w.diurnal_period_s},
                      {"diurnal_amplitude", w.diurnal_amplitude},   {"no_deadline_fraction", w.no_deadline_fraction},
                      {"high_priority_fraction", w.high_priority_fraction}};
  root["faults"] = json::array();
  for (const FaultEvent& f : s.faults) {
    root["faults"].push_back({{"type", FaultKindName(f.kind)}, {"target", f.target}, {"at_s", f.at_s},
                              {"duration_s", f.duration_s}, {"factor", f.factor}});
  }
  const SchedulerSettings& t = s.scheduler;
  root["scheduler"] = {{"max_vendor_share", t.max_vendor_share}, {"share_window_s", t.share_window_s},
                       {"share_strict", t.share_strict},         {"max_outstanding", t.max_outstanding},
                       {"max_attempts", t.max_attempts},         {"failures_to_open", t.failures_to_open},
                       {"open_cooldown_ms", t.open_cooldown_ms}, {"max_open_cooldown_ms", t.max_open_cooldown_ms},
                       {"watchdog_factor", t.watchdog_factor},   {"watchdog_min_ms", t.watchdog_min_ms},
                       {"vendor_down_fraction", t.vendor_down_fraction}};
  return root.dump(2);
}

absl::Status ValidateScenario(const Scenario& s) {
  const std::string where = "scenario '" + s.name + "'";
  if (!(s.duration_s > 0)) return absl::InvalidArgumentError(where + ": duration_s must be positive");
  if (s.max_requests < 0) return absl::InvalidArgumentError(where + ": max_requests must be >= 0");
  if (s.fleet.empty()) return absl::InvalidArgumentError(where + ": the fleet is empty");
  if (s.models.empty()) return absl::InvalidArgumentError(where + ": no models");
  if (!(s.workload.rate_rps > 0)) return absl::InvalidArgumentError(where + ": workload.rate_rps must be positive");
  std::set<std::string> model_names;
  for (const SimModel& m : s.models) {
    if (m.name.empty()) return absl::InvalidArgumentError(where + ": a model has no name");
    if (!model_names.insert(m.name).second) {
      return absl::InvalidArgumentError(where + ": model '" + m.name + "' appears twice");
    }
    if (m.max_batch < 1 || m.queue_capacity < 1 || !(m.slo_ms > 0) || m.max_queue_delay_ms < 0 ||
        m.gflops_per_item < 0 || m.weights_mb < 0 || m.activation_mb_per_item < 0 || m.kernels < 0 ||
        m.traffic_weight < 0) {
      return absl::InvalidArgumentError(where + ": model '" + m.name +
                                        "' needs max_batch, queue_capacity >= 1, slo_ms > 0 and no negative costs");
    }
  }
  for (const DevicePreset& p : s.presets) {
    if (p.name.empty() || p.vendor.empty() || !(p.peak_tflops > 0) || !(p.memory_tbps > 0) ||
        p.launch_overhead_us < 0 || p.busy_watts < 0 || !(p.compute_efficiency > 0) ||
        !(p.memory_efficiency > 0) || p.batch_half < 0 || p.noise_sigma < 0 || p.max_concurrent_batches < 1) {
      return absl::InvalidArgumentError(where + ": preset '" + p.name +
                                        "' needs a name, a vendor, positive rates and efficiencies");
    }
  }
  if (s.deployment != "listed" && s.deployment != "planned") {
    return absl::InvalidArgumentError(where + ": deployment must be \"listed\" or \"planned\", not \"" +
                                      s.deployment + "\"");
  }
  int devices = 0;
  for (const FleetGroup& g : s.fleet) {
    if (s.deployment == "planned" && !g.models.empty()) {
      return absl::InvalidArgumentError(where + ": fleet group '" + g.preset +
                                        "' lists models, but the deployment is planned");
    }
    auto preset = FindPreset(g.preset, s.presets);
    if (!preset.ok()) return absl::InvalidArgumentError(where + ": " + std::string(preset.status().message()));
    if (g.count < 1 || g.count > 100000) {
      return absl::InvalidArgumentError(where + ": fleet group '" + g.preset + "' count must be in [1, 100000]");
    }
    for (const std::string& m : g.models) {
      if (!model_names.count(m)) {
        return absl::InvalidArgumentError(where + ": fleet group '" + g.preset + "' deploys unknown model '" + m + "'");
      }
    }
    devices += g.count;
  }
  if (devices > 100000) return absl::InvalidArgumentError(where + ": more than 100000 devices");
  for (const std::string& p : s.policies) {
    if (auto policy = MakePolicy(p); !policy.ok()) {
      return absl::InvalidArgumentError(where + ": " + std::string(policy.status().message()));
    }
  }
  const SchedulerSettings& t = s.scheduler;
  if (!(t.max_vendor_share > 0 && t.max_vendor_share <= 1) || !(t.share_window_s > 0) || t.max_outstanding < 1 ||
      t.max_attempts < 1 || t.failures_to_open < 1 || !(t.open_cooldown_ms > 0) ||
      !(t.max_open_cooldown_ms >= t.open_cooldown_ms) || !(t.watchdog_factor > 0) || !(t.watchdog_min_ms > 0) ||
      !(t.vendor_down_fraction > 0 && t.vendor_down_fraction <= 1)) {
    return absl::InvalidArgumentError(where + ": scheduler settings out of range");
  }
  return absl::OkStatus();
}

SchedulerOptions MakeSchedulerOptions(const SchedulerSettings& t) {
  SchedulerOptions o;
  o.max_outstanding = t.max_outstanding;
  o.max_attempts = t.max_attempts;
  o.share.max_vendor_share = t.max_vendor_share;
  o.share.window = Seconds(t.share_window_s);
  o.share.strict = t.share_strict;
  o.health.failures_to_open = t.failures_to_open;
  o.health.open_cooldown = Milliseconds(t.open_cooldown_ms);
  o.health.max_open_cooldown = Milliseconds(t.max_open_cooldown_ms);
  o.health.watchdog_factor = t.watchdog_factor;
  o.health.watchdog_min = Milliseconds(t.watchdog_min_ms);
  o.health.vendor_down_fraction = t.vendor_down_fraction;
  return o;
}

}  // namespace braid::scheduler::sim
