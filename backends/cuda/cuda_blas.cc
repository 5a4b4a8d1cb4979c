#include "backends/cuda/cuda_blas.h"

#include <cublas_v2.h>

#include <mutex>

#include "absl/strings/str_cat.h"
#include "backends/gpu/exec/target_gpu_api.h"

namespace braid::backends::cuda {
namespace {

// Plain float32 GEMMs (no fused epilogue) of at least this many
// multiply-adds go to cuBLAS; small ones stay on the kernel library, where
// launch overhead and fusion matter more than peak throughput.
constexpr double kCublasMinFlops = 64.0 * 64.0 * 64.0;

class CublasApi : public gpu::target_cuda::TargetGpuApi {
 public:
  using TargetGpuApi::TargetGpuApi;
  ~CublasApi() override {
    if (handle_ != nullptr) cublasDestroy(handle_);
  }

  absl::StatusOr<bool> VendorGemm(const gpu::kernels::GemmArgs& g, void* stream) override {
    using gpu::kernels::Activation;
    using gpu::kernels::ElemType;
    if (g.type != ElemType::kF32 || g.epilogue.bias != nullptr || g.epilogue.activation != Activation::kNone ||
        g.batch_rank > 1 || static_cast<double>(g.m) * g.n * g.k < kCublasMinFlops || g.c_stride_m != g.n) {
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
    if (handle_ == nullptr) {
      const cublasStatus_t st = cublasCreate(&handle_);
      if (st != CUBLAS_STATUS_SUCCESS) {
        handle_ = nullptr;
        return false;  // the kernel library still works without cuBLAS
      }
    }
    cublasStatus_t st = cublasSetStream(handle_, static_cast<cudaStream_t>(stream));
    const float beta = 0.0f;
    if (st == CUBLAS_STATUS_SUCCESS) {
      st = cublasSgemmStridedBatched(handle_, b_rows ? CUBLAS_OP_N : CUBLAS_OP_T, a_rows ? CUBLAS_OP_N : CUBLAS_OP_T,
                                     static_cast<int>(g.n), static_cast<int>(g.m), static_cast<int>(g.k), &g.alpha,
                                     static_cast<const float*>(g.b), static_cast<int>(ldb), sb,
                                     static_cast<const float*>(g.a), static_cast<int>(lda), sa, &beta,
                                     static_cast<float*>(g.c), static_cast<int>(g.c_stride_m), sc,
                                     static_cast<int>(g.batch_count));
    }
    if (st != CUBLAS_STATUS_SUCCESS) {
      return absl::InternalError(absl::StrCat("cublasSgemmStridedBatched failed: ", cublasGetStatusName(st), " (",
                                              cublasGetStatusString(st), ")"));
    }
    return true;
  }

 private:
  std::mutex mu_;
  cublasHandle_t handle_ = nullptr;
};

}  // namespace

std::shared_ptr<gpu::GpuApi> MakeCudaApi(int ordinal, DeviceInfo info) {
  return std::make_shared<CublasApi>(ordinal, std::move(info));
}

}  // namespace braid::backends::cuda
