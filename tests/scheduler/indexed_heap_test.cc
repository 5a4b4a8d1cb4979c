#include "scheduler/policies/indexed_heap.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "scheduler/sim/rng.h"

namespace braid::scheduler {
namespace {

std::vector<std::pair<int64_t, int>> Smallest(const IndexedHeap& h, int k) {
  std::vector<std::pair<int64_t, int>> out;
  h.VisitSmallest(k, [&](int id, int64_t key) {
    out.emplace_back(key, id);
    return true;
  });
  return out;
}

TEST(IndexedHeapTest, VisitsInKeyThenIdOrderUnderRandomUpdates) {
  constexpr int kIds = 300;
  IndexedHeap h(kIds);
  std::vector<int64_t> key(kIds, -1);
  sim::Rng rng(7);
  for (int step = 0; step < 5000; ++step) {
    const int id = static_cast<int>(rng.Next() % kIds);
    if (rng.Uniform() < 0.2) {
      h.Erase(id);
      key[id] = -1;
    } else {
      key[id] = static_cast<int64_t>(rng.Next() % 50);
      h.Set(id, key[id]);
    }
    if (step % 250 == 0) {
      std::vector<std::pair<int64_t, int>> expected;
      for (int i = 0; i < kIds; ++i) {
        if (key[i] >= 0) expected.emplace_back(key[i], i);
      }
      std::sort(expected.begin(), expected.end());
      expected.resize(std::min<size_t>(expected.size(), 20));
      EXPECT_EQ(Smallest(h, 20), expected) << "step " << step;
      EXPECT_EQ(h.size(), static_cast<int>(std::count_if(key.begin(), key.end(), [](int64_t k) { return k >= 0; })));
    }
  }
}

TEST(IndexedHeapTest, StopsWhenTheVisitorSaysSo) {
  IndexedHeap h(10);
  for (int i = 0; i < 10; ++i) h.Set(i, 10 - i);
  int visits = 0;
  h.VisitSmallest(100, [&](int id, int64_t) { return ++visits < 3; });
  EXPECT_EQ(visits, 3);
  EXPECT_TRUE(h.contains(4));
  EXPECT_EQ(h.KeyOf(4), 6);
  h.Erase(4);
  EXPECT_FALSE(h.contains(4));
}

}  // namespace
}  // namespace braid::scheduler
