// Built-in scenarios. Model costs are synthetic but physically grounded
// (FLOPs and bytes of common model shapes); device figures are the
// datasheet estimates of perf_model.cc.
#include <string>

#include "scheduler/sim/scenario.h"

namespace braid::scheduler::sim {
// A serving mix: a heavy memory-bound generation step, a compute-bound
// encoder, and a light vision model.
std::vector<SimModel> DefaultServingModels() {
  SimModel chat;
  chat.name = "llama-8b-gen32";  // 32 decode steps of an 8B model, fp16
  chat.gflops_per_item = 32 * 16;
  chat.weights_mb = 32 * 16000;
  chat.activation_mb_per_item = 32 * 64;
  chat.kernels = 32 * 100;
  chat.max_batch = 32;
  chat.max_queue_delay_ms = 5;
  chat.slo_ms = 1000;
  chat.traffic_weight = 0.25;
  chat.queue_capacity = 256;

  SimModel bert;
  bert.name = "bert-large";  // sequence length 384, fp16
  bert.gflops_per_item = 257;
  bert.weights_mb = 670;
  bert.activation_mb_per_item = 50;
  bert.kernels = 300;
  bert.max_batch = 16;
  bert.max_queue_delay_ms = 3;
  bert.slo_ms = 150;
  bert.traffic_weight = 0.35;
  bert.queue_capacity = 256;

  SimModel resnet;
  resnet.name = "resnet50";  // 224x224, fp16
  resnet.gflops_per_item = 8.2;
  resnet.weights_mb = 51;
  resnet.activation_mb_per_item = 20;
  resnet.kernels = 60;
  resnet.max_batch = 32;
  resnet.max_queue_delay_ms = 2;
  resnet.slo_ms = 50;
  resnet.traffic_weight = 0.40;
  resnet.queue_capacity = 512;
  return {chat, bert, resnet};
}

namespace {

Scenario Base(std::string name, std::string description) {
  Scenario s;
  s.name = std::move(name);
  s.description = std::move(description);
  s.models = DefaultServingModels();
  s.models[0].traffic_weight = 0.15;
  s.models[1].traffic_weight = 0.45;
  s.models[2].traffic_weight = 0.40;
  s.policies = {"round-robin", "least-outstanding", "ect"};
  return s;
}

// `count` devices of a preset: about 5/8 of them serve the generation
// model, the rest the encoder and vision models (long generation batches
// would otherwise hold up short requests behind them).
void AddSplit(Scenario& s, const std::string& preset, int count) {
  const int gen = (count * 5 + 4) / 8;
  if (gen > 0) s.fleet.push_back(FleetGroup{preset, gen, {"llama-8b-gen32"}});
  if (count - gen > 0) s.fleet.push_back(FleetGroup{preset, count - gen, {"bert-large", "resnet50"}});
}

Scenario TwoVendors(std::string name, std::string description, int per_vendor) {
  Scenario s = Base(std::move(name), std::move(description));
  AddSplit(s, "mi300x", per_vendor);
  AddSplit(s, "h100", per_vendor);
  return s;
}

}  // namespace

std::vector<std::string> BuiltinScenarioNames() {
  return {"steady", "burst", "diurnal", "vendor-outage", "device-failure", "wedged-device", "maintenance",
          "hetero"};
}

absl::StatusOr<Scenario> BuiltinScenario(std::string_view name) {
  // Device names count per preset: in a 16-device group, <preset>-0..9
  // serve the generation model and <preset>-10..15 the others.
  if (name == "steady") {
    Scenario s = TwoVendors("steady", "32 devices (16 MI300X, 16 H100), steady Poisson load", 16);
    s.workload.rate_rps = 13000;
    s.duration_s = 60;
    s.policies.push_back("ect-energy");
    return s;
  }
  if (name == "burst") {
    Scenario s = TwoVendors("burst", "32 devices; 3 s bursts at 2.5x the base rate every 15 s", 16);
    s.workload.pattern = ArrivalPattern::kBursty;
    s.workload.rate_rps = 7000;
    s.workload.burst_factor = 2.5;
    s.workload.burst_on_s = 3;
    s.workload.burst_period_s = 15;
    s.duration_s = 60;
    return s;
  }
  if (name == "diurnal") {
    Scenario s = TwoVendors("diurnal", "32 devices; load swings +-60% over a 60 s 'day'", 16);
    s.workload.pattern = ArrivalPattern::kDiurnal;
    s.workload.rate_rps = 8000;
    s.workload.diurnal_period_s = 60;
    s.workload.diurnal_amplitude = 0.6;
    s.duration_s = 120;
    return s;
  }
  if (name == "vendor-outage") {
    Scenario s = TwoVendors("vendor-outage",
                            "64 devices (32 MI300X, 32 H100); every NVIDIA device is out from 30 s to 90 s", 32);
    s.workload.rate_rps = 30000;
    s.duration_s = 120;
    s.faults.push_back(FaultEvent{FaultKind::kVendorOut, "nvidia", 30, 60, 1});
    return s;
  }
  if (name == "device-failure") {
    Scenario s = TwoVendors("device-failure",
                            "32 devices; two fail at 20 s (one for good, one back at 40 s), a third fails at "
                            "35 s for good",
                            16);
    s.workload.rate_rps = 13000;
    s.duration_s = 60;
    s.faults.push_back(FaultEvent{FaultKind::kDeviceFail, "h100-3", 20, 20, 1});
    s.faults.push_back(FaultEvent{FaultKind::kDeviceFail, "mi300x-12", 20, 0, 1});
    s.faults.push_back(FaultEvent{FaultKind::kDeviceFail, "h100-11", 35, 0, 1});
    return s;
  }
  if (name == "wedged-device") {
    Scenario s = TwoVendors("wedged-device",
                            "32 devices; one stops completing work at 20 s (back at 40 s), another wedges for "
                            "good at 30 s, a third runs 5x slower from 10 s to 50 s",
                            16);
    s.workload.rate_rps = 13000;
    s.duration_s = 60;
    s.faults.push_back(FaultEvent{FaultKind::kWedge, "mi300x-2", 20, 20, 1});
    s.faults.push_back(FaultEvent{FaultKind::kWedge, "h100-13", 30, 0, 1});
    s.faults.push_back(FaultEvent{FaultKind::kSlow, "h100-1", 10, 40, 5});
    return s;
  }
  if (name == "maintenance") {
    Scenario s = TwoVendors("maintenance",
                            "32 devices; one device drained 10-20 s, then every AMD device drained 30-45 s", 16);
    s.workload.rate_rps = 7000;
    s.duration_s = 60;
    s.faults.push_back(FaultEvent{FaultKind::kDrainDevice, "h100-0", 10, 10, 1});
    s.faults.push_back(FaultEvent{FaultKind::kDrainVendor, "amd", 30, 15, 1});
    return s;
  }
  if (name == "hetero") {
    Scenario s = Base("hetero",
                      "64 devices of four generations (16 each of MI450-class, MI300X, H200, H100) at high "
                      "load, generation-heavy traffic: placement quality (no vendor-share limit)");
    s.models[0].traffic_weight = 0.40;
    s.models[1].traffic_weight = 0.35;
    s.models[2].traffic_weight = 0.25;
    AddSplit(s, "mi450", 16);
    AddSplit(s, "mi300x", 16);
    AddSplit(s, "h200", 16);
    AddSplit(s, "h100", 16);
    s.workload.rate_rps = 15000;
    s.duration_s = 30;
    // Placement quality alone: with a 60% cap the AMD side (about 70% of
    // the capacity here) could not be used fully by any policy.
    s.scheduler.max_vendor_share = 1.0;
    s.policies = {"round-robin", "least-outstanding", "ect", "ect-energy"};
    return s;
  }
  std::string known;
  for (const std::string& n : BuiltinScenarioNames()) known += (known.empty() ? "" : ", ") + n;
  return absl::NotFoundError("unknown scenario '" + std::string(name) + "' (built-in: " + known + ")");
}

}  // namespace braid::scheduler::sim
