// Emulator mapping of the host vocabulary (see gpu_host.h). Include gpu_host.h.
#ifndef BRAID_BACKENDS_GPU_VOCAB_HOST_EMU_H_
#define BRAID_BACKENDS_GPU_VOCAB_HOST_EMU_H_

#include <cstddef>

#include "backends/gpu/emulator/emu_runtime.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {

using Error = int;
using Stream = emu::StreamImpl*;
using Event = emu::EventImpl*;
using Dim3 = emu::Dim3;
inline constexpr Error kSuccess = emu::kEmuSuccess;
inline constexpr const char* kTargetName = "emu";

inline const char* ErrorName(Error e) { return emu::ErrorName(e); }
inline const char* ErrorString(Error e) { return emu::ErrorString(e); }
inline bool IsOutOfMemory(Error e) { return e == emu::kEmuErrorMemoryAllocation; }
inline Error GetLastError() { return emu::GetLastError(); }

inline Error GetDeviceCount(int* count) { return emu::GetDeviceCount(count); }
inline Error SetDevice(int ordinal) { return emu::SetDevice(ordinal); }

inline Error Malloc(void** ptr, size_t bytes) { return emu::Malloc(ptr, bytes); }
inline Error Free(void* ptr) { return emu::Free(ptr); }
inline Error MemcpyHtoDAsync(void* dst, const void* src, size_t bytes, Stream s) {
  return emu::Memcpy(dst, src, bytes, s);
}
inline Error MemcpyDtoHAsync(void* dst, const void* src, size_t bytes, Stream s) {
  return emu::Memcpy(dst, src, bytes, s);
}
inline Error MemcpyDtoDAsync(void* dst, const void* src, size_t bytes, Stream s) {
  return emu::Memcpy(dst, src, bytes, s);
}
inline Error MemsetAsync(void* dst, int value, size_t bytes, Stream s) { return emu::Memset(dst, value, bytes, s); }

inline Error StreamCreate(Stream* s) { return emu::StreamCreate(s); }
inline Error StreamDestroy(Stream s) { return emu::StreamDestroy(s); }
inline Error StreamSynchronize(Stream s) { return emu::StreamSynchronize(s); }
inline Error StreamWaitEvent(Stream s, Event e) { return emu::StreamWaitEvent(s, e); }

inline Error EventCreate(Event* e) { return emu::EventCreate(e); }
inline Error EventDestroy(Event e) { return emu::EventDestroy(e); }
inline Error EventRecord(Event e, Stream s) { return emu::EventRecord(e, s); }
inline Error EventSynchronize(Event e) { return emu::EventSynchronize(e); }
inline Error EventElapsedMs(float* ms, Event start, Event stop) { return emu::EventElapsedMs(ms, start, stop); }

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS

#endif  // BRAID_BACKENDS_GPU_VOCAB_HOST_EMU_H_
