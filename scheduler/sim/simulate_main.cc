#include "scheduler/sim/simulate_main.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "scheduler/policy.h"
#include "scheduler/sim/perf_model.h"
#include "scheduler/sim/report.h"
#include "scheduler/sim/scenario.h"
#include "scheduler/sim/simulator.h"
#include "scheduler/sim/svg_plot.h"

namespace braid::scheduler::sim {
namespace {

bool WriteFile(const std::filesystem::path& path, const std::string& text, std::ostream& err) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  if (!f) {
    err << "error: cannot write " << path.string() << "\n";
    return false;
  }
  return true;
}

void List(std::ostream& out) {
  out << "built-in scenarios:\n";
  for (const std::string& name : BuiltinScenarioNames()) {
    out << "  " << name << ": " << BuiltinScenario(name)->description << "\n";
  }
  out << "device presets (estimates):\n";
  for (const DevicePreset& p : BuiltinPresets()) out << "  " << p.name << " (" << p.vendor << "): " << p.description << "\n";
  out << "placement policies:";
  for (const std::string& p : PolicyNames()) out << " " << p;
  out << "\n";
}

// Runs `jobs` simulations on up to `threads` threads (0 = all cores);
// results in job order. Each simulation is single-threaded and
// deterministic, so running them side by side changes no result. Plain
// std::threads (not a oneTBB arena) keep the ThreadSanitizer build exact:
// the distribution's oneTBB is not instrumented.
std::vector<absl::StatusOr<SimResult>> RunAll(const Scenario& scenario, const std::vector<SimOptions>& jobs,
                                              int threads) {
  std::vector<absl::StatusOr<SimResult>> results(jobs.size(), absl::UnknownError("not run"));
  const size_t workers = std::min<size_t>(
      jobs.size(), threads > 0 ? static_cast<size_t>(threads) : std::max(1u, std::thread::hardware_concurrency()));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next.fetch_add(1); i < jobs.size(); i = next.fetch_add(1)) {
      results[i] = RunSimulation(scenario, jobs[i]);
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  return results;
}

}  // namespace

bool ParseSweep(const std::string& spec, std::vector<double>* loads, std::string* error) {
  loads->clear();
  auto parse = [&](const std::string& s, double* v) {
    char* end = nullptr;
    *v = std::strtod(s.c_str(), &end);
    return !s.empty() && end == s.c_str() + s.size() && *v > 0;
  };
  if (spec.find(':') != std::string::npos) {
    std::vector<std::string> parts;
    std::stringstream ss(spec);
    for (std::string part; std::getline(ss, part, ':');) parts.push_back(part);
    double lo, hi, step;
    if (parts.size() != 3 || !parse(parts[0], &lo) || !parse(parts[1], &hi) || !parse(parts[2], &step) || hi < lo) {
      *error = "sweep '" + spec + "': expected lo:hi:step with 0 < lo <= hi and step > 0";
      return false;
    }
    for (int i = 0; lo + i * step <= hi * (1 + 1e-9) && i < 1000; ++i) loads->push_back(lo + i * step);
  } else {
    std::stringstream ss(spec);
    for (std::string part; std::getline(ss, part, ',');) {
      double v;
      if (!parse(part, &v)) {
        *error = "sweep '" + spec + "': '" + part + "' is not a positive number";
        return false;
      }
      loads->push_back(v);
    }
  }
  if (loads->empty()) {
    *error = "sweep '" + spec + "' names no load";
    return false;
  }
  return true;
}

int RunSimulate(const SimulateArgs& args, std::ostream& out, std::ostream& err) {
  if (args.list) {
    List(out);
    return kSimulateOk;
  }
  absl::StatusOr<Scenario> scenario =
      args.scenario_file.empty() ? BuiltinScenario(args.scenario) : LoadScenarioFile(args.scenario_file);
  if (!scenario.ok()) {
    err << "error: " << scenario.status().message() << "\n";
    return kSimulateUsageError;
  }
  if (args.seed) scenario->seed = *args.seed;
  if (args.duration_s) scenario->duration_s = *args.duration_s;
  if (args.requests) scenario->max_requests = *args.requests;
  if (!args.policies.empty()) scenario->policies = args.policies;
  if (args.max_vendor_share) scenario->scheduler.max_vendor_share = *args.max_vendor_share;
  if (auto st = ValidateScenario(*scenario); !st.ok()) {
    err << "error: " << st.message() << "\n";
    return kSimulateUsageError;
  }
  if (!(args.load > 0)) {
    err << "error: --load must be positive\n";
    return kSimulateUsageError;
  }
  if (args.dump_scenario) {
    out << ScenarioToJson(*scenario) << "\n";
    return kSimulateOk;
  }
  std::filesystem::path dir;
  if (!args.out_dir.empty()) {
    dir = args.out_dir;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      err << "error: cannot create output folder " << dir.string() << ": " << ec.message() << "\n";
      return kSimulateUsageError;
    }
  }
  std::vector<double> loads = {args.load};
  const bool sweep = !args.sweep.empty();
  if (sweep) {
    std::string error;
    if (!ParseSweep(args.sweep, &loads, &error)) {
      err << "error: " << error << "\n";
      return kSimulateUsageError;
    }
  }

  std::mutex err_mu;
  std::vector<SimOptions> jobs;
  for (double load : loads) {
    for (const std::string& policy : scenario->policies) {
      SimOptions o;
      o.policy = policy;
      o.load_scale = load;
      if (args.progress) {
        o.progress = [&err, &err_mu, load](const SimProgress& p) {
          char line[200];
          std::snprintf(line, sizeof(line),
                        "[%s x%.2f] %3.0f%%  sim %.1f s  %lld submitted  %lld answered  wall %.1f s\n",
                        p.policy.c_str(), load, 100 * p.fraction, p.sim_time_s, static_cast<long long>(p.submitted),
                        static_cast<long long>(p.answered), p.wall_s);
          std::lock_guard<std::mutex> lock(err_mu);
          err << line << std::flush;
        };
      }
      jobs.push_back(std::move(o));
    }
  }
  std::vector<absl::StatusOr<SimResult>> runs = RunAll(*scenario, jobs, args.threads);
  std::vector<SimResult> results;
  for (auto& r : runs) {
    if (!r.ok()) {
      err << "error: " << r.status().message() << "\n";
      return kSimulateUsageError;
    }
    results.push_back(std::move(*r));
  }

  bool lost = false;
  for (const SimResult& r : results) {
    if (r.lost != 0 || r.duplicate_answers != 0) {
      lost = true;
      err << "error: policy " << r.policy << " at load x" << r.load_scale << " lost " << r.lost
          << " requests and answered " << r.duplicate_answers << " twice\n";
    }
  }
  const std::string stem = scenario->name.empty() ? "scenario" : scenario->name;
  bool files_ok = true;
  if (sweep) {
    std::vector<SweepPoint> points;
    for (const SimResult& r : results) {
      points.push_back(SweepPoint{r.policy, r.load_scale, r.offered_rps, r.goodput_rps, r.slo_attainment, r.p99_ms,
                                  r.lost + r.duplicate_answers});
    }
    const std::vector<SweepSummary> summary = SummarizeSweep(points, args.target_attainment);
    out << (args.json ? SweepToJson(points, summary, args.target_attainment) + "\n"
                      : FormatSweep(points, summary, args.target_attainment));
    if (!dir.empty()) {
      files_ok &= WriteFile(dir / (stem + ".sweep.csv"), SweepCsv(points), err);
      files_ok &= WriteFile(dir / (stem + ".sweep.svg"), SweepPlotSvg(points, args.target_attainment), err);
      files_ok &= WriteFile(dir / (stem + ".sweep.json"), SweepToJson(points, summary, args.target_attainment), err);
    }
  } else {
    out << (args.json ? ResultsToJson(results) + "\n" : FormatComparison(results));
    if (!dir.empty()) {
      files_ok &= WriteFile(dir / (stem + ".summary.csv"), SummaryCsv(results), err);
      files_ok &= WriteFile(dir / (stem + ".timeline.csv"), TimelineCsv(results), err);
      files_ok &= WriteFile(dir / (stem + ".svg"), RunsPlotSvg(results), err);
      files_ok &= WriteFile(dir / (stem + ".json"), ResultsToJson(results), err);
    }
  }
  if (!dir.empty() && files_ok && !args.json) out << "wrote CSV, SVG and JSON to " << dir.string() << "\n";
  if (lost) return kSimulateLostRequests;
  return files_ok ? kSimulateOk : kSimulateUsageError;
}

}  // namespace braid::scheduler::sim
