#include "scheduler/virtual_clock.h"

#include <gtest/gtest.h>

#include <vector>

namespace braid::scheduler {
namespace {

TEST(VirtualClockTest, RunsEventsInTimeThenArmingOrder) {
  VirtualClock clock;
  std::vector<int> order;
  clock.RunAt(Milliseconds(5), [&] { order.push_back(3); });
  clock.RunAt(Milliseconds(1), [&] { order.push_back(1); });
  clock.RunAt(Milliseconds(5), [&] { order.push_back(4); });
  clock.RunAt(Milliseconds(1), [&] {
    order.push_back(2);
    clock.RunAt(0, [&] { order.push_back(25); });  // the past means now
  });
  EXPECT_EQ(clock.pending(), 4u);
  EXPECT_EQ(clock.next_due(), Milliseconds(1));
  EXPECT_EQ(clock.RunUntilIdle(), 5);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 25, 3, 4}));
  EXPECT_EQ(clock.Now(), Milliseconds(5));
  EXPECT_EQ(clock.next_due(), kNoDeadline);
}

TEST(VirtualClockTest, RunUntilStopsAtTheLimitAndAdvancesTime) {
  VirtualClock clock;
  int fired = 0;
  clock.RunAt(Milliseconds(10), [&] { ++fired; });
  EXPECT_EQ(clock.RunUntil(Milliseconds(9)), 0);
  EXPECT_EQ(clock.Now(), Milliseconds(9));
  EXPECT_EQ(clock.RunUntil(Milliseconds(10)), 1);
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(clock.Step());
  clock.RunUntil(Milliseconds(3));  // never backwards
  EXPECT_EQ(clock.Now(), Milliseconds(10));
}

TEST(TypesTest, SaturatingAddKeepsNoDeadline) {
  EXPECT_EQ(AddSat(kNoDeadline, Seconds(1)), kNoDeadline);
  EXPECT_EQ(AddSat(5, 7), 12);
  EXPECT_EQ(Milliseconds(1.5), 1500000);
  EXPECT_DOUBLE_EQ(ToSeconds(Seconds(2)), 2.0);
}

}  // namespace
}  // namespace braid::scheduler
