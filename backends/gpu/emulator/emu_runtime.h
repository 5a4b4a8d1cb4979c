// The CPU execution emulator: runs GPU kernels written against the neutral
// vocabulary (backends/gpu/vocab) on the host, with GPU semantics.
//
// Model: a launch is a grid of blocks; blocks are spread over host worker
// threads, and each block runs to completion on one worker. Cooperative
// launches run every GPU thread of a block as a fiber (Boost.Context, stacks
// pooled per worker) scheduled round-robin; a barrier, warp shuffle or
// ballot yields until the participants have arrived. Independent launches
// (kernels that never synchronize or exchange data between threads) call
// the kernel body once per thread without fibers. `__shared__` storage is
// per worker thread, so it is per block. Warp size is a property of the
// emulated device (64 = AMD wavefront, 32 = NVIDIA warp), chosen at run time.
//
// Emulated devices: ordinal 0 "emu-amd" (wave64), ordinal 1 "emu-nvidia"
// (wave32). Memory is separate host allocations handed out as device
// pointers; streams execute work in order at enqueue time (a synchronous
// stream is a valid implementation of in-order stream semantics).
//
// Thread-safety: all host API functions may be called from any thread;
// launches on different streams may run concurrently.
#ifndef BRAID_BACKENDS_GPU_EMULATOR_EMU_RUNTIME_H_
#define BRAID_BACKENDS_GPU_EMULATOR_EMU_RUNTIME_H_

#include <cstddef>
#include <cstdint>

namespace braid::backends::gpu::emu {

// Error codes follow the CUDA runtime's numbering where one exists.
enum ErrorCode : int {
  kEmuSuccess = 0,
  kEmuErrorInvalidValue = 1,
  kEmuErrorMemoryAllocation = 2,
  kEmuErrorInvalidConfiguration = 9,
  kEmuErrorNoDevice = 100,
  kEmuErrorInvalidDevice = 101,
  kEmuErrorInvalidResourceHandle = 400,
  kEmuErrorLaunchFailure = 719,
};
const char* ErrorName(int code);
const char* ErrorString(int code);

struct Dim3 {
  unsigned x = 1, y = 1, z = 1;
  constexpr Dim3(unsigned vx = 1, unsigned vy = 1, unsigned vz = 1) : x(vx), y(vy), z(vz) {}
};

// ---- Emulated devices ----
inline constexpr int kNumEmulatedDevices = 2;
struct EmulatedDeviceConfig {
  const char* name;  // "emu-amd", "emu-nvidia"
  int warp_size;     // 64 or 32
};
const EmulatedDeviceConfig& DeviceConfig(int ordinal);  // precondition: valid ordinal
// Host worker threads used for one launch (default: hardware concurrency,
// at most 8). Values < 1 reset to the default.
void SetWorkerThreads(int count);
int WorkerThreads();

// ---- Host API (CUDA runtime semantics, see gpu_host.h) ----
// Handles live in their own namespace so that argument-dependent lookup on
// them never competes with the vocabulary's same-named wrappers.
namespace handles {
struct StreamImpl;
struct EventImpl;
}  // namespace handles
using handles::EventImpl;
using handles::StreamImpl;
int GetDeviceCount(int* count);
int SetDevice(int ordinal);  // per host thread, like cudaSetDevice
int GetDevice(int* ordinal);
int Malloc(void** ptr, size_t bytes);
int Free(void* ptr);
int Memcpy(void* dst, const void* src, size_t bytes, StreamImpl* stream);
int Memset(void* dst, int value, size_t bytes, StreamImpl* stream);
int StreamCreate(StreamImpl** stream);  // bound to the current device
int StreamDestroy(StreamImpl* stream);
int StreamSynchronize(StreamImpl* stream);
int StreamWaitEvent(StreamImpl* stream, EventImpl* event);
int EventCreate(EventImpl** event);
int EventDestroy(EventImpl* event);
int EventRecord(EventImpl* event, StreamImpl* stream);
int EventSynchronize(EventImpl* event);
int EventElapsedMs(float* ms, EventImpl* start, EventImpl* stop);
// The error of the last failed launch on this host thread, then cleared.
int GetLastError();

// ---- Launch ----
enum class LaunchMode {
  kCooperative,  // threads may use barriers, shuffles, ballots
  kIndependent,  // threads never synchronize: no fibers needed
};
// Type-erased kernel invocation: invoke(closure) runs the kernel body for
// the current emulated thread. The closure is shared, read-only, by all
// worker threads.
using KernelInvoker = void (*)(const void* closure);
int Launch(StreamImpl* stream, Dim3 grid, Dim3 block, size_t dynamic_shared_bytes, LaunchMode mode,
           KernelInvoker invoke, const void* closure);

// ---- State of the running emulated thread (used by the kernel vocabulary) ----
struct BlockState;
struct ThreadState {
  Dim3 thread_idx;
  Dim3 block_idx;
  Dim3 block_dim;
  Dim3 grid_dim;
  int linear_tid = 0;
  int warp_size = 1;
  BlockState* block = nullptr;  // null in independent launches
};
// The emulated thread running on this host thread. Set by the scheduler
// before every switch to a GPU thread.
inline thread_local ThreadState tls_thread;

// Kernel-side cooperative operations (see kernel_emu.h). Calling them from
// an independent launch is a programming error and terminates the process
// with a message naming the operation.
void SyncThreads();
// Warp exchange: publishes `mine` for this lane and returns the value lane
// `src_lane` published in the same exchange (own value when src_lane is
// outside the warp or names an exited thread).
uint64_t WarpExchange(uint64_t mine, int src_lane);
// Bit i set when lane i passed a true predicate.
uint64_t WarpBallot(bool predicate);
// Barrier over the lanes of this thread's warp.
void WarpSync();

}  // namespace braid::backends::gpu::emu

#endif  // BRAID_BACKENDS_GPU_EMULATOR_EMU_RUNTIME_H_
