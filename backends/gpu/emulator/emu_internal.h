// Internals shared by the emulator's source files (not for kernels).
#ifndef BRAID_BACKENDS_GPU_EMULATOR_EMU_INTERNAL_H_
#define BRAID_BACKENDS_GPU_EMULATOR_EMU_INTERNAL_H_

#include <chrono>

#include "backends/gpu/emulator/emu_runtime.h"

namespace braid::backends::gpu::emu {

namespace handles {
struct StreamImpl {
  int device = 0;  // emulated device ordinal the stream belongs to
};
struct EventImpl {
  std::chrono::steady_clock::time_point time;
  bool recorded = false;
};
}  // namespace handles

// The calling host thread's current emulated device (SetDevice).
int CurrentDevice();
// Records a launch failure for GetLastError on this host thread.
void SetLastLaunchError(int code);

}  // namespace braid::backends::gpu::emu

#endif  // BRAID_BACKENDS_GPU_EMULATOR_EMU_INTERNAL_H_
