// Static memory planning: packs buffers with known sizes and lifetimes into
// one arena so that buffers alive at the same time never overlap, keeping
// the arena close to the largest set of simultaneously live bytes.
#ifndef BRAID_BACKENDS_CPU_MEMORY_PLANNER_H_
#define BRAID_BACKENDS_CPU_MEMORY_PLANNER_H_

#include <cstdint>
#include <span>
#include <vector>

namespace braid::backends::cpu {

// A buffer of `bytes`, live from step first_step to last_step inclusive.
struct BufferLifetime {
  int64_t bytes = 0;
  int first_step = 0;
  int last_step = 0;
};

struct MemoryPlan {
  std::vector<int64_t> offsets;  // one per buffer, 64-byte aligned
  int64_t arena_bytes = 0;
  // For each buffer, the other buffers that share some of its bytes (at
  // different times). Used to check at run time that reuse is safe.
  std::vector<std::vector<int>> overlaps;
};

inline constexpr int64_t kArenaAlignment = 64;

// Greedy best-fit by decreasing size (as in TFLite's arena planner): each
// buffer takes the lowest offset free of every already placed buffer whose
// lifetime intersects its own.
MemoryPlan PlanMemory(std::span<const BufferLifetime> buffers);

// Bytes live at the busiest step: a lower bound for any plan's arena.
int64_t PeakLiveBytes(std::span<const BufferLifetime> buffers);

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_MEMORY_PLANNER_H_
