#include "backends/cpu/kernels/nn/dnnl_util.h"

#include <omp.h>

#include <cstdlib>
#include <memory>

namespace braid::backends::cpu {

dnnl::engine& DnnlEngine() {
  static dnnl::engine* engine = new dnnl::engine(dnnl::engine::kind::cpu, 0);
  return *engine;
}

void SetDnnlThreads(int threads) {
  if (threads < 1) threads = 1;
  if (omp_get_max_threads() != threads) omp_set_num_threads(threads);
}

int DnnlThreadsFor(int available, double flops) {
  const double useful = flops / kMinFlopsPerThread;
  if (useful < 2.0 || available <= 1) return 1;
  return useful < available ? static_cast<int>(useful) : available;
}

dnnl::primitive_attr DnnlUserScratchpadAttr() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

namespace {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

struct ScratchSlot {
  std::unique_ptr<void, FreeDeleter> data;
  size_t bytes = 0;
};

}  // namespace

void* DnnlThreadScratch(int slot, size_t bytes) {
  thread_local ScratchSlot slots[kDnnlScratchSlots];
  ScratchSlot& s = slots[slot];
  if (bytes == 0) bytes = 64;
  if (s.bytes < bytes) {
    size_t rounded = (bytes + 4095) / 4096 * 4096;
    s.data.reset(std::aligned_alloc(64, rounded));
    s.bytes = s.data ? rounded : 0;
    if (!s.data) throw std::bad_alloc();
  }
  return s.data.get();
}

void DnnlExecute(const dnnl::primitive& prim, const dnnl::primitive_desc_base& pd,
                 std::unordered_map<int, dnnl::memory> args) {
  thread_local dnnl::stream stream(DnnlEngine());
  dnnl::memory::desc scratch_md = pd.scratchpad_desc();
  size_t scratch_bytes = scratch_md.get_size();
  if (scratch_bytes > 0) {
    args.emplace(DNNL_ARG_SCRATCHPAD, DnnlWrap(scratch_md, DnnlThreadScratch(kDnnlScratchSlots - 1, scratch_bytes)));
  }
  prim.execute(stream, args);
  stream.wait();
}

dnnl::memory::desc DnnlPlainDesc(const dnnl::memory::dims& dims) {
  dnnl::memory::dims strides(dims.size(), 1);
  for (int i = static_cast<int>(dims.size()) - 2; i >= 0; --i) strides[i] = strides[i + 1] * dims[i + 1];
  return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, strides);
}

absl::Status DnnlSgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                       int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return absl::OkStatus();
  if (k == 0) {
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    }
    return absl::OkStatus();
  }
  dnnl_status_t st = dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  if (st != dnnl_success) return absl::InternalError(absl::StrCat("oneDNN sgemm failed with status ", static_cast<int>(st)));
  return absl::OkStatus();
}

}  // namespace braid::backends::cpu
