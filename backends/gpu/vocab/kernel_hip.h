// HIP mapping of the kernel vocabulary (see gpu_kernel.h). Include gpu_kernel.h.
#ifndef BRAID_BACKENDS_GPU_VOCAB_KERNEL_HIP_H_
#define BRAID_BACKENDS_GPU_VOCAB_KERNEL_HIP_H_

#include <float.h>
#include <hip/hip_runtime.h>
#include <math.h>
#include <stdint.h>

#include <utility>

#define BRAID_KERNEL __global__
#define BRAID_DEVICE __device__ __forceinline__
#define BRAID_SHARED __shared__
#define BRAID_WARP_CONSTEXPR constexpr
#define BRAID_PARAM(T) const T
#define BRAID_DEVICE_OUTLINED BRAID_DEVICE

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {

using Dim3 = dim3;
enum class LaunchMode { kCooperative, kIndependent };

BRAID_DEVICE int ThreadX() { return threadIdx.x; }
BRAID_DEVICE int ThreadY() { return threadIdx.y; }
BRAID_DEVICE int ThreadZ() { return threadIdx.z; }
BRAID_DEVICE int BlockX() { return blockIdx.x; }
BRAID_DEVICE int BlockY() { return blockIdx.y; }
BRAID_DEVICE int BlockZ() { return blockIdx.z; }
BRAID_DEVICE int BlockDimX() { return blockDim.x; }
BRAID_DEVICE int BlockDimY() { return blockDim.y; }
BRAID_DEVICE int BlockDimZ() { return blockDim.z; }
BRAID_DEVICE int GridDimX() { return gridDim.x; }
BRAID_DEVICE int GridDimY() { return gridDim.y; }
BRAID_DEVICE int GridDimZ() { return gridDim.z; }

// Wavefront size of the architecture being compiled: 64 on CDNA/GCN (gfx9),
// 32 on RDNA (gfx10+). The host pass never evaluates it in device code.
#if defined(__AMDGCN_WAVEFRONT_SIZE)
__device__ constexpr int WarpSize() { return __AMDGCN_WAVEFRONT_SIZE; }
#else
__device__ constexpr int WarpSize() { return 64; }
#endif
BRAID_DEVICE void SyncThreads() { __syncthreads(); }
BRAID_DEVICE int LinearThreadId() { return ThreadX() + BlockDimX() * (ThreadY() + BlockDimY() * ThreadZ()); }
BRAID_DEVICE int LaneId() { return LinearThreadId() % WarpSize(); }
BRAID_DEVICE int WarpId() { return LinearThreadId() / WarpSize(); }


// HIP 5.2 has only the unsynchronized forms; wavefronts execute in lockstep.
template <typename T>
BRAID_DEVICE T ShflDown(T v, int delta) { return __shfl_down(v, static_cast<unsigned>(delta)); }
template <typename T>
BRAID_DEVICE T ShflUp(T v, int delta) { return __shfl_up(v, static_cast<unsigned>(delta)); }
template <typename T>
BRAID_DEVICE T ShflXor(T v, int mask) { return __shfl_xor(v, mask); }
template <typename T>
BRAID_DEVICE T Shfl(T v, int src_lane) { return __shfl(v, src_lane); }
BRAID_DEVICE uint64_t Ballot(bool pred) { return static_cast<uint64_t>(__ballot(pred)); }

template <typename T>
BRAID_DEVICE T AtomicAdd(T* p, T v) { return atomicAdd(p, v); }
template <typename T>
BRAID_DEVICE T AtomicMax(T* p, T v) { return atomicMax(p, v); }
template <typename T>
BRAID_DEVICE T AtomicMin(T* p, T v) { return atomicMin(p, v); }
template <typename T>
BRAID_DEVICE T AtomicCAS(T* p, T expected, T desired) { return atomicCAS(p, expected, desired); }
template <typename T>
BRAID_DEVICE T AtomicExch(T* p, T v) { return atomicExch(p, v); }

BRAID_DEVICE float Rsqrt(float x) { return rsqrtf(x); }
inline constexpr float kFloatMax = FLT_MAX;

// Launches `kernel` on `stream`; returns the launch error (execution errors
// surface at the next synchronization).
template <typename... Params, typename... Args>
inline Error Launch(LaunchMode, void (*kernel)(Params...), Dim3 grid, Dim3 block, Stream stream, Args&&... args) {
  kernel<<<grid, block, 0, stream>>>(std::forward<Args>(args)...);
  return hipGetLastError();
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS

#endif  // BRAID_BACKENDS_GPU_VOCAB_KERNEL_HIP_H_
