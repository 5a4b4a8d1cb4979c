// The CUDA device API with cuBLAS for float32 GEMMs large enough to win.
#ifndef BRAID_BACKENDS_CUDA_CUDA_BLAS_H_
#define BRAID_BACKENDS_CUDA_CUDA_BLAS_H_

#include <memory>

#include "backends/gpu/exec/gpu_api.h"

namespace braid::backends::cuda {

// The GpuApi for CUDA device `ordinal`.
std::shared_ptr<gpu::GpuApi> MakeCudaApi(int ordinal, DeviceInfo info);

}  // namespace braid::backends::cuda

#endif  // BRAID_BACKENDS_CUDA_CUDA_BLAS_H_
