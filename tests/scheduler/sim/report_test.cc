#include "scheduler/sim/report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nlohmann/json.hpp"
#include "scheduler/sim/scenario.h"
#include "scheduler/sim/svg_plot.h"

namespace braid::scheduler::sim {
namespace {

using ::testing::HasSubstr;

std::vector<SimResult> TwoRuns() {
  Scenario s = *BuiltinScenario("device-failure");
  s.duration_s = 25;
  std::vector<SimResult> out;
  for (const char* policy : {"round-robin", "ect"}) {
    SimOptions o;
    o.policy = policy;
    o.load_scale = 0.1;
    o.timeline_buckets = 25;
    out.push_back(RunSimulation(s, o).value());
  }
  return out;
}

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(ReportTest, TableJsonCsvAndPlot) {
  const std::vector<SimResult> runs = TwoRuns();
  const std::string table = FormatComparison(runs);
  EXPECT_THAT(table, HasSubstr("scenario device-failure"));
  EXPECT_THAT(table, HasSubstr("round-robin"));
  EXPECT_THAT(table, HasSubstr("lost (must be 0)"));
  EXPECT_THAT(table, HasSubstr("share nvidia outside faults"));
  EXPECT_THAT(table, HasSubstr("energy / request (J)"));

  const nlohmann::json j = nlohmann::json::parse(ResultsToJson(runs));
  ASSERT_EQ(j["runs"].size(), 2u);
  EXPECT_EQ(j["runs"][1]["policy"], "ect");
  EXPECT_EQ(j["runs"][0]["requests"]["lost"], 0);
  EXPECT_EQ(j["runs"][0]["requests"]["submitted"], runs[0].submitted);
  EXPECT_EQ(j["runs"][0]["faults"].size(), 3u);
  EXPECT_TRUE(j["runs"][0]["faults"][1]["end_s"].is_null());  // mi300x-12 fails for good

  const std::string summary = SummaryCsv(runs);
  EXPECT_EQ(Lines(summary), 3);
  EXPECT_THAT(summary, HasSubstr("share_outside_faults_amd"));
  EXPECT_EQ(Lines(TimelineCsv(runs)), 1 + 2 * 25);

  const std::string svg = RunsPlotSvg(runs);
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_THAT(svg, HasSubstr("<polyline"));
  EXPECT_THAT(svg, HasSubstr("ect p99"));
  EXPECT_THAT(svg, HasSubstr("share limit"));
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

TEST(ReportTest, SweepPicksTheBestGoodputAtTheTarget) {
  std::vector<SweepPoint> points = {
      {"round-robin", 1, 100, 100, 1.0, 10, 0},  {"round-robin", 2, 200, 190, 0.95, 50, 0},
      {"ect", 1, 100, 100, 1.0, 8, 0},           {"ect", 2, 200, 199, 0.995, 20, 0},
      {"ect", 3, 300, 280, 0.93, 90, 0},
  };
  const std::vector<SweepSummary> best = SummarizeSweep(points, 0.99);
  ASSERT_EQ(best.size(), 2u);
  EXPECT_DOUBLE_EQ(best[0].best_goodput_rps, 100);
  EXPECT_DOUBLE_EQ(best[1].best_goodput_rps, 199);
  EXPECT_DOUBLE_EQ(best[1].at_load_scale, 2);
  const std::string text = FormatSweep(points, best, 0.99);
  EXPECT_THAT(text, HasSubstr("1.99x round-robin"));
  EXPECT_EQ(Lines(SweepCsv(points)), 6);
  EXPECT_THAT(SweepPlotSvg(points, 0.99), HasSubstr("Goodput"));
  EXPECT_EQ(nlohmann::json::parse(SweepToJson(points, best, 0.99))["best"][1]["goodput_rps"], 199);
}

TEST(SvgTest, EscapesTextAndHandlesEmptyData) {
  PlotPanel p{"a <b> & \"c\"", "x", "y", {PlotSeries{"s", {}, {}, false}}, {}, 0, 0, false};
  const std::string svg = RenderSvg("t & u", {p});
  EXPECT_THAT(svg, HasSubstr("a &lt;b&gt; &amp; &quot;c&quot;"));
  EXPECT_THAT(svg, HasSubstr("t &amp; u"));
  EXPECT_THAT(RunsPlotSvg({}), HasSubstr("no runs"));
}

}  // namespace
}  // namespace braid::scheduler::sim
