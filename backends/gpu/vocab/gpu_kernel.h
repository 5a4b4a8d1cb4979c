// Kernel-side neutral GPU vocabulary. Kernel sources include this header and
// nothing vendor-specific; they compile unchanged as HIP (clang), CUDA (nvcc)
// and C++ for the CPU emulator (g++).
//
// In braid::backends::gpu::BRAID_GPU_TARGET_NS:
//   BRAID_KERNEL            kernel entry qualifier (__global__)
//   BRAID_DEVICE            device function qualifier (inline)
//   BRAID_DEVICE_OUTLINED   device function kept out of line on the host
//   BRAID_SHARED            block-shared storage for a local array declaration
//   BRAID_PARAM(T)          a kernel parameter of struct type T (by value on
//                           GPUs, by reference to the launch's copy in the
//                           emulator); kernels never modify parameters
//   BRAID_WARP_CONSTEXPR    constexpr on GPUs; the emulator's warp size is a
//                           run-time property, so never use WarpSize() where a
//                           constant expression is required
//   Dim3, ThreadX/Y/Z, BlockX/Y/Z, BlockDimX/Y/Z, GridDimX/Y/Z (ints)
//   WarpSize()              64 on CDNA/GCN wavefronts, 32 on NVIDIA and RDNA
//   LinearThreadId, LaneId, WarpId
//   SyncThreads()           block barrier
//   ShflDown/ShflUp/ShflXor/Shfl   warp shuffles (int, unsigned, float)
//   Ballot(pred) -> uint64_t       lane i's predicate in bit i
//   AtomicAdd/AtomicMax/AtomicMin/AtomicCAS/AtomicExch
//   Rsqrt, kFloatMax
//   Launch(mode, kernel, grid, block, stream, args...) -> Error
//
// Rules for kernels: warp-level operations are called by every lane of a
// warp together (converged), in blocks whose size is a multiple of the
// warp size; kernels launched with LaunchMode::kIndependent must not call
// SyncThreads, shuffles or Ballot (the emulator checks). Dynamic shared
// memory is not part of the vocabulary; shared arrays have static sizes.
#ifndef BRAID_BACKENDS_GPU_VOCAB_GPU_KERNEL_H_
#define BRAID_BACKENDS_GPU_VOCAB_GPU_KERNEL_H_

#include "backends/gpu/vocab/gpu_host.h"

#if BRAID_GPU_TARGET_HIP
#include "backends/gpu/vocab/kernel_hip.h"
#elif BRAID_GPU_TARGET_CUDA
#include "backends/gpu/vocab/kernel_cuda.h"
#else
#include "backends/gpu/vocab/kernel_emu.h"
#endif

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {

BRAID_DEVICE int BlockThreads() { return BlockDimX() * BlockDimY() * BlockDimZ(); }

// Bounds over every supported device, for sizing shared arrays and blocks
// (a kernel's own warp size is always WarpSize()): warps have 32 (NVIDIA,
// RDNA) or 64 (CDNA/GCN) threads; a block size that is a multiple of
// kMaxWarpSize is a whole number of warps everywhere.
inline constexpr int kMinWarpSize = 32;
inline constexpr int kMaxWarpSize = 64;
inline constexpr int kMaxBlockThreads = 1024;
inline constexpr int kMaxWarpsPerBlock = kMaxBlockThreads / kMinWarpSize;

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS

#endif  // BRAID_BACKENDS_GPU_VOCAB_GPU_KERNEL_H_
