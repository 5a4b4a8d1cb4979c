// CUDA mapping of the host vocabulary (see gpu_host.h). Include gpu_host.h.
#ifndef BRAID_BACKENDS_GPU_VOCAB_HOST_CUDA_H_
#define BRAID_BACKENDS_GPU_VOCAB_HOST_CUDA_H_

#include <cuda_runtime_api.h>

#include <cstddef>

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {

using Error = cudaError_t;
using Stream = cudaStream_t;
using Event = cudaEvent_t;
inline constexpr Error kSuccess = cudaSuccess;
inline constexpr const char* kTargetName = "cuda";

inline const char* ErrorName(Error e) { return cudaGetErrorName(e); }
inline const char* ErrorString(Error e) { return cudaGetErrorString(e); }
inline bool IsOutOfMemory(Error e) { return e == cudaErrorMemoryAllocation; }
inline Error GetLastError() { return cudaGetLastError(); }

inline Error GetDeviceCount(int* count) { return cudaGetDeviceCount(count); }
inline Error SetDevice(int ordinal) { return cudaSetDevice(ordinal); }

inline Error Malloc(void** ptr, size_t bytes) { return cudaMalloc(ptr, bytes); }
inline Error Free(void* ptr) { return cudaFree(ptr); }
inline Error MemcpyHtoDAsync(void* dst, const void* src, size_t bytes, Stream s) {
  return cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, s);
}
inline Error MemcpyDtoHAsync(void* dst, const void* src, size_t bytes, Stream s) {
  return cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, s);
}
inline Error MemcpyDtoDAsync(void* dst, const void* src, size_t bytes, Stream s) {
  return cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, s);
}
inline Error MemsetAsync(void* dst, int value, size_t bytes, Stream s) { return cudaMemsetAsync(dst, value, bytes, s); }

inline Error StreamCreate(Stream* s) { return cudaStreamCreateWithFlags(s, cudaStreamNonBlocking); }
inline Error StreamDestroy(Stream s) { return cudaStreamDestroy(s); }
inline Error StreamSynchronize(Stream s) { return cudaStreamSynchronize(s); }
inline Error StreamWaitEvent(Stream s, Event e) { return cudaStreamWaitEvent(s, e, 0); }

inline Error EventCreate(Event* e) { return cudaEventCreate(e); }
inline Error EventDestroy(Event e) { return cudaEventDestroy(e); }
inline Error EventRecord(Event e, Stream s) { return cudaEventRecord(e, s); }
inline Error EventSynchronize(Event e) { return cudaEventSynchronize(e); }
inline Error EventElapsedMs(float* ms, Event start, Event stop) { return cudaEventElapsedTime(ms, start, stop); }

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS

#endif  // BRAID_BACKENDS_GPU_VOCAB_HOST_CUDA_H_
