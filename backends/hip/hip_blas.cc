#include "backends/hip/hip_blas.h"

#include <mutex>

#include "absl/strings/str_cat.h"

#include "backends/gpu/exec/target_gpu_api.h"

#if BRAID_HAVE_ROCBLAS
#include <rocblas/rocblas.h>
#endif

namespace braid::backends::hip {
namespace {

#if BRAID_HAVE_ROCBLAS
// Plain float32 GEMMs (no epilogue) of at least this many multiply-adds go
// to rocBLAS; smaller ones stay on the kernel library.
constexpr double kRocblasMinFlops = 64.0 * 64.0 * 64.0;

class RocblasApi : public gpu::target_hip::TargetGpuApi {
 public:
  using TargetGpuApi::TargetGpuApi;
  ~RocblasApi() override {
    if (handle_ != nullptr) rocblas_destroy_handle(handle_);
  }

  absl::StatusOr<bool> VendorGemm(const gpu::kernels::GemmArgs& g, void* stream) override {
    using gpu::kernels::Activation;
    using gpu::kernels::ElemType;
    if (g.type != ElemType::kF32 || g.epilogue.bias != nullptr || g.epilogue.activation != Activation::kNone ||
        g.batch_rank > 1 || static_cast<double>(g.m) * g.n * g.k < kRocblasMinFlops || g.c_stride_m != g.n) {
      return false;
    }
    constexpr int64_t kIntMax = 2147483647;
    if (g.m > kIntMax || g.n > kIntMax || g.k > kIntMax || g.batch_count > kIntMax) return false;
    // Row-major C = A B is column-major C^T = B^T A^T.
    const bool a_rows = g.a_stride_k == 1, b_rows = g.b_stride_n == 1;
    if (!(a_rows || g.a_stride_m == 1) || !(b_rows || g.b_stride_k == 1)) return false;
    const int64_t lda = a_rows ? g.a_stride_m : g.a_stride_k;
    const int64_t ldb = b_rows ? g.b_stride_k : g.b_stride_n;
    const int64_t sa = g.batch_rank == 1 ? g.a_batch_strides[0] : 0;
    const int64_t sb = g.batch_rank == 1 ? g.b_batch_strides[0] : 0;
    const int64_t sc = g.batch_rank == 1 ? g.c_batch_strides[0] : 0;
    std::lock_guard<std::mutex> lock(mu_);
    if (handle_ == nullptr && rocblas_create_handle(&handle_) != rocblas_status_success) return false;
    if (rocblas_set_stream(handle_, static_cast<hipStream_t>(stream)) != rocblas_status_success) return false;
    const float beta = 0.0f;
    const rocblas_status st = rocblas_sgemm_strided_batched(
        handle_, b_rows ? rocblas_operation_none : rocblas_operation_transpose,
        a_rows ? rocblas_operation_none : rocblas_operation_transpose, g.n, g.m, g.k, &g.alpha,
        static_cast<const float*>(g.b), ldb, sb, static_cast<const float*>(g.a), lda, sa, &beta,
        static_cast<float*>(g.c), g.c_stride_m, sc, g.batch_count);
    if (st != rocblas_status_success) {
      return absl::InternalError(absl::StrCat("rocblas_sgemm_strided_batched failed: ", rocblas_status_to_string(st)));
    }
    return true;
  }

 private:
  std::mutex mu_;
  rocblas_handle handle_ = nullptr;
};
#endif

}  // namespace

std::shared_ptr<gpu::GpuApi> MakeHipApi(int ordinal, DeviceInfo info) {
#if BRAID_HAVE_ROCBLAS
  return std::make_shared<RocblasApi>(ordinal, std::move(info));
#else
  return std::make_shared<gpu::target_hip::TargetGpuApi>(ordinal, std::move(info));
#endif
}

}  // namespace braid::backends::hip
