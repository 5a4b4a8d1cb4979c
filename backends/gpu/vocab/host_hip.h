// HIP mapping of the host vocabulary (see gpu_host.h). Include gpu_host.h.
#ifndef BRAID_BACKENDS_GPU_VOCAB_HOST_HIP_H_
#define BRAID_BACKENDS_GPU_VOCAB_HOST_HIP_H_

#include <hip/hip_runtime_api.h>

#include <cstddef>

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {

using Error = hipError_t;
using Stream = hipStream_t;
using Event = hipEvent_t;
inline constexpr Error kSuccess = hipSuccess;
inline constexpr const char* kTargetName = "hip";

inline const char* ErrorName(Error e) { return hipGetErrorName(e); }
inline const char* ErrorString(Error e) { return hipGetErrorString(e); }
inline bool IsOutOfMemory(Error e) { return e == hipErrorOutOfMemory; }
inline Error GetLastError() { return hipGetLastError(); }

inline Error GetDeviceCount(int* count) { return hipGetDeviceCount(count); }
inline Error SetDevice(int ordinal) { return hipSetDevice(ordinal); }

inline Error Malloc(void** ptr, size_t bytes) { return hipMalloc(ptr, bytes); }
inline Error Free(void* ptr) { return hipFree(ptr); }
inline Error MemcpyHtoDAsync(void* dst, const void* src, size_t bytes, Stream s) {
  return hipMemcpyAsync(dst, src, bytes, hipMemcpyHostToDevice, s);
}
inline Error MemcpyDtoHAsync(void* dst, const void* src, size_t bytes, Stream s) {
  return hipMemcpyAsync(dst, src, bytes, hipMemcpyDeviceToHost, s);
}
inline Error MemcpyDtoDAsync(void* dst, const void* src, size_t bytes, Stream s) {
  return hipMemcpyAsync(dst, src, bytes, hipMemcpyDeviceToDevice, s);
}
inline Error MemsetAsync(void* dst, int value, size_t bytes, Stream s) { return hipMemsetAsync(dst, value, bytes, s); }

inline Error StreamCreate(Stream* s) { return hipStreamCreateWithFlags(s, hipStreamNonBlocking); }
inline Error StreamDestroy(Stream s) { return hipStreamDestroy(s); }
inline Error StreamSynchronize(Stream s) { return hipStreamSynchronize(s); }
inline Error StreamWaitEvent(Stream s, Event e) { return hipStreamWaitEvent(s, e, 0); }

inline Error EventCreate(Event* e) { return hipEventCreate(e); }
inline Error EventDestroy(Event e) { return hipEventDestroy(e); }
inline Error EventRecord(Event e, Stream s) { return hipEventRecord(e, s); }
inline Error EventSynchronize(Event e) { return hipEventSynchronize(e); }
inline Error EventElapsedMs(float* ms, Event start, Event stop) { return hipEventElapsedTime(ms, start, stop); }

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS

#endif  // BRAID_BACKENDS_GPU_VOCAB_HOST_HIP_H_
