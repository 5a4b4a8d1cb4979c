// `braid simulate` as users call it: flags parsed by the command's own CLI11
// wiring (tools/cmd_simulate.cc), output and exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "CLI/CLI.hpp"
#include "nlohmann/json.hpp"
#include "scheduler/sim/simulate_main.h"
#include "tools/commands.h"

namespace braid::tools {
namespace {

using ::testing::HasSubstr;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Outcome Invoke(std::vector<std::string> args) {
  CLI::App app{"braid"};
  app.require_subcommand(1);
  Outcome o;
  o.exit_code = 0;
  RegisterSimulateCommand(app, o.exit_code);
  std::vector<const char*> argv = {"braid", "simulate"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  try {
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  } catch (const CLI::ParseError& e) {
    o.exit_code = app.exit(e);
  }
  o.out = ::testing::internal::GetCapturedStdout();
  o.err = ::testing::internal::GetCapturedStderr();
  return o;
}

TEST(SimulateCommandTest, ListsScenariosPresetsAndPolicies) {
  const Outcome o = Invoke({"--list"});
  EXPECT_EQ(o.exit_code, 0);
  for (const char* s : {"steady", "vendor-outage", "wedged-device", "mi450", "h200", "ect-energy"}) {
    EXPECT_THAT(o.out, HasSubstr(s));
  }
}

TEST(SimulateCommandTest, HelpNamesTheFlags) {
  const Outcome o = Invoke({"--help"});
  EXPECT_EQ(o.exit_code, 0);
  for (const char* flag : {"--scenario", "--scenario-file", "--policy", "--seed", "--json", "--out", "--sweep",
                           "--progress", "--load", "--max-vendor-share"}) {
    EXPECT_THAT(o.out, HasSubstr(flag));
  }
}

TEST(SimulateCommandTest, JsonRunWithCommaSeparatedPolicies) {
  const Outcome o = Invoke({"--scenario", "device-failure", "--duration", "3", "--load", "0.05", "--policy",
                         "round-robin,ect", "--seed", "9", "--json"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  const nlohmann::json j = nlohmann::json::parse(o.out);
  ASSERT_EQ(j["runs"].size(), 2u);
  EXPECT_EQ(j["runs"][0]["policy"], "round-robin");
  EXPECT_EQ(j["runs"][1]["seed"], 9);
  EXPECT_EQ(j["runs"][1]["requests"]["lost"], 0);
  EXPECT_DOUBLE_EQ(j["runs"][1]["duration_s"].get<double>(), 3.0);
}

TEST(SimulateCommandTest, WritesCsvSvgAndJsonAndReportsProgress) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "simulate_out";
  std::filesystem::remove_all(dir);
  const Outcome o = Invoke({"--scenario", "steady", "--duration", "2", "--load", "0.05", "--policy", "ect",
                         "--out", dir.string(), "--progress"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_THAT(o.out, HasSubstr("lost (must be 0)"));
  EXPECT_THAT(o.err, HasSubstr("[ect x0.05] 100%"));
  for (const char* f : {"steady.summary.csv", "steady.timeline.csv", "steady.svg", "steady.json"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
  }
  std::filesystem::remove_all(dir);
}

TEST(SimulateCommandTest, SweepReportsBestGoodputPerPolicy) {
  const Outcome o = Invoke({"--scenario", "steady", "--duration", "2", "--policy", "round-robin,ect", "--sweep",
                         "0.05:0.1:0.05"});
  ASSERT_EQ(o.exit_code, 0) << o.err;
  EXPECT_THAT(o.out, HasSubstr("best goodput at >= 99.00% SLO attainment"));
  EXPECT_THAT(o.out, HasSubstr("x round-robin"));
}

TEST(SimulateCommandTest, ScenarioFilesAndDumpRoundTrip) {
  const Outcome dump = Invoke({"--scenario", "burst", "--dump-scenario"});
  ASSERT_EQ(dump.exit_code, 0);
  const std::string path = ::testing::TempDir() + "/cmd_scenario.json";
  {
    std::ofstream f(path);
    f << dump.out;
  }
  const Outcome o = Invoke({"--scenario-file", path, "--duration", "2", "--load", "0.05", "--policy", "ect"});
  EXPECT_EQ(o.exit_code, 0) << o.err;
  EXPECT_THAT(o.out, HasSubstr("scenario burst"));
  std::remove(path.c_str());
}

TEST(SimulateCommandTest, BadInputIsAClearError) {
  Outcome o = Invoke({"--scenario", "nope"});
  EXPECT_EQ(o.exit_code, scheduler::sim::kSimulateUsageError);
  EXPECT_THAT(o.err, HasSubstr("unknown scenario 'nope'"));
  o = Invoke({"--scenario-file", "/nonexistent/x.json"});
  EXPECT_EQ(o.exit_code, scheduler::sim::kSimulateUsageError);
  EXPECT_THAT(o.err, HasSubstr("/nonexistent/x.json"));
  o = Invoke({"--policy", "fastest"});
  EXPECT_EQ(o.exit_code, scheduler::sim::kSimulateUsageError);
  EXPECT_THAT(o.err, HasSubstr("fastest"));
  o = Invoke({"--sweep", "2:1:0.5"});
  EXPECT_EQ(o.exit_code, scheduler::sim::kSimulateUsageError);
  o = Invoke({"--max-vendor-share", "0"});
  EXPECT_EQ(o.exit_code, scheduler::sim::kSimulateUsageError);
  o = Invoke({"--seed", "abc"});
  EXPECT_NE(o.exit_code, 0);
}

TEST(SimulateCommandTest, ParseSweep) {
  std::vector<double> loads;
  std::string error;
  ASSERT_TRUE(scheduler::sim::ParseSweep("0.5:1.5:0.5", &loads, &error));
  EXPECT_EQ(loads, (std::vector<double>{0.5, 1.0, 1.5}));
  ASSERT_TRUE(scheduler::sim::ParseSweep("1,2.5", &loads, &error));
  EXPECT_EQ(loads, (std::vector<double>{1, 2.5}));
  EXPECT_FALSE(scheduler::sim::ParseSweep("1,x", &loads, &error));
  EXPECT_THAT(error, HasSubstr("'x'"));
  EXPECT_FALSE(scheduler::sim::ParseSweep("", &loads, &error));
}

}  // namespace
}  // namespace braid::tools
