#include "scheduler/deployment.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "absl/strings/str_cat.h"

namespace braid::scheduler {
namespace {

std::map<std::string, std::set<std::string>> VendorsPerModel(const std::vector<DeploymentDevice>& devices,
                                                             const std::vector<std::vector<std::string>>& plan) {
  std::map<std::string, std::set<std::string>> out;
  for (size_t i = 0; i < devices.size(); ++i) {
    for (const std::string& m : plan[i]) out[m].insert(devices[i].vendor);
  }
  return out;
}

TEST(DeploymentTest, EveryModelOnEveryVendorAndCountsFollowDemand) {
  std::vector<DeploymentDevice> devices;
  for (int i = 0; i < 16; ++i) devices.push_back({absl::StrCat("a", i), "amd", 1});
  for (int i = 0; i < 16; ++i) devices.push_back({absl::StrCat("n", i), "nvidia", 1});
  const std::vector<DeploymentModel> models = {{"big", 6}, {"mid", 1.5}, {"tiny", 0.5}};
  auto plan = PlanDeployment(devices, models);
  ASSERT_TRUE(plan.ok()) << plan.status();
  for (const auto& [model, vendors] : VendorsPerModel(devices, *plan)) EXPECT_EQ(vendors.size(), 2u) << model;
  std::map<std::string, int> count;
  for (const auto& served : *plan) {
    ASSERT_EQ(served.size(), 1u);
    ++count[served[0]];
  }
  EXPECT_EQ(count["big"], 24);  // 6/8 of 32
  EXPECT_EQ(count["mid"], 6);
  EXPECT_EQ(count["tiny"], 2);
}

TEST(DeploymentTest, FasterDevicesCountForMore) {
  std::vector<DeploymentDevice> devices = {{"fast", "amd", 3}, {"s1", "amd", 1}, {"s2", "amd", 1}, {"s3", "amd", 1}};
  auto plan = PlanDeployment(devices, {{"x", 1}, {"y", 1}});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ((*plan)[0], (std::vector<std::string>{"x"}));
  for (int i = 1; i < 4; ++i) EXPECT_EQ((*plan)[i], (std::vector<std::string>{"y"}));
}

TEST(DeploymentTest, SmallVendorsShareDevicesButServeEveryModel) {
  std::vector<DeploymentDevice> devices = {{"a0", "amd", 1}, {"n0", "nvidia", 1}, {"n1", "nvidia", 1},
                                           {"n2", "nvidia", 1}, {"n3", "nvidia", 1}};
  auto plan = PlanDeployment(devices, {{"x", 10}, {"y", 1}, {"z", 1}});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ((*plan)[0].size(), 3u);
  for (const auto& [model, vendors] : VendorsPerModel(devices, *plan)) EXPECT_EQ(vendors.size(), 2u) << model;
}

TEST(DeploymentTest, RejectsBadInput) {
  EXPECT_FALSE(PlanDeployment({}, {{"x", 1}}).ok());
  EXPECT_FALSE(PlanDeployment({{"a", "amd", 1}}, {}).ok());
  EXPECT_FALSE(PlanDeployment({{"a", "amd", 1}}, {{"x", 1}, {"x", 2}}).ok());
  EXPECT_FALSE(PlanDeployment({{"a", "amd", 0}}, {{"x", 1}}).ok());
  EXPECT_FALSE(PlanDeployment({{"a", "amd", 1}}, {{"x", -1}}).ok());
}

}  // namespace
}  // namespace braid::scheduler
