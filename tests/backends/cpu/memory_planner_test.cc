#include "backends/cpu/memory_planner.h"

#include "gtest/gtest.h"

namespace braid::backends::cpu {
namespace {

bool Overlap(int64_t a, int64_t an, int64_t b, int64_t bn) { return a < b + bn && b < a + an; }

TEST(MemoryPlanner, BuffersAliveTogetherNeverOverlap) {
  std::vector<BufferLifetime> buffers = {
      {1000, 0, 2}, {2000, 1, 3}, {500, 2, 5}, {3000, 4, 6}, {64, 0, 6}, {1000, 5, 6},
  };
  MemoryPlan plan = PlanMemory(buffers);
  ASSERT_EQ(plan.offsets.size(), buffers.size());
  for (size_t i = 0; i < buffers.size(); ++i) {
    EXPECT_EQ(plan.offsets[i] % kArenaAlignment, 0);
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      bool together = buffers[i].first_step <= buffers[j].last_step && buffers[j].first_step <= buffers[i].last_step;
      if (together) {
        EXPECT_FALSE(Overlap(plan.offsets[i], buffers[i].bytes, plan.offsets[j], buffers[j].bytes))
            << "buffers " << i << " and " << j;
      }
    }
  }
}

TEST(MemoryPlanner, ChainReusesMemory) {
  // A chain where each buffer dies when the next is made: two slots suffice.
  std::vector<BufferLifetime> chain;
  for (int i = 0; i < 10; ++i) chain.push_back({4096, i, i + 1});
  MemoryPlan plan = PlanMemory(chain);
  EXPECT_EQ(PeakLiveBytes(chain), 2 * 4096);
  EXPECT_EQ(plan.arena_bytes, 2 * 4096);
}

TEST(MemoryPlanner, OverlapListsNameSharedBytes) {
  std::vector<BufferLifetime> buffers = {{128, 0, 1}, {128, 2, 3}};
  MemoryPlan plan = PlanMemory(buffers);
  EXPECT_EQ(plan.offsets[0], plan.offsets[1]);  // disjoint lifetimes share bytes
  ASSERT_EQ(plan.overlaps[0].size(), 1u);
  EXPECT_EQ(plan.overlaps[0][0], 1);
}

}  // namespace
}  // namespace braid::backends::cpu
