// The "emu" backend: the GPU kernel library running on the CPU execution
// emulator, as two plainly labelled emulated devices:
//   emu-amd     warp size 64 (AMD wavefront)
//   emu-nvidia  warp size 32 (NVIDIA warp)
// They go through the runtime like real GPUs: separate device memory,
// explicit CopyFromHost/CopyToHost, streams, the same executable layer and
// capability claims as the HIP and CUDA backends. Always available.
#ifndef BRAID_BACKENDS_GPU_EMULATOR_EMU_BACKEND_H_
#define BRAID_BACKENDS_GPU_EMULATOR_EMU_BACKEND_H_

#include <memory>

#include "braid/backend.h"

namespace braid::backends::gpu {

// A new emu backend. Thread-safe; devices it opens are independent.
std::unique_ptr<Backend> CreateEmulatorBackend();

}  // namespace braid::backends::gpu

#endif  // BRAID_BACKENDS_GPU_EMULATOR_EMU_BACKEND_H_
