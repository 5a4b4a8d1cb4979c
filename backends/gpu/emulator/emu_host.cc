// Host side of the emulator: emulated devices, memory, streams, events
// and error names (CUDA runtime semantics, see gpu_host.h).
#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_set>

#include "backends/gpu/emulator/emu_internal.h"
#include "backends/gpu/emulator/emu_runtime.h"

namespace braid::backends::gpu::emu {
namespace {

constexpr EmulatedDeviceConfig kDevices[kNumEmulatedDevices] = {{"emu-amd", 64}, {"emu-nvidia", 32}};
constexpr size_t kDeviceAlignment = 256;

thread_local int tls_device = 0;
thread_local int tls_last_error = kEmuSuccess;

// Live device allocations, so that Free can reject foreign pointers.
std::mutex g_alloc_mu;
std::unordered_set<void*>& Allocations() {
  static auto* set = new std::unordered_set<void*>();
  return *set;
}

}  // namespace

int CurrentDevice() { return tls_device; }
void SetLastLaunchError(int code) { tls_last_error = code; }

const EmulatedDeviceConfig& DeviceConfig(int ordinal) { return kDevices[ordinal]; }

int GetLastError() {
  int e = tls_last_error;
  tls_last_error = kEmuSuccess;
  return e;
}

int GetDeviceCount(int* count) {
  if (count == nullptr) return kEmuErrorInvalidValue;
  *count = kNumEmulatedDevices;
  return kEmuSuccess;
}

int SetDevice(int ordinal) {
  if (ordinal < 0 || ordinal >= kNumEmulatedDevices) return kEmuErrorInvalidDevice;
  tls_device = ordinal;
  return kEmuSuccess;
}

int GetDevice(int* ordinal) {
  if (ordinal == nullptr) return kEmuErrorInvalidValue;
  *ordinal = tls_device;
  return kEmuSuccess;
}

int Malloc(void** ptr, size_t bytes) {
  if (ptr == nullptr) return kEmuErrorInvalidValue;
  void* p = ::operator new(std::max<size_t>(bytes, 1), std::align_val_t(kDeviceAlignment), std::nothrow);
  if (p == nullptr) return kEmuErrorMemoryAllocation;
  {
    std::lock_guard<std::mutex> lock(g_alloc_mu);
    Allocations().insert(p);
  }
  *ptr = p;
  return kEmuSuccess;
}

int Free(void* ptr) {
  if (ptr == nullptr) return kEmuSuccess;
  {
    std::lock_guard<std::mutex> lock(g_alloc_mu);
    if (Allocations().erase(ptr) == 0) return kEmuErrorInvalidValue;
  }
  ::operator delete(ptr, std::align_val_t(kDeviceAlignment));
  return kEmuSuccess;
}

int Memcpy(void* dst, const void* src, size_t bytes, StreamImpl*) {
  if (bytes == 0) return kEmuSuccess;
  if (dst == nullptr || src == nullptr) return kEmuErrorInvalidValue;
  std::memmove(dst, src, bytes);
  return kEmuSuccess;
}

int Memset(void* dst, int value, size_t bytes, StreamImpl*) {
  if (bytes == 0) return kEmuSuccess;
  if (dst == nullptr) return kEmuErrorInvalidValue;
  std::memset(dst, value, bytes);
  return kEmuSuccess;
}

int StreamCreate(StreamImpl** stream) {
  if (stream == nullptr) return kEmuErrorInvalidValue;
  *stream = new (std::nothrow) StreamImpl{tls_device};
  return *stream == nullptr ? kEmuErrorMemoryAllocation : kEmuSuccess;
}

int StreamDestroy(StreamImpl* stream) {
  if (stream == nullptr) return kEmuErrorInvalidResourceHandle;
  delete stream;
  return kEmuSuccess;
}

int StreamSynchronize(StreamImpl*) { return kEmuSuccess; }  // work completes at enqueue
int StreamWaitEvent(StreamImpl*, EventImpl* event) {
  return event == nullptr ? kEmuErrorInvalidResourceHandle : kEmuSuccess;
}

int EventCreate(EventImpl** event) {
  if (event == nullptr) return kEmuErrorInvalidValue;
  *event = new (std::nothrow) EventImpl();
  return *event == nullptr ? kEmuErrorMemoryAllocation : kEmuSuccess;
}

int EventDestroy(EventImpl* event) {
  if (event == nullptr) return kEmuErrorInvalidResourceHandle;
  delete event;
  return kEmuSuccess;
}

int EventRecord(EventImpl* event, StreamImpl*) {
  if (event == nullptr) return kEmuErrorInvalidResourceHandle;
  event->time = std::chrono::steady_clock::now();
  event->recorded = true;
  return kEmuSuccess;
}

int EventSynchronize(EventImpl* event) { return event == nullptr ? kEmuErrorInvalidResourceHandle : kEmuSuccess; }

int EventElapsedMs(float* ms, EventImpl* start, EventImpl* stop) {
  if (ms == nullptr || start == nullptr || stop == nullptr) return kEmuErrorInvalidValue;
  if (!start->recorded || !stop->recorded) return kEmuErrorInvalidResourceHandle;
  *ms = std::chrono::duration<float, std::milli>(stop->time - start->time).count();
  return kEmuSuccess;
}

const char* ErrorName(int code) {
  switch (code) {
    case kEmuSuccess: return "emuSuccess";
    case kEmuErrorInvalidValue: return "emuErrorInvalidValue";
    case kEmuErrorMemoryAllocation: return "emuErrorMemoryAllocation";
    case kEmuErrorInvalidConfiguration: return "emuErrorInvalidConfiguration";
    case kEmuErrorNoDevice: return "emuErrorNoDevice";
    case kEmuErrorInvalidDevice: return "emuErrorInvalidDevice";
    case kEmuErrorInvalidResourceHandle: return "emuErrorInvalidResourceHandle";
    case kEmuErrorLaunchFailure: return "emuErrorLaunchFailure";
    default: return "emuErrorUnknown";
  }
}

const char* ErrorString(int code) {
  switch (code) {
    case kEmuSuccess: return "no error";
    case kEmuErrorInvalidValue: return "invalid argument";
    case kEmuErrorMemoryAllocation: return "out of emulated device memory";
    case kEmuErrorInvalidConfiguration: return "invalid launch configuration";
    case kEmuErrorNoDevice: return "no emulated device";
    case kEmuErrorInvalidDevice: return "invalid device ordinal";
    case kEmuErrorInvalidResourceHandle: return "invalid stream or event handle";
    case kEmuErrorLaunchFailure: return "kernel launch failed";
    default: return "unknown error";
  }
}

}  // namespace braid::backends::gpu::emu
