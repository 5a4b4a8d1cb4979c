// Reports of simulation runs: side-by-side text tables, JSON, CSV.
#ifndef BRAID_SCHEDULER_SIM_REPORT_H_
#define BRAID_SCHEDULER_SIM_REPORT_H_

#include <string>
#include <vector>

#include "scheduler/sim/simulator.h"

namespace braid::scheduler::sim {

// One run per policy, same scenario: a table with one column per policy.
std::string FormatComparison(const std::vector<SimResult>& results);
// Everything (summary, vendors, models, events, timeline) as one JSON document.
std::string ResultsToJson(const std::vector<SimResult>& results);
// One row per run: the summary figures.
std::string SummaryCsv(const std::vector<SimResult>& results);
// One row per (run, time bucket): latency and per-vendor completions.
std::string TimelineCsv(const std::vector<SimResult>& results);

// A load sweep: for each policy, the best goodput among the loads whose SLO
// attainment reached `target_attainment`.
struct SweepPoint {
  std::string policy;
  double load_scale = 0;
  double offered_rps = 0;
  double goodput_rps = 0;
  double slo_attainment = 0;
  double p99_ms = 0;
  int64_t lost = 0;
};
struct SweepSummary {
  std::string policy;
  double best_goodput_rps = 0;  // 0 when no load reached the target
  double at_load_scale = 0;
};
std::vector<SweepSummary> SummarizeSweep(const std::vector<SweepPoint>& points, double target_attainment);
std::string SweepCsv(const std::vector<SweepPoint>& points);
std::string FormatSweep(const std::vector<SweepPoint>& points, const std::vector<SweepSummary>& summary,
                        double target_attainment);
std::string SweepToJson(const std::vector<SweepPoint>& points, const std::vector<SweepSummary>& summary,
                        double target_attainment);

}  // namespace braid::scheduler::sim

#endif  // BRAID_SCHEDULER_SIM_REPORT_H_
