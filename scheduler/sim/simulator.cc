#include "scheduler/sim/simulator.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include "scheduler/deployment.h"
#include "scheduler/metrics.h"
#include "scheduler/scheduler.h"
#include "scheduler/sim/sim_device.h"
#include "scheduler/sim/workload.h"
#include "scheduler/virtual_clock.h"

namespace braid::scheduler::sim {
namespace {

double Percentile(std::vector<float>& values, double q) {
  if (values.empty()) return 0;
  const size_t k = std::min(values.size() - 1, static_cast<size_t>(q * static_cast<double>(values.size())));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

// Everything the simulation records about answers.
struct Recorder {
  Nanos bucket_width = 1;
  int num_vendors = 0;
  uint64_t all_vendors = 0;
  std::vector<uint8_t> answers;       // per request sequence number
  std::vector<uint16_t> model_of;     // per request
  std::vector<std::vector<float>> ok_latency_ms;  // per model
  std::vector<int64_t> ok_in_slo;     // per model
  std::vector<Nanos> slo;             // per model
  std::vector<int> vendor_of_device;
  std::vector<int64_t> served, served_outside;  // per vendor
  std::vector<TimeBucket> timeline;
  std::vector<Histogram> bucket_latency;
  const std::vector<FaultWindow>* windows = nullptr;
  Scheduler* scheduler = nullptr;
  const std::function<void(const Response&, int, Nanos)>* on_answer = nullptr;
  std::vector<Nanos> deadline_of;  // per request, only when on_answer is set
  int64_t answered = 0, duplicates = 0;
  int64_t ok = 0, deadline = 0, exhausted = 0, cancelled = 0, unavailable = 0, other = 0;
  Nanos last_answer = 0;

  bool OutsideFaults(Nanos t) const {
    for (const FaultWindow& w : *windows) {
      if (t >= w.start && t < w.end) return false;
    }
    return scheduler->AvailableVendors() == all_vendors;
  }

  void Record(uint64_t seq, const Response& r) {
    if (answers[seq]++ != 0) {
      ++duplicates;
      return;
    }
    ++answered;
    last_answer = std::max(last_answer, r.finish_time);
    const int model = model_of[seq];
    if (*on_answer) (*on_answer)(r, model, deadline_of[seq]);
    const size_t b = std::min<size_t>(timeline.size() - 1, static_cast<size_t>(r.finish_time / bucket_width));
    TimeBucket& bucket = timeline[b];
    switch (r.status.code()) {
      case absl::StatusCode::kOk: {
        ++ok;
        const Nanos latency = r.finish_time - r.submit_time;
        ok_latency_ms[model].push_back(static_cast<float>(ToMilliseconds(latency)));
        const bool in_slo = latency <= slo[model];
        ok_in_slo[model] += in_slo ? 1 : 0;
        ++bucket.completed;
        bucket.ok_in_slo += in_slo ? 1 : 0;
        bucket_latency[b].Add(latency);
        if (r.device >= 0) {
          const int v = vendor_of_device[r.device];
          ++served[v];
          ++bucket.per_vendor[v];
          if (OutsideFaults(r.finish_time)) ++served_outside[v];
        }
        return;
      }
      case absl::StatusCode::kDeadlineExceeded:
        ++deadline;
        break;
      case absl::StatusCode::kResourceExhausted:
        ++exhausted;
        break;
      case absl::StatusCode::kCancelled:
        ++cancelled;
        break;
      case absl::StatusCode::kUnavailable:
        ++unavailable;
        break;
      default:
        ++other;
        break;
    }
    ++bucket.failed;
  }
};

}  // namespace

absl::StatusOr<SimResult> RunSimulation(const Scenario& scenario_in, const SimOptions& options) {
  Scenario scenario = scenario_in;
  if (options.seed) scenario.seed = *options.seed;
  if (options.duration_s) scenario.duration_s = *options.duration_s;
  if (options.max_requests) scenario.max_requests = *options.max_requests;
  if (!(options.load_scale > 0)) return absl::InvalidArgumentError("load scale must be positive");
  scenario.workload.rate_rps *= options.load_scale;
  if (auto st = ValidateScenario(scenario); !st.ok()) return st;
  auto policy = MakePolicy(options.policy);
  if (!policy.ok()) return policy.status();
  const auto wall_start = std::chrono::steady_clock::now();

  VirtualClock clock;
  const std::vector<SimModel> models = scenario.models;
  std::vector<std::unique_ptr<SimDevice>> devices;
  std::vector<SimDevice*> device_ptrs;
  std::vector<std::vector<std::string>> deployments;
  std::map<std::string, int> per_preset;
  for (const FleetGroup& group : scenario.fleet) {
    DevicePreset preset = FindPreset(group.preset, scenario.presets).value();
    for (int k = 0; k < group.count; ++k) {
      const std::string name = preset.name + "-" + std::to_string(per_preset[preset.name]++);
      devices.push_back(std::make_unique<SimDevice>(name, preset, &models, &clock,
                                                    Rng::Derive(scenario.seed, devices.size())));
      device_ptrs.push_back(devices.back().get());
      deployments.push_back(group.models);
    }
  }
  if (auto st = ValidateFaults(scenario.faults, device_ptrs); !st.ok()) return st;
  if (scenario.deployment == "planned") {
    // Demand: traffic share x per-item time at full batch on the first
    // device; capacity: geometric mean of compute and bandwidth.
    std::vector<DeploymentDevice> plan_devices;
    for (const SimDevice* d : device_ptrs) {
      plan_devices.push_back(DeploymentDevice{d->info().name, d->info().vendor,
                                              std::sqrt(d->preset().peak_tflops * d->preset().memory_tbps)});
    }
    std::vector<DeploymentModel> plan_models;
    for (const SimModel& m : models) {
      const double per_item = static_cast<double>(ServiceTime(device_ptrs[0]->preset(), m, m.max_batch)) / m.max_batch;
      plan_models.push_back(DeploymentModel{m.name, std::max(m.traffic_weight, 1e-6) * per_item});
    }
    auto plan = PlanDeployment(plan_devices, plan_models);
    if (!plan.ok()) return plan.status();
    deployments = std::move(*plan);
  }

  SimResult result;
  SchedulerOptions scheduler_options = MakeSchedulerOptions(scenario.scheduler);
  scheduler_options.on_event = [&result](const SchedulerEvent& e) {
    char line[96];
    std::snprintf(line, sizeof(line), "t=%.3fs %s ", ToSeconds(e.time), SchedulerEventName(e.kind));
    result.events.push_back(std::string(line) + (e.device.empty() ? e.vendor : e.device) +
                            (e.detail.empty() ? "" : ": " + e.detail));
  };
  auto scheduler_or = Scheduler::Create(&clock, std::move(*policy), std::move(scheduler_options));
  if (!scheduler_or.ok()) return scheduler_or.status();
  std::unique_ptr<Scheduler> scheduler = std::move(*scheduler_or);
  for (const SimModel& m : models) {
    ModelConfig config;
    config.name = m.name;
    config.max_batch_size = m.max_batch;
    config.max_queue_delay = Milliseconds(m.max_queue_delay_ms);
    config.queue_capacity = m.queue_capacity;
    config.cost = ModelCostOf(m);
    if (auto st = scheduler->RegisterModel(config); !st.ok()) return st;
  }
  for (size_t i = 0; i < devices.size(); ++i) {
    if (auto st = scheduler->AddDevice(devices[i].get(), deployments[i]); !st.ok()) return st.status();
  }
  result.models_below_vendor_redundancy = scheduler->ModelsBelowVendorRedundancy();
  result.faults = ArmFaults(scenario.faults, clock, device_ptrs, *scheduler);

  const Nanos duration = Seconds(scenario.duration_s);
  const std::vector<std::string> vendor_names = scheduler->VendorNames();
  Recorder rec;
  rec.num_vendors = static_cast<int>(vendor_names.size());
  rec.all_vendors = rec.num_vendors >= 64 ? ~uint64_t{0} : (uint64_t{1} << rec.num_vendors) - 1;
  rec.windows = &result.faults;
  rec.scheduler = scheduler.get();
  rec.on_answer = &options.on_answer;
  const int buckets = std::max(options.timeline_buckets, 1);
  rec.bucket_width = std::max<Nanos>(duration / buckets, 1);
  rec.timeline.resize(buckets);
  rec.bucket_latency.resize(buckets);
  for (int b = 0; b < buckets; ++b) {
    rec.timeline[b].start_s = ToSeconds(rec.bucket_width * b);
    rec.timeline[b].end_s = ToSeconds(rec.bucket_width * (b + 1));
    rec.timeline[b].per_vendor.assign(rec.num_vendors, 0);
  }
  rec.ok_latency_ms.resize(models.size());
  rec.ok_in_slo.assign(models.size(), 0);
  for (const SimModel& m : models) rec.slo.push_back(Milliseconds(m.slo_ms));
  for (const SimDevice* d : device_ptrs) {
    const auto it = std::find(vendor_names.begin(), vendor_names.end(), d->info().vendor);
    rec.vendor_of_device.push_back(static_cast<int>(it - vendor_names.begin()));
  }
  rec.served.assign(rec.num_vendors, 0);
  rec.served_outside.assign(rec.num_vendors, 0);

  std::vector<double> weights;
  for (const SimModel& m : models) weights.push_back(m.traffic_weight);
  ArrivalProcess arrivals(scenario.workload, weights, Rng::Derive(scenario.seed, uint64_t{1} << 40));
  result.offered_rps = arrivals.MeanRate(duration);
  const int64_t max_requests = scenario.max_requests > 0 ? scenario.max_requests : INT64_MAX;
  const size_t expected = static_cast<size_t>(
      std::min<double>(static_cast<double>(max_requests), result.offered_rps * scenario.duration_s * 1.1 + 1024));
  rec.answers.reserve(expected);
  rec.model_of.reserve(expected);

  int64_t submitted = 0;
  bool arrivals_done = false;
  std::vector<int64_t> submitted_per_model(models.size(), 0);
  Arrival next = arrivals.Next();
  std::function<void()> arrive = [&] {
    const Arrival a = next;
    const uint64_t seq = static_cast<uint64_t>(submitted++);
    rec.answers.push_back(0);
    rec.model_of.push_back(static_cast<uint16_t>(a.model));
    ++submitted_per_model[a.model];
    Request request;
    request.model = models[a.model].name;
    request.priority = a.priority;
    if (a.has_deadline) request.deadline = a.time + rec.slo[a.model];
    if (options.on_answer) rec.deadline_of.push_back(request.deadline);
    Recorder* r = &rec;
    scheduler->Submit(std::move(request), [r, seq](Response response) { r->Record(seq, response); });
    next = arrivals.Next();
    if (next.time < duration && submitted < max_requests) {
      clock.RunAt(next.time, [&arrive] { arrive(); });
    } else {
      arrivals_done = true;
    }
  };
  if (next.time < duration && max_requests > 0) {
    clock.RunAt(next.time, [&arrive] { arrive(); });
  } else {
    arrivals_done = true;
  }

  double next_report = 0.1;
  while (clock.Step()) {
    if (arrivals_done && rec.answered >= submitted) break;
    if (options.progress && (clock.events_run() & 0xfff) == 0) {
      const double fraction = std::min(1.0, ToSeconds(clock.Now()) / scenario.duration_s);
      if (fraction >= next_report) {
        while (next_report <= fraction) next_report += 0.1;
        SimProgress p;
        p.policy = options.policy;
        p.fraction = fraction;
        p.sim_time_s = ToSeconds(clock.Now());
        p.submitted = submitted;
        p.answered = rec.answered;
        p.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
        options.progress(p);
      }
    }
  }
  if (options.progress) {
    SimProgress p;
    p.policy = options.policy;
    p.fraction = 1.0;
    p.sim_time_s = ToSeconds(clock.Now());
    p.submitted = submitted;
    p.answered = rec.answered;
    p.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    options.progress(p);
  }
  // Anything still unanswered (parked without a deadline) is answered now.
  const MetricsSnapshot metrics = scheduler->Metrics();
  scheduler->Shutdown();

  result.scenario = scenario.name;
  result.policy = options.policy;
  result.seed = scenario.seed;
  result.load_scale = options.load_scale;
  result.duration_s = scenario.duration_s;
  result.sim_end_s = ToSeconds(rec.last_answer);
  result.devices = static_cast<int>(devices.size());
  result.submitted = submitted;
  result.answered = rec.answered;
  result.lost = submitted - rec.answered;
  result.duplicate_answers = rec.duplicates;
  result.ok = rec.ok;
  result.deadline_exceeded = rec.deadline;
  result.resource_exhausted = rec.exhausted;
  result.cancelled = rec.cancelled;
  result.unavailable = rec.unavailable;
  result.other_errors = rec.other;
  std::vector<float> all;
  all.reserve(static_cast<size_t>(rec.ok));
  for (size_t m = 0; m < models.size(); ++m) {
    all.insert(all.end(), rec.ok_latency_ms[m].begin(), rec.ok_latency_ms[m].end());
    result.ok_in_slo += rec.ok_in_slo[m];
    ModelResult mr;
    mr.name = models[m].name;
    mr.submitted = submitted_per_model[m];
    mr.ok = static_cast<int64_t>(rec.ok_latency_ms[m].size());
    mr.ok_in_slo = rec.ok_in_slo[m];
    mr.slo_ms = models[m].slo_ms;
    mr.p50_ms = Percentile(rec.ok_latency_ms[m], 0.5);
    mr.p99_ms = Percentile(rec.ok_latency_ms[m], 0.99);
    result.models.push_back(std::move(mr));
  }
  result.p50_ms = Percentile(all, 0.5);
  result.p90_ms = Percentile(all, 0.9);
  result.p99_ms = Percentile(all, 0.99);
  result.max_ms = all.empty() ? 0 : *std::max_element(all.begin(), all.end());
  result.slo_attainment = submitted ? static_cast<double>(result.ok_in_slo) / submitted : 1.0;
  result.goodput_rps = result.ok_in_slo / scenario.duration_s;
  result.throughput_rps = result.ok / scenario.duration_s;
  result.redispatched = metrics.total.redispatched;
  result.batches = metrics.total.batches;
  result.mean_batch_size = metrics.total.batch_size.mean();
  result.max_vendor_share = scenario.scheduler.max_vendor_share;

  double energy = 0;
  int64_t served_outside_total = 0;
  for (int64_t s : rec.served_outside) served_outside_total += s;
  for (int v = 0; v < rec.num_vendors; ++v) {
    VendorResult vr;
    vr.name = vendor_names[v];
    for (size_t d = 0; d < devices.size(); ++d) {
      if (rec.vendor_of_device[d] != v) continue;
      ++vr.devices;
      vr.energy_j += devices[d]->energy_joules();
    }
    energy += vr.energy_j;
    vr.served = rec.served[v];
    vr.share = rec.ok ? static_cast<double>(rec.served[v]) / rec.ok : 0;
    vr.share_outside_faults =
        served_outside_total ? static_cast<double>(rec.served_outside[v]) / served_outside_total : 0;
    result.vendors.push_back(std::move(vr));
  }
  result.energy_j_per_request = rec.ok ? energy / rec.ok : 0;
  for (int b = 0; b < buckets; ++b) {
    rec.timeline[b].p50_ms = ToMilliseconds(rec.bucket_latency[b].Quantile(0.5));
    rec.timeline[b].p99_ms = ToMilliseconds(rec.bucket_latency[b].Quantile(0.99));
  }
  result.timeline = std::move(rec.timeline);
  result.sim_events = clock.events_run();
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return result;
}

}  // namespace braid::scheduler::sim
