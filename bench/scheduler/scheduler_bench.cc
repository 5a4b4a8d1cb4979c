// Scheduler overhead benchmarks (Google Benchmark).
//
//   BM_SubmitToDispatch/<policy>/<devices>: wall time of one Submit call
//     (admission, placement decision, enqueue, batch start when due) on a
//     fleet kept at a steady ~60% load by the virtual clock between calls.
//     Counters p50_us / p99_us are the median and 99th percentile per call.
//   BM_Placement/<policy>/<devices>: the same, for fleets of 64..4096
//     devices at the same per-device load: how placement cost grows.
//   BM_SimulatedRequests: whole-simulator throughput (requests per second
//     of wall time) on the steady scenario.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "scheduler/scheduler.h"
#include "scheduler/sim/perf_model.h"
#include "scheduler/sim/scenario.h"
#include "scheduler/sim/sim_device.h"
#include "scheduler/sim/simulator.h"
#include "scheduler/sim/workload.h"
#include "scheduler/virtual_clock.h"

namespace braid::scheduler {
namespace {

const char* const kPolicies[] = {"round-robin", "least-outstanding", "ect", "ect-energy"};

// A fleet of `devices` simulated devices (four kinds, two vendors) serving
// the default models, driven at about `utilization` of its capacity.
struct Fleet {
  explicit Fleet(const std::string& policy, int devices) {
    models = sim::DefaultServingModels();
    SchedulerOptions options;
    options.share.max_vendor_share = 0.6;
    scheduler = Scheduler::Create(&clock, MakePolicy(policy).value(), options).value();
    for (const sim::SimModel& m : models) {
      ModelConfig c;
      c.name = m.name;
      c.max_batch_size = m.max_batch;
      c.max_queue_delay = Milliseconds(m.max_queue_delay_ms);
      c.queue_capacity = m.queue_capacity;
      c.cost = sim::ModelCostOf(m);
      (void)scheduler->RegisterModel(c);
    }
    const char* kinds[] = {"mi300x", "h100", "mi450", "h200"};
    for (int i = 0; i < devices; ++i) {
      sim::DevicePreset p = sim::FindPreset(kinds[i % 4]).value();
      sims.push_back(std::make_unique<sim::SimDevice>(p.name + "-" + std::to_string(i), p, &models, &clock, i + 1));
      // Generation model on 5 of every 8 devices, the others elsewhere.
      std::vector<std::string> serve =
          (i / 4) % 8 < 5 ? std::vector<std::string>{models[0].name}
                          : std::vector<std::string>{models[1].name, models[2].name};
      (void)scheduler->AddDevice(sims.back().get(), serve);
    }
    // About 400 requests/s per device keeps this mix near 60% busy.
    sim::WorkloadSpec w;
    w.rate_rps = 400.0 * devices;
    std::vector<double> weights;
    for (const sim::SimModel& m : models) weights.push_back(m.traffic_weight);
    arrivals = std::make_unique<sim::ArrivalProcess>(w, weights, 7);
  }

  // Advances the virtual clock to the next arrival and returns it.
  sim::Arrival Next() {
    const sim::Arrival a = arrivals->Next();
    clock.RunUntil(a.time);
    return a;
  }

  VirtualClock clock;
  std::vector<sim::SimModel> models;
  std::vector<std::unique_ptr<sim::SimDevice>> sims;
  std::unique_ptr<Scheduler> scheduler;
  std::unique_ptr<sim::ArrivalProcess> arrivals;
};

void RunSubmitLoop(benchmark::State& state, const std::string& policy, int devices) {
  Fleet fleet(policy, devices);
  // Warm up: fill queues and learn latencies.
  for (int i = 0; i < 20000; ++i) {
    const sim::Arrival a = fleet.Next();
    Request r;
    r.model = fleet.models[a.model].name;
    r.deadline = a.time + Milliseconds(fleet.models[a.model].slo_ms);
    fleet.scheduler->Submit(std::move(r), [](Response) {});
  }
  std::vector<double> samples;
  samples.reserve(1 << 20);
  for (auto _ : state) {
    const sim::Arrival a = fleet.Next();  // devices finish work: not timed
    Request r;
    r.model = fleet.models[a.model].name;
    r.deadline = a.time + Milliseconds(fleet.models[a.model].slo_ms);
    const auto start = std::chrono::steady_clock::now();
    fleet.scheduler->Submit(std::move(r), [](Response) {});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(seconds);
    if (samples.size() < samples.capacity()) samples.push_back(seconds);
  }
  if (!samples.empty()) {
    std::sort(samples.begin(), samples.end());
    state.counters["p50_us"] = samples[samples.size() / 2] * 1e6;
    state.counters["p99_us"] = samples[samples.size() * 99 / 100] * 1e6;
  }
  const MetricsSnapshot m = fleet.scheduler->Metrics();
  state.counters["devices"] = devices;
  state.counters["mean_batch"] = m.total.batch_size.mean();
  state.counters["rejected_pct"] =
      m.total.submitted ? 100.0 * (m.total.rejected + m.total.deadline_exceeded) / m.total.submitted : 0;
}

void BM_SubmitToDispatch(benchmark::State& state) {
  RunSubmitLoop(state, kPolicies[state.range(0)], static_cast<int>(state.range(1)));
  state.SetLabel(kPolicies[state.range(0)]);
}
BENCHMARK(BM_SubmitToDispatch)
    ->ArgsProduct({{0, 1, 2, 3}, {64}})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(200000);

void BM_Placement(benchmark::State& state) {
  RunSubmitLoop(state, kPolicies[state.range(0)], static_cast<int>(state.range(1)));
  state.SetLabel(kPolicies[state.range(0)]);
}
BENCHMARK(BM_Placement)
    ->ArgsProduct({{0, 1, 2}, {64, 256, 1024, 4096}})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(100000);

void BM_SimulatedRequests(benchmark::State& state) {
  sim::Scenario s = sim::BuiltinScenario("steady").value();
  sim::SimOptions o;
  o.policy = "ect";
  o.max_requests = state.range(0);
  int64_t requests = 0;
  for (auto _ : state) {
    auto r = sim::RunSimulation(s, o);
    if (!r.ok() || r->lost != 0) {
      state.SkipWithError("simulation failed or lost requests");
      return;
    }
    requests += r->submitted;
  }
  state.SetItemsProcessed(requests);
}
BENCHMARK(BM_SimulatedRequests)->Arg(200000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace braid::scheduler

BENCHMARK_MAIN();
