// The backends compiled into the runtime: the CPU, and the GPU kernel
// library on the CPU execution emulator (emu-amd, emu-nvidia).
#include <memory>
#include <vector>

#include "backends/cpu/cpu_device.h"
#include "backends/gpu/emulator/emu_backend.h"
#include "braid/runtime.h"

namespace braid::runtime {

std::vector<std::unique_ptr<Backend>> BuiltinBackends(const RuntimeOptions& options) {
  std::vector<std::unique_ptr<Backend>> out;
  out.push_back(std::make_unique<backends::cpu::CpuBackend>());
  if (options.enable_emulated_devices) out.push_back(backends::gpu::CreateEmulatorBackend());
  return out;
}

}  // namespace braid::runtime
