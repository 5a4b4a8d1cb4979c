#include "backends/gpu/emulator/emu_runtime.h"

#include "backends/gpu/emulator/emu_internal.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define BRAID_EMU_ASAN 1
#include <sanitizer/asan_interface.h>
#endif

#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace braid::backends::gpu::emu {

namespace {

namespace ctx = boost::context;

constexpr int kMaxBlockThreads = 1024;


[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "braid GPU emulator: %s\n", what);
  std::fflush(stderr);
  std::abort();
}

int DefaultWorkers() {
  if (const char* env = std::getenv("BRAID_EMU_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1) return n;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(hw == 0 ? 1u : hw, 1u, 8u));
}

std::mutex g_arena_mu;
int g_workers = 0;  // 0 = not yet decided
std::shared_ptr<tbb::task_arena> g_arena;

std::shared_ptr<tbb::task_arena> Arena() {
  std::lock_guard<std::mutex> lock(g_arena_mu);
  if (g_workers == 0) g_workers = DefaultWorkers();
  if (!g_arena) g_arena = std::make_shared<tbb::task_arena>(g_workers);
  return g_arena;
}

// ---------------------------------------------------------------- stacks

// Fixed-size fiber stacks with a guard page, recycled per worker thread.
class StackPool {
 public:
  static constexpr size_t kStackBytes = 64 * 1024;

  StackPool() : page_(static_cast<size_t>(::sysconf(_SC_PAGESIZE))) {}
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;
  ~StackPool() {
    for (void* base : regions_) ::munmap(base, kStackBytes + page_);
  }

  ctx::stack_context Allocate() { return last_ = Take(); }
  void Release(ctx::stack_context sc) { free_.push_back(sc); }
  // Bounds of the most recent Allocate (for sanitizer fiber annotations).
  ctx::stack_context last() const { return last_; }

 private:
  ctx::stack_context Take() {
    if (free_.empty()) {
      void* base = ::mmap(nullptr, kStackBytes + page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (base == MAP_FAILED) throw std::bad_alloc();
      ::mprotect(base, page_, PROT_NONE);  // overflow faults instead of corrupting a neighbour
      // Stagger stack tops across cache sets: equal page offsets would make
      // every fiber's hot frames compete for the same few L1 sets.
      const size_t color = (regions_.size() * 320) % 4096;
      ctx::stack_context sc;
      sc.size = kStackBytes - color;
      sc.sp = static_cast<char*>(base) + page_ + kStackBytes - color;
      regions_.push_back(base);
      return sc;
    }
    ctx::stack_context sc = free_.back();
    free_.pop_back();
    return sc;
  }

  size_t page_;
  ctx::stack_context last_;
  std::vector<ctx::stack_context> free_;
  std::vector<void*> regions_;
};

struct PooledStackAllocator {
  StackPool* pool;
  ctx::stack_context allocate() { return pool->Allocate(); }
  void deallocate(ctx::stack_context& sc) noexcept { pool->Release(sc); }
};

Dim3 Unflatten(int linear, Dim3 dims) {
  if (dims.y == 1 && dims.z == 1) return Dim3(static_cast<unsigned>(linear), 0, 0);
  return Dim3(linear % dims.x, (linear / dims.x) % dims.y, linear / (dims.x * dims.y));
}

}  // namespace

// ---------------------------------------------------------------- blocks

struct WarpBarrierState {
  int live = 0;
  int arrived = 0;
  unsigned generation = 0;
};

// One block in flight on a worker. GPU threads are fibers 0..n-1 and the
// worker's own context is fiber n. A waiting thread switches directly to the
// next live thread (round-robin), so each wait costs one context switch.
struct BlockState {
  int num_threads = 0;
  int warp_size = 1;
  int warp_shift = 0;  // log2(warp_size)
  Dim3 dims;
  int live = 0;
  int arrived = 0;
  unsigned generation = 0;
  uint64_t progress = 0;  // bumped by every arrival and exit
  uint64_t progress_seen = 0;
  int stalled_switches = 0;  // consecutive switches without progress: deadlock detector
  int current = 0;           // the context now running
  int switcher = 0;          // the context that switched to `current`
  std::vector<WarpBarrierState> warps;
  std::vector<uint64_t> slots;     // [warp][bank][lane]
  std::vector<unsigned> slot_gen;  // warp barrier generation a slot was written in
  std::vector<uint8_t> parity;     // per thread: which slot bank its next exchange uses
  std::vector<uint8_t> alive;      // per thread
  std::vector<ctx::fiber> fibers;  // suspended contexts; index num_threads = the worker

  // AddressSanitizer bookkeeping per context (unused in other builds):
  // stack bounds and the fake stack of a suspended context.
  struct SanitizerContext {
    const void* bottom = nullptr;
    size_t size = 0;
    void* fake_stack = nullptr;
  };
  std::vector<SanitizerContext> sanitizer;

  // Announce a switch from `current` to `target` (`dying`: current never
  // resumes), and complete one in the context that was switched to.
  void BeforeSwitch(int target, bool dying) {
#if BRAID_EMU_ASAN
    __sanitizer_start_switch_fiber(dying ? nullptr : &sanitizer[current].fake_stack, sanitizer[target].bottom,
                                   sanitizer[target].size);
#endif
    (void)target;
    (void)dying;
  }
  void AfterSwitch() {
#if BRAID_EMU_ASAN
    const void* bottom = nullptr;
    size_t size = 0;
    __sanitizer_finish_switch_fiber(sanitizer[current].fake_stack, &bottom, &size);
    if (sanitizer[switcher].bottom == nullptr) {  // the worker's own stack, learnt on first switch
      sanitizer[switcher].bottom = bottom;
      sanitizer[switcher].size = size;
    }
#endif
  }

  void Reset(int threads, int ws, Dim3 block_dims) {
    num_threads = threads;
    warp_size = ws;
    warp_shift = 0;
    while ((1 << warp_shift) < ws) ++warp_shift;
    dims = block_dims;
    live = threads;
    arrived = 0;
    generation = 0;
    progress = progress_seen = 0;
    stalled_switches = 0;
    current = switcher = threads;
    const int num_warps = (threads + ws - 1) / ws;
    warps.assign(num_warps, WarpBarrierState{});
    for (int w = 0; w < num_warps; ++w) warps[w].live = std::min(ws, threads - w * ws);
    slots.assign(static_cast<size_t>(num_warps) * 2 * ws, 0);
    slot_gen.assign(slots.size(), ~0u);
    parity.assign(threads, 0);
    alive.assign(threads, 1);
    fibers.resize(threads + 1);
    sanitizer.assign(threads + 1, SanitizerContext{});
  }

  // The next live thread after `from` in round-robin order, or the worker
  // context when none is left.
  int NextAfter(int from) const {
    int t = from;
    for (int k = 0; k < num_threads; ++k) {
      if (++t >= num_threads) t = 0;
      if (alive[t]) return t;
    }
    return num_threads;
  }

  // Makes `target` the running context; the caller then transfers to it.
  void PrepareSwitch(int target) {
    switcher = current;
    current = target;
    if (target < num_threads) {
      tls_thread.thread_idx = Unflatten(target, dims);
      tls_thread.linear_tid = target;
    }
  }

  // Called by a fiber right after it is resumed with `from`, the context
  // of whoever switched to it.
  void Arrived(ctx::fiber&& from) { fibers[switcher] = std::move(from); }

  // Suspends the running GPU thread in favour of the next live one.
  void Yield() {
    if (progress != progress_seen) {
      progress_seen = progress;
      stalled_switches = 0;
    } else if (++stalled_switches > live + 1) {
      Fatal("deadlock: every live thread of a block waits at a barrier or warp operation that the others never reach");
    }
    const int target = NextAfter(current);
    if (target == current) return;  // alone: nothing else can run
    BeforeSwitch(target, false);
    PrepareSwitch(target);
    Arrived(std::move(fibers[target]).resume());
    AfterSwitch();
  }

  void OnExit(int tid) {
    alive[tid] = 0;
    --live;
    ++progress;
    if (arrived > 0 && arrived >= live) {
      arrived = 0;
      ++generation;
    }
    WarpBarrierState& w = warps[tid >> warp_shift];
    --w.live;
    if (w.arrived > 0 && w.arrived >= w.live) {
      w.arrived = 0;
      ++w.generation;
    }
  }
};

namespace {

// Per worker thread: runs whole blocks, one at a time.
class BlockRunner {
 public:
  void RunCooperative(KernelInvoker invoke, const void* closure, int num_threads) {
    BlockState& b = block_;
    b.Reset(num_threads, tls_thread.warp_size, tls_thread.block_dim);
    tls_thread.block = &b;
    for (int i = 0; i < num_threads; ++i) {
      b.fibers[i] = ctx::fiber(std::allocator_arg, PooledStackAllocator{&stacks_},
                               [&b, i, invoke, closure](ctx::fiber&& from) -> ctx::fiber {
                                 b.Arrived(std::move(from));
                                 b.AfterSwitch();
                                 invoke(closure);
                                 b.OnExit(i);
                                 const int next = b.NextAfter(i);
                                 b.BeforeSwitch(next, true);
                                 b.PrepareSwitch(next);
                                 return std::move(b.fibers[next]);
                               });
      const ctx::stack_context sc = stacks_.last();
      b.sanitizer[i].bottom = static_cast<char*>(sc.sp) - sc.size;
      b.sanitizer[i].size = sc.size;
    }
    // Runs until the last thread exits and switches back here.
    b.BeforeSwitch(0, false);
    b.PrepareSwitch(0);
    b.Arrived(std::move(b.fibers[0]).resume());
    b.AfterSwitch();
    tls_thread.block = nullptr;
  }

  static void RunIndependent(KernelInvoker invoke, const void* closure, int num_threads) {
    tls_thread.block = nullptr;
    const Dim3 dims = tls_thread.block_dim;
    for (int i = 0; i < num_threads; ++i) {
      tls_thread.thread_idx = Unflatten(i, dims);
      tls_thread.linear_tid = i;
      invoke(closure);
    }
  }

 private:
  StackPool stacks_;  // outlives block_'s fibers
  BlockState block_;
};

BlockRunner& LocalRunner() {
  thread_local BlockRunner runner;
  return runner;
}

BlockState* CooperativeBlock(const char* op) {
  BlockState* b = tls_thread.block;
  if (b == nullptr) {
    static thread_local char msg[160];
    std::snprintf(msg, sizeof(msg), "%s called from a kernel launched as LaunchMode::kIndependent", op);
    Fatal(msg);
  }
  return b;
}

void WarpBarrier(BlockState& b, int tid) {
  WarpBarrierState& w = b.warps[tid >> b.warp_shift];
  const unsigned gen = w.generation;
  ++b.progress;
  if (++w.arrived >= w.live) {
    w.arrived = 0;
    ++w.generation;
    return;
  }
  while (w.generation == gen) b.Yield();
}

}  // namespace

// ---------------------------------------------------------------- kernel side

void SyncThreads() {
  BlockState& b = *CooperativeBlock("SyncThreads");
  const unsigned gen = b.generation;
  ++b.progress;
  if (++b.arrived >= b.live) {
    b.arrived = 0;
    ++b.generation;
    return;
  }
  while (b.generation == gen) b.Yield();
}

void WarpSync() {
  BlockState& b = *CooperativeBlock("WarpSync");
  WarpBarrier(b, tls_thread.linear_tid);
}

namespace {

// Publishes `value` for the calling lane in the next slot bank and waits
// for the warp. Returns the bank's slots; a slot is valid for this exchange
// when its generation equals *generation (lanes that exited before the
// exchange left older generations behind).
uint64_t* Publish(BlockState& b, uint64_t value, unsigned* generation) {
  const int tid = tls_thread.linear_tid;
  const int ws = b.warp_size;
  const int warp = tid >> b.warp_shift;
  const int lane = tid & (ws - 1);
  // Two banks: a lane can be at most one exchange ahead of the slowest lane
  // of its warp, so alternating banks never overwrites an unread value.
  const int bank = b.parity[tid];
  b.parity[tid] ^= 1;
  const size_t base = (static_cast<size_t>(warp) * 2 + bank) * ws;
  *generation = b.warps[warp].generation;
  b.slots[base + lane] = value;
  b.slot_gen[base + lane] = *generation;
  WarpBarrier(b, tid);
  return b.slots.data() + base;
}

}  // namespace

uint64_t WarpExchange(uint64_t mine, int src_lane) {
  BlockState& b = *CooperativeBlock("a warp shuffle");
  unsigned gen = 0;
  const uint64_t* slots = Publish(b, mine, &gen);
  if (src_lane < 0 || src_lane >= b.warp_size) return mine;
  const size_t index = static_cast<size_t>(slots - b.slots.data()) + src_lane;
  return b.slot_gen[index] == gen ? slots[src_lane] : mine;
}

uint64_t WarpBallot(bool predicate) {
  BlockState& b = *CooperativeBlock("Ballot");
  unsigned gen = 0;
  const uint64_t* slots = Publish(b, predicate ? 1 : 0, &gen);
  const size_t base = static_cast<size_t>(slots - b.slots.data());
  uint64_t mask = 0;
  for (int lane = 0; lane < b.warp_size; ++lane) {
    if (b.slot_gen[base + lane] == gen && slots[lane] != 0) mask |= uint64_t{1} << lane;
  }
  return mask;
}

// ---------------------------------------------------------------- launch

int Launch(StreamImpl* stream, Dim3 grid, Dim3 block, size_t dynamic_shared_bytes, LaunchMode mode,
           KernelInvoker invoke, const void* closure) {
  const int64_t threads = int64_t{block.x} * block.y * block.z;
  const int64_t blocks = int64_t{grid.x} * grid.y * grid.z;
  if (threads < 1 || threads > kMaxBlockThreads || blocks < 1 || block.z > 64 || grid.y > 65535 ||
      grid.z > 65535 || dynamic_shared_bytes != 0 || invoke == nullptr) {
    SetLastLaunchError(kEmuErrorInvalidConfiguration);
    return kEmuErrorInvalidConfiguration;
  }
  const int device = stream != nullptr ? stream->device : CurrentDevice();
  const int warp_size = DeviceConfig(device).warp_size;
  const int num_threads = static_cast<int>(threads);

  auto run_blocks = [=](int64_t begin, int64_t end) {
    ThreadState saved = tls_thread;  // launches may nest inside another worker's task
    tls_thread.block_dim = block;
    tls_thread.grid_dim = grid;
    tls_thread.warp_size = warp_size;
    for (int64_t b = begin; b < end; ++b) {
      tls_thread.block_idx = Dim3(static_cast<unsigned>(b % grid.x), static_cast<unsigned>((b / grid.x) % grid.y),
                                  static_cast<unsigned>(b / (int64_t{grid.x} * grid.y)));
      if (mode == LaunchMode::kCooperative) {
        LocalRunner().RunCooperative(invoke, closure, num_threads);
      } else {
        BlockRunner::RunIndependent(invoke, closure, num_threads);
      }
    }
    tls_thread = saved;
  };

  // Small launches run on the calling thread; larger ones spread blocks
  // over the workers in chunks of at least ~16K emulated threads.
  const int64_t total_threads = blocks * threads;
  if (blocks == 1 || total_threads < 16384 || WorkerThreads() == 1) {
    run_blocks(0, blocks);
  } else {
    const int64_t grain = std::max<int64_t>(1, 16384 / threads);
    Arena()->execute([&] {
      tbb::parallel_for(tbb::blocked_range<int64_t>(0, blocks, grain),
                        [&](const tbb::blocked_range<int64_t>& r) { run_blocks(r.begin(), r.end()); });
    });
  }
  return kEmuSuccess;
}

// ---------------------------------------------------------------- host API

void SetWorkerThreads(int count) {
  std::lock_guard<std::mutex> lock(g_arena_mu);
  g_workers = count >= 1 ? count : DefaultWorkers();
  g_arena.reset();
}

int WorkerThreads() {
  std::lock_guard<std::mutex> lock(g_arena_mu);
  if (g_workers == 0) g_workers = DefaultWorkers();
  return g_workers;
}

}  // namespace braid::backends::gpu::emu
