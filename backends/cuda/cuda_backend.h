// The NVIDIA CUDA backend: device enumeration with properties, availability
// with a reason, and devices running the GPU kernel library (cuBLAS for
// large float32 GEMMs). Lives in libbraid_cuda.so, whose only exported
// symbol is BraidCreateBackend.
#ifndef BRAID_BACKENDS_CUDA_CUDA_BACKEND_H_
#define BRAID_BACKENDS_CUDA_CUDA_BACKEND_H_

#include <memory>

#include "braid/backend.h"

namespace braid::backends::cuda {

// A new CUDA backend. Never fails: without a driver (cudaGetDeviceCount
// returns cudaErrorInsufficientDriver) or device it reports itself
// unavailable with the runtime's reason.
std::unique_ptr<Backend> CreateCudaBackend();

}  // namespace braid::backends::cuda

#endif  // BRAID_BACKENDS_CUDA_CUDA_BACKEND_H_
