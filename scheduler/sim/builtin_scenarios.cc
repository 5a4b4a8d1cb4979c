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
  s.policies = {"round-robin", "least-outstanding", "ect"};
  return s;
}

std::vector<FleetGroup> TwoVendorFleet(int per_vendor) {
  return {FleetGroup{"mi300x", per_vendor, {}}, FleetGroup{"h100", per_vendor, {}}};
}

}  // namespace

std::vector<std::string> BuiltinScenarioNames() {
  return {"steady", "burst", "diurnal", "vendor-outage", "device-failure", "wedged-device", "maintenance",
          "hetero"};
}

absl::StatusOr<Scenario> BuiltinScenario(std::string_view name) {
  if (name == "steady") {
    Scenario s = Base("steady", "32 devices (16 MI300X, 16 H100), steady Poisson load at about half capacity");
    s.fleet = TwoVendorFleet(16);
    s.workload.rate_rps = 2400;
    s.duration_s = 60;
    s.policies.push_back("ect-energy");
    return s;
  }
  if (name == "burst") {
    Scenario s = Base("burst", "32 devices; 3 s bursts at 3x the base rate every 15 s");
    s.fleet = TwoVendorFleet(16);
    s.workload.pattern = ArrivalPattern::kBursty;
    s.workload.rate_rps = 1800;
    s.workload.burst_factor = 3;
    s.workload.burst_on_s = 3;
    s.workload.burst_period_s = 15;
    s.duration_s = 60;
    return s;
  }
  if (name == "diurnal") {
    Scenario s = Base("diurnal", "32 devices; load swings +-60% over a 60 s 'day'");
    s.fleet = TwoVendorFleet(16);
    s.workload.pattern = ArrivalPattern::kDiurnal;
    s.workload.rate_rps = 2200;
    s.workload.diurnal_period_s = 60;
    s.workload.diurnal_amplitude = 0.6;
    s.duration_s = 120;
    return s;
  }
  if (name == "vendor-outage") {
    Scenario s = Base("vendor-outage",
                      "64 devices (32 MI300X, 32 H100); every NVIDIA device is out from 30 s to 90 s");
    s.fleet = TwoVendorFleet(32);
    s.workload.rate_rps = 3600;
    s.duration_s = 120;
    s.faults.push_back(FaultEvent{FaultKind::kVendorOut, "nvidia", 30, 60, 1});
    return s;
  }
  if (name == "device-failure") {
    Scenario s = Base("device-failure",
                      "32 devices; two fail at 20 s (one recovers at 40 s), one more fails at 35 s for good");
    s.fleet = TwoVendorFleet(16);
    s.workload.rate_rps = 2400;
    s.duration_s = 60;
    s.faults.push_back(FaultEvent{FaultKind::kDeviceFail, "h100-3", 20, 20, 1});
    s.faults.push_back(FaultEvent{FaultKind::kDeviceFail, "mi300x-5", 20, 0, 1});
    s.faults.push_back(FaultEvent{FaultKind::kDeviceFail, "h100-9", 35, 0, 1});
    return s;
  }
  if (name == "wedged-device") {
    Scenario s = Base("wedged-device",
                      "32 devices; one device stops completing work at 20 s (back at 40 s), another one "
                      "wedges for good at 30 s, a third runs 5x slower from 10 s to 50 s");
    s.fleet = TwoVendorFleet(16);
    s.workload.rate_rps = 2400;
    s.duration_s = 60;
    s.faults.push_back(FaultEvent{FaultKind::kWedge, "mi300x-2", 20, 20, 1});
    s.faults.push_back(FaultEvent{FaultKind::kWedge, "h100-7", 30, 0, 1});
    s.faults.push_back(FaultEvent{FaultKind::kSlow, "h100-1", 10, 40, 5});
    return s;
  }
  if (name == "maintenance") {
    Scenario s = Base("maintenance",
                      "32 devices; one device drained 10-20 s, then the whole AMD side drained 30-45 s");
    s.fleet = TwoVendorFleet(16);
    s.workload.rate_rps = 1600;
    s.duration_s = 60;
    s.faults.push_back(FaultEvent{FaultKind::kDrainDevice, "h100-0", 10, 10, 1});
    s.faults.push_back(FaultEvent{FaultKind::kDrainVendor, "amd", 30, 15, 1});
    return s;
  }
  if (name == "hetero") {
    Scenario s = Base("hetero",
                      "64 mixed devices (8 MI450-class, 24 MI300X, 16 H200, 16 H100) at high load: "
                      "placement quality on a heterogeneous fleet");
    s.fleet = {FleetGroup{"mi450", 8, {}}, FleetGroup{"mi300x", 24, {}}, FleetGroup{"h200", 16, {}},
               FleetGroup{"h100", 16, {}}};
    s.workload.rate_rps = 9000;
    s.duration_s = 30;
    s.policies = {"round-robin", "least-outstanding", "ect", "ect-energy"};
    return s;
  }
  std::string known;
  for (const std::string& n : BuiltinScenarioNames()) known += (known.empty() ? "" : ", ") + n;
  return absl::NotFoundError("unknown scenario '" + std::string(name) + "' (built-in: " + known + ")");
}

}  // namespace braid::scheduler::sim
