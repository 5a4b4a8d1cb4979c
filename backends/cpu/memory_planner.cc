#include "backends/cpu/memory_planner.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace braid::backends::cpu {
namespace {

int64_t AlignUp(int64_t v) { return (v + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment; }

bool LifetimesIntersect(const BufferLifetime& a, const BufferLifetime& b) {
  return a.first_step <= b.last_step && b.first_step <= a.last_step;
}

}  // namespace

MemoryPlan PlanMemory(std::span<const BufferLifetime> buffers) {
  const int n = static_cast<int>(buffers.size());
  MemoryPlan plan;
  plan.offsets.assign(n, 0);
  plan.overlaps.assign(n, {});
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return buffers[a].bytes > buffers[b].bytes; });
  std::vector<int> placed;
  placed.reserve(n);
  for (int i : order) {
    const int64_t size = AlignUp(std::max<int64_t>(buffers[i].bytes, 1));
    // Occupied intervals of placed buffers alive at the same time, by offset.
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (int j : placed) {
      if (LifetimesIntersect(buffers[i], buffers[j])) {
        busy.emplace_back(plan.offsets[j], plan.offsets[j] + AlignUp(std::max<int64_t>(buffers[j].bytes, 1)));
      }
    }
    std::sort(busy.begin(), busy.end());
    // Best fit: the smallest gap that holds the buffer; else after the last.
    int64_t best = -1;
    int64_t best_gap = INT64_MAX;
    int64_t cursor = 0;
    for (const auto& [begin, end] : busy) {
      if (begin > cursor && begin - cursor >= size && begin - cursor < best_gap) {
        best = cursor;
        best_gap = begin - cursor;
      }
      cursor = std::max(cursor, end);
    }
    if (best < 0) best = cursor;
    plan.offsets[i] = best;
    plan.arena_bytes = std::max(plan.arena_bytes, best + size);
    placed.push_back(i);
  }
  for (int i = 0; i < n; ++i) {
    int64_t ai = plan.offsets[i], bi = ai + AlignUp(std::max<int64_t>(buffers[i].bytes, 1));
    for (int j = 0; j < n; ++j) {
      if (i == j) continue;
      int64_t aj = plan.offsets[j], bj = aj + AlignUp(std::max<int64_t>(buffers[j].bytes, 1));
      if (ai < bj && aj < bi) plan.overlaps[i].push_back(j);
    }
  }
  return plan;
}

int64_t PeakLiveBytes(std::span<const BufferLifetime> buffers) {
  std::map<int, int64_t> delta;
  for (const BufferLifetime& b : buffers) {
    delta[b.first_step] += b.bytes;
    delta[b.last_step + 1] -= b.bytes;
  }
  int64_t live = 0, peak = 0;
  for (const auto& [step, d] : delta) {
    live += d;
    peak = std::max(peak, live);
  }
  return peak;
}

}  // namespace braid::backends::cpu
