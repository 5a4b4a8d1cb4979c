// Minimal SVG line charts (no dependencies) for simulation reports.
#ifndef BRAID_SCHEDULER_SIM_SVG_PLOT_H_
#define BRAID_SCHEDULER_SIM_SVG_PLOT_H_

#include <string>
#include <utility>
#include <vector>

#include "scheduler/sim/report.h"
#include "scheduler/sim/simulator.h"

namespace braid::scheduler::sim {

struct PlotSeries {
  std::string label;
  std::vector<double> x;
  std::vector<double> y;
  bool dashed = false;
};

struct PlotPanel {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<PlotSeries> series;
  std::vector<std::pair<double, double>> shaded;  // x ranges (e.g. fault windows)
  double y_min = 0;                               // y axis starts here
  double y_max = 0;                               // 0 = from the data
  bool log_y = false;
};

// Panels stacked vertically in one SVG document.
std::string RenderSvg(const std::string& title, const std::vector<PlotPanel>& panels, int width = 960,
                      int panel_height = 280);

// Latency (p50/p99) over time and per-vendor share of completions over
// time, one line per policy, fault windows shaded.
std::string RunsPlotSvg(const std::vector<SimResult>& results);
// Goodput and SLO attainment against offered load, one line per policy.
std::string SweepPlotSvg(const std::vector<SweepPoint>& points, double target_attainment);

}  // namespace braid::scheduler::sim

#endif  // BRAID_SCHEDULER_SIM_SVG_PLOT_H_
