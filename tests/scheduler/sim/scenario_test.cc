#include "scheduler/sim/scenario.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace braid::scheduler::sim {
namespace {

using ::testing::HasSubstr;

TEST(ScenarioTest, BuiltinsAreValidAndComplete) {
  const std::vector<std::string> names = BuiltinScenarioNames();
  for (const char* required : {"steady", "burst", "vendor-outage", "device-failure", "wedged-device"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), required), names.end()) << required;
  }
  for (const std::string& name : names) {
    auto s = BuiltinScenario(name);
    ASSERT_TRUE(s.ok()) << name;
    EXPECT_TRUE(ValidateScenario(*s).ok()) << name << ": " << ValidateScenario(*s);
    EXPECT_FALSE(s->description.empty());
  }
  const Scenario outage = *BuiltinScenario("vendor-outage");
  int devices = 0;
  for (const FleetGroup& g : outage.fleet) devices += g.count;
  EXPECT_EQ(devices, 64);
  ASSERT_EQ(outage.faults.size(), 1u);
  EXPECT_EQ(outage.faults[0].kind, FaultKind::kVendorOut);
  EXPECT_DOUBLE_EQ(outage.faults[0].duration_s, 60);
  EXPECT_EQ(BuiltinScenario("nope").status().code(), absl::StatusCode::kNotFound);
}

TEST(ScenarioTest, JsonRoundTrip) {
  for (const std::string& name : BuiltinScenarioNames()) {
    const Scenario s = *BuiltinScenario(name);
    const std::string json = ScenarioToJson(s);
    auto back = ParseScenarioJson(json);
    ASSERT_TRUE(back.ok()) << name << ": " << back.status();
    EXPECT_EQ(ScenarioToJson(*back), json) << name;
  }
}

TEST(ScenarioTest, MinimalFileUsesDefaults) {
  auto s = ParseScenarioJson(R"({
    "name": "tiny",
    "fleet": [{"preset": "mi300x", "count": 2}, {"preset": "my-gpu", "count": 1, "models": ["resnet50"]}],
    "presets": [{"name": "my-gpu", "vendor": "acme", "peak_tflops": 100, "memory_tbps": 1,
                 "launch_overhead_us": 5, "busy_watts": 300}],
    "workload": {"pattern": "bursty", "rate_rps": 50},
    "faults": [{"type": "slow", "target": "my-gpu-0", "at_s": 1, "duration_s": 2, "factor": 3}]
  })");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->models.size(), DefaultServingModels().size());
  EXPECT_EQ(s->workload.pattern, ArrivalPattern::kBursty);
  EXPECT_EQ(s->policies, (std::vector<std::string>{"round-robin", "least-outstanding", "ect"}));
  EXPECT_EQ(s->presets[0].vendor, "acme");
  EXPECT_EQ(s->faults[0].kind, FaultKind::kSlow);
}

TEST(ScenarioTest, ErrorsNameTheCulprit) {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {"not json", "not valid JSON"},
      {R"([1, 2])", "expected a JSON object"},
      {R"({"fleet": [{"preset": "h100", "count": 1}], "flet": []})", "unknown key 'flet'"},
      {R"({"fleet": [{"preset": "h100", "cuont": 1}]})", "scenario.fleet[0]: unknown key 'cuont'"},
      {R"({"fleet": [{"preset": "h100", "count": "two"}]})", "scenario.fleet[0].count"},
      {R"({"fleet": [{"preset": "tpu", "count": 1}]})", "unknown device preset 'tpu'"},
      {R"({"fleet": []})", "the fleet is empty"},
      {R"({"fleet": [{"preset": "h100", "count": 1, "models": ["gpt"]}]})", "unknown model 'gpt'"},
      {R"({"fleet": [{"preset": "h100", "count": 1}], "workload": {"pattern": "spiky"}})", "spiky"},
      {R"({"fleet": [{"preset": "h100", "count": 1}], "workload": {"rate_rps": 0}})", "rate_rps"},
      {R"({"fleet": [{"preset": "h100", "count": 1}], "faults": [{"type": "meteor"}]})", "meteor"},
      {R"({"fleet": [{"preset": "h100", "count": 1}], "policies": ["fastest"]})", "fastest"},
      {R"({"fleet": [{"preset": "h100", "count": 1}], "scheduler": {"max_vendor_share": 1.5}})",
       "scheduler settings"},
      {R"({"fleet": [{"preset": "h100", "count": 1}], "models": [{"name": "a", "max_batch": 0}]})",
       "model 'a'"},
  };
  for (const Case& c : cases) {
    auto s = ParseScenarioJson(c.json);
    ASSERT_FALSE(s.ok()) << c.json;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(c.message)) << c.json;
  }
}

TEST(ScenarioTest, FilesLoadAndMissingFilesAreReported) {
  const std::string path = ::testing::TempDir() + "/scenario_test.json";
  {
    std::ofstream f(path);
    f << ScenarioToJson(*BuiltinScenario("burst"));
  }
  auto s = LoadScenarioFile(path);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->name, "burst");
  std::remove(path.c_str());
  auto missing = LoadScenarioFile(path);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr(path));
}

TEST(ScenarioTest, SchedulerOptionsFollowSettings) {
  SchedulerSettings t;
  t.max_vendor_share = 0.55;
  t.share_window_s = 4;
  t.watchdog_min_ms = 30;
  const SchedulerOptions o = MakeSchedulerOptions(t);
  EXPECT_DOUBLE_EQ(o.share.max_vendor_share, 0.55);
  EXPECT_EQ(o.share.window, Seconds(4));
  EXPECT_EQ(o.health.watchdog_min, Milliseconds(30));
}

}  // namespace
}  // namespace braid::scheduler::sim
