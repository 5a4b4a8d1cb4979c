// Emulator mapping of the kernel vocabulary (see gpu_kernel.h). Include gpu_kernel.h.
#ifndef BRAID_BACKENDS_GPU_VOCAB_KERNEL_EMU_H_
#define BRAID_BACKENDS_GPU_VOCAB_KERNEL_EMU_H_

#include <float.h>
#include <math.h>
#include <stdint.h>

#include <atomic>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>

#include "backends/gpu/emulator/emu_runtime.h"

#define BRAID_KERNEL
#define BRAID_DEVICE inline
// One instance per host worker thread; a worker runs one block at a time.
#define BRAID_SHARED static thread_local
#define BRAID_WARP_CONSTEXPR
// Struct parameters reach every emulated thread by reference to the
// launch's single copy instead of being copied per thread.
#define BRAID_PARAM(T) const T&
// A device function the host compiler must not inline (compiler defects).
#define BRAID_DEVICE_OUTLINED [[gnu::noinline]] inline

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {

using emu::LaunchMode;

inline int ThreadX() { return static_cast<int>(emu::tls_thread.thread_idx.x); }
inline int ThreadY() { return static_cast<int>(emu::tls_thread.thread_idx.y); }
inline int ThreadZ() { return static_cast<int>(emu::tls_thread.thread_idx.z); }
inline int BlockX() { return static_cast<int>(emu::tls_thread.block_idx.x); }
inline int BlockY() { return static_cast<int>(emu::tls_thread.block_idx.y); }
inline int BlockZ() { return static_cast<int>(emu::tls_thread.block_idx.z); }
inline int BlockDimX() { return static_cast<int>(emu::tls_thread.block_dim.x); }
inline int BlockDimY() { return static_cast<int>(emu::tls_thread.block_dim.y); }
inline int BlockDimZ() { return static_cast<int>(emu::tls_thread.block_dim.z); }
inline int GridDimX() { return static_cast<int>(emu::tls_thread.grid_dim.x); }
inline int GridDimY() { return static_cast<int>(emu::tls_thread.grid_dim.y); }
inline int GridDimZ() { return static_cast<int>(emu::tls_thread.grid_dim.z); }

// The emulated device's warp size (64 for emu-amd, 32 for emu-nvidia).
inline int WarpSize() { return emu::tls_thread.warp_size; }
inline void SyncThreads() { emu::SyncThreads(); }
inline int LinearThreadId() { return emu::tls_thread.linear_tid; }
// Warp sizes are powers of two.
inline int LaneId() { return emu::tls_thread.linear_tid & (emu::tls_thread.warp_size - 1); }
inline int WarpId() { return emu::tls_thread.linear_tid / emu::tls_thread.warp_size; }

namespace emu_detail {
template <typename T>
inline uint64_t ToBits(T v) {
  static_assert(sizeof(T) <= sizeof(uint64_t) && std::is_trivially_copyable_v<T>);
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof(T));
  return bits;
}
template <typename T>
inline T FromBits(uint64_t bits) {
  T v;
  std::memcpy(&v, &bits, sizeof(T));
  return v;
}
}  // namespace emu_detail

// Shuffle semantics follow CUDA with width = warp size: a source lane
// outside the warp yields the caller's own value.
template <typename T>
inline T ShflDown(T v, int delta) {
  int lane = LaneId();
  int src = lane + delta;
  if (src >= WarpSize()) src = lane;
  return emu_detail::FromBits<T>(emu::WarpExchange(emu_detail::ToBits(v), src));
}
template <typename T>
inline T ShflUp(T v, int delta) {
  int lane = LaneId();
  int src = lane - delta;
  if (src < 0) src = lane;
  return emu_detail::FromBits<T>(emu::WarpExchange(emu_detail::ToBits(v), src));
}
template <typename T>
inline T ShflXor(T v, int mask) {
  int lane = LaneId();
  int src = lane ^ mask;
  if (src >= WarpSize()) src = lane;
  return emu_detail::FromBits<T>(emu::WarpExchange(emu_detail::ToBits(v), src));
}
template <typename T>
inline T Shfl(T v, int src_lane) {
  int src = ((src_lane % WarpSize()) + WarpSize()) % WarpSize();
  return emu_detail::FromBits<T>(emu::WarpExchange(emu_detail::ToBits(v), src));
}
inline uint64_t Ballot(bool pred) { return emu::WarpBallot(pred); }

// Atomics are real host atomics: blocks run concurrently on worker threads.
template <typename T>
inline T AtomicAdd(T* p, T v) {
  return std::atomic_ref<T>(*p).fetch_add(v);
}
template <typename T>
inline T AtomicMax(T* p, T v) {
  std::atomic_ref<T> ref(*p);
  T old = ref.load();
  while (old < v && !ref.compare_exchange_weak(old, v)) {
  }
  return old;
}
template <typename T>
inline T AtomicMin(T* p, T v) {
  std::atomic_ref<T> ref(*p);
  T old = ref.load();
  while (v < old && !ref.compare_exchange_weak(old, v)) {
  }
  return old;
}
template <typename T>
inline T AtomicCAS(T* p, T expected, T desired) {
  std::atomic_ref<T>(*p).compare_exchange_strong(expected, desired);
  return expected;  // the value found, as atomicCAS returns
}
template <typename T>
inline T AtomicExch(T* p, T v) {
  return std::atomic_ref<T>(*p).exchange(v);
}

inline float Rsqrt(float x) { return 1.0f / sqrtf(x); }
inline constexpr float kFloatMax = FLT_MAX;

// Runs `kernel` on the emulated device of `stream` (synchronously).
// Parameters are copied once into the launch and passed by value to every
// emulated thread, as a GPU passes kernel parameters.
template <typename... Params, typename... Args>
inline Error Launch(LaunchMode mode, void (*kernel)(Params...), Dim3 grid, Dim3 block, Stream stream,
                    Args&&... args) {
  struct Closure {
    void (*kernel)(Params...);
    std::tuple<std::decay_t<Params>...> params;
  };
  const Closure closure{kernel, std::tuple<std::decay_t<Params>...>(std::forward<Args>(args)...)};
  emu::KernelInvoker invoke = [](const void* p) {
    const Closure& c = *static_cast<const Closure*>(p);
    std::apply(c.kernel, c.params);
  };
  return emu::Launch(stream, grid, block, 0, mode, invoke, &closure);
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS

#endif  // BRAID_BACKENDS_GPU_VOCAB_KERNEL_EMU_H_
