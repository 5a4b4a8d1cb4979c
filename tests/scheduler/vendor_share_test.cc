#include "scheduler/vendor_share.h"

#include <gtest/gtest.h>

namespace braid::scheduler {
namespace {

ShareLimitOptions Limit(double share) {
  ShareLimitOptions o;
  o.max_vendor_share = share;
  o.window = Seconds(10);
  return o;
}

TEST(VendorShareTest, OffWhenTheLimitIsOneOrThereIsOneVendor) {
  VendorShareTracker off(1, 2, Limit(1.0));
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(off.Allowed(0, 0, 0b11), 0b11u);
  VendorShareTracker single(1, 1, Limit(0.6));
  EXPECT_FALSE(single.enabled());
}

TEST(VendorShareTest, BlocksAVendorAtItsLimit) {
  VendorShareTracker t(1, 2, Limit(0.6));
  for (int i = 0; i < 6; ++i) t.Record(0, 0, 0);
  for (int i = 0; i < 4; ++i) t.Record(0, 0, 1);
  EXPECT_DOUBLE_EQ(t.Share(0, 0, 0), 0.6);
  EXPECT_EQ(t.Allowed(0, 0, 0b11), 0b10u);  // vendor 0 would go above 60%
  t.Record(0, 0, 1);
  EXPECT_EQ(t.Allowed(0, 0, 0b11), 0b11u);  // 7/12 <= 60%
  // A vendor that is not available is not counted against the others.
  EXPECT_EQ(t.Allowed(0, 0, 0b01), 0b01u);
}

TEST(VendorShareTest, FleetLimitAppliesAcrossModels) {
  VendorShareTracker t(2, 2, Limit(0.6));
  for (int i = 0; i < 10; ++i) t.Record(0, 0, 0);  // model 0 on vendor 0 only
  for (int i = 0; i < 4; ++i) t.Record(0, 1, 0);
  for (int i = 0; i < 4; ++i) t.Record(0, 1, 1);
  // Model 1 alone would allow both vendors, but the fleet is at 14/18 on vendor 0.
  EXPECT_EQ(t.Allowed(0, 1, 0b11), 0b10u);
  EXPECT_NEAR(t.Share(0, -1, 0), 14.0 / 18, 1e-12);
  // When the model's and the fleet's limits disagree, nothing is excluded.
  VendorShareTracker conflict(2, 2, Limit(0.6));
  for (int i = 0; i < 10; ++i) conflict.Record(0, 0, 0);
  for (int i = 0; i < 5; ++i) conflict.Record(0, 1, 1);
  EXPECT_EQ(conflict.Allowed(0, 1, 0b11), 0b11u);
}

TEST(VendorShareTest, OldPlacementsAgeOutAndResetForgets) {
  VendorShareTracker t(1, 2, Limit(0.6));
  for (int i = 0; i < 10; ++i) t.Record(0, 0, 0);
  EXPECT_EQ(t.Allowed(Seconds(5), 0, 0b11), 0b10u);
  EXPECT_EQ(t.Allowed(Seconds(11), 0, 0b11), 0b11u);  // the window moved on
  for (int i = 0; i < 10; ++i) t.Record(Seconds(12), 0, 0);
  t.Reset();
  EXPECT_EQ(t.Share(Seconds(12), 0, 0), 0.0);
}

}  // namespace
}  // namespace braid::scheduler
