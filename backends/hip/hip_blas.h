// The HIP device API with an optional vendor GEMM: rocBLAS when the build
// found it (BRAID_HAVE_ROCBLAS), otherwise the kernel library only.
#ifndef BRAID_BACKENDS_HIP_HIP_BLAS_H_
#define BRAID_BACKENDS_HIP_HIP_BLAS_H_

#include <memory>

#include "backends/gpu/exec/gpu_api.h"

namespace braid::backends::hip {

// The GpuApi for HIP device `ordinal`.
std::shared_ptr<gpu::GpuApi> MakeHipApi(int ordinal, DeviceInfo info);

}  // namespace braid::backends::hip

#endif  // BRAID_BACKENDS_HIP_HIP_BLAS_H_
