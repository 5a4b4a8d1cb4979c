// The backends compiled into the runtime: the CPU always; the emulated GPUs
// when the GPU kernel library is part of the build.
#include <memory>
#include <vector>

#include "backends/cpu/cpu_device.h"
#include "braid/runtime.h"

namespace braid::runtime {

std::vector<std::unique_ptr<Backend>> BuiltinBackends(const RuntimeOptions& options) {
  std::vector<std::unique_ptr<Backend>> out;
  out.push_back(std::make_unique<backends::cpu::CpuBackend>());
  (void)options;
  return out;
}

}  // namespace braid::runtime
