// oneDNN plumbing shared by the nn kernels: the process-wide CPU engine,
// OpenMP thread control, scratch memory and error translation.
//
// oneDNN's C++ API throws dnnl::error; every call into it from a kernel goes
// through DnnlTry so that failures become absl::Status. Primitives are built
// with a user-managed scratchpad, so one primitive may run concurrently on
// several threads (each execution brings its own scratch memory).
#ifndef BRAID_BACKENDS_CPU_KERNELS_NN_DNNL_UTIL_H_
#define BRAID_BACKENDS_CPU_KERNELS_NN_DNNL_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "braid/tensor.h"
#include "oneapi/dnnl/dnnl.hpp"

namespace braid::backends::cpu {

// The CPU engine, created on first use. Thread-safe.
dnnl::engine& DnnlEngine();

// Sets the OpenMP thread count of the calling thread, which bounds the
// threads oneDNN uses for primitives executed (and created) on it.
void SetDnnlThreads(int threads);

// Threads worth using for a oneDNN call of `flops` floating-point
// operations: at most `available`, and one per kMinFlopsPerThread of work so
// that small products do not pay for waking a team.
inline constexpr double kMinFlopsPerThread = 2e6;
int DnnlThreadsFor(int available, double flops);

// Primitive attributes with a user-managed scratchpad (see file comment).
dnnl::primitive_attr DnnlUserScratchpadAttr();

// Per-thread scratch buffers, 64-byte aligned, grown on demand and kept for
// reuse by later calls on the same thread. `slot` (0..kDnnlScratchSlots-1)
// separates buffers that must be alive at the same time. The pointer is
// valid until the next call with the same slot on the same thread.
inline constexpr int kDnnlScratchSlots = 6;
void* DnnlThreadScratch(int slot, size_t bytes);

// Runs `fn` and converts a dnnl::error (or std::exception) into a Status
// whose message starts with `what`.
template <typename Fn>
absl::Status DnnlTry(const char* what, Fn&& fn) {
  try {
    return fn();
  } catch (const dnnl::error& e) {
    return absl::InternalError(absl::StrCat(what, ": oneDNN error ", static_cast<int>(e.status), ": ", e.what()));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat(what, ": ", e.what()));
  }
}

// Executes `prim` on a per-thread stream, supplying the scratchpad of `pd`
// from thread scratch slot kDnnlScratchSlots-1, and waits for completion.
// May throw dnnl::error (call inside DnnlTry).
void DnnlExecute(const dnnl::primitive& prim, const dnnl::primitive_desc_base& pd,
                 std::unordered_map<int, dnnl::memory> args);

// dnnl::memory over caller-owned data (no copy).
inline dnnl::memory DnnlWrap(const dnnl::memory::desc& md, const void* data) {
  return dnnl::memory(md, DnnlEngine(), const_cast<void*>(data));
}

// Plain row-major float memory descriptor of `dims`.
dnnl::memory::desc DnnlPlainDesc(const dnnl::memory::dims& dims);

// Row-major float GEMM through oneDNN: C = alpha * op(A) * op(B) + beta * C,
// A is MxK (KxM when trans_a), B is KxN (NxK when trans_b). Uses the
// calling thread's OpenMP thread count.
absl::Status DnnlSgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                       int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNELS_NN_DNNL_UTIL_H_
