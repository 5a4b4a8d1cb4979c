// Selects the GPU target a translation unit is compiled for. Exactly one of
// BRAID_GPU_TARGET_HIP / _CUDA / _EMU is defined to 1:
//   HIP  — clang/hipcc HIP compiles, or host code built with BRAID_GPU_BUILD_HIP
//   CUDA — nvcc compiles, or host code built with BRAID_GPU_BUILD_CUDA
//   EMU  — everything else: the CPU execution emulator (plain C++).
// BRAID_GPU_TARGET_NS names the per-target namespace below braid::backends::gpu
// that holds target-specific symbols (kernels, launchers), so that builds for
// different targets never define the same symbol.
#ifndef BRAID_BACKENDS_GPU_VOCAB_TARGET_H_
#define BRAID_BACKENDS_GPU_VOCAB_TARGET_H_

#if defined(BRAID_GPU_BUILD_HIP) || defined(__HIP__) || defined(__HIPCC__)
#define BRAID_GPU_TARGET_HIP 1
#define BRAID_GPU_TARGET_NS target_hip
#ifndef __HIP_PLATFORM_AMD__
#define __HIP_PLATFORM_AMD__ 1
#endif
#elif defined(BRAID_GPU_BUILD_CUDA) || defined(__CUDACC__)
#define BRAID_GPU_TARGET_CUDA 1
#define BRAID_GPU_TARGET_NS target_cuda
#else
#define BRAID_GPU_TARGET_EMU 1
#define BRAID_GPU_TARGET_NS target_emu
#endif

#endif  // BRAID_BACKENDS_GPU_VOCAB_TARGET_H_
