// The AMD HIP backend: device enumeration with properties, availability
// with a reason, and devices running the GPU kernel library built for the
// configured gfx architectures. Lives in libbraid_hip.so, whose only
// exported symbol is BraidCreateBackend.
#ifndef BRAID_BACKENDS_HIP_HIP_BACKEND_H_
#define BRAID_BACKENDS_HIP_HIP_BACKEND_H_

#include <memory>

#include "braid/backend.h"

namespace braid::backends::hip {

// A new HIP backend. Never fails: without a usable driver or device it
// reports itself unavailable with the runtime's reason.
std::unique_ptr<Backend> CreateHipBackend();

}  // namespace braid::backends::hip

#endif  // BRAID_BACKENDS_HIP_HIP_BACKEND_H_
