#include "backends/gpu/exec/target_gpu_api.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "backends/gpu/kernels/launchers.h"

namespace braid::backends::gpu::BRAID_GPU_TARGET_NS {
namespace {

const char* BaseName(const char* path) {
  const char* base = path;
  for (const char* p = path; *p != '\0'; ++p) {
    if (*p == '/') base = p + 1;
  }
  return base;
}

Stream AsStream(void* s) { return static_cast<Stream>(s); }
Event AsEvent(void* e) { return static_cast<Event>(e); }

}  // namespace

absl::Status ToStatus(Error error, const char* what, const char* file, int line) {
  if (error == kSuccess) return absl::OkStatus();
  std::string message = absl::StrCat(what, " failed: ", ErrorName(error), " (", ErrorString(error), ") at ",
                                     BaseName(file), ":", line);
  if (IsOutOfMemory(error)) return absl::ResourceExhaustedError(message);
  return absl::InternalError(message);
}

const kernels::KernelTable& TargetGpuApi::kernels() const { return GetKernelTable(); }

absl::Status TargetGpuApi::MakeCurrent() {
  BRAID_GPU_RETURN_IF_ERROR(SetDevice(ordinal_));
  return absl::OkStatus();
}

absl::StatusOr<void*> TargetGpuApi::Allocate(size_t bytes) {
  BRAID_GPU_RETURN_IF_ERROR(SetDevice(ordinal_));
  void* ptr = nullptr;
  const Error e = Malloc(&ptr, bytes == 0 ? 1 : bytes);
  if (e != kSuccess) {
    (void)GetLastError();  // so that the next launch check does not report this failure
    return ToStatus(e, absl::StrCat("allocating ", bytes, " bytes on ", info_.name).c_str(), __FILE__, __LINE__);
  }
  return ptr;
}

void TargetGpuApi::Free(void* ptr) {
  (void)SetDevice(ordinal_);
  (void)::braid::backends::gpu::BRAID_GPU_TARGET_NS::Free(ptr);
}

absl::StatusOr<void*> TargetGpuApi::CreateStream() {
  BRAID_GPU_RETURN_IF_ERROR(SetDevice(ordinal_));
  Stream s{};
  BRAID_GPU_RETURN_IF_ERROR(StreamCreate(&s));
  return static_cast<void*>(s);
}

void TargetGpuApi::DestroyStream(void* stream) {
  (void)SetDevice(ordinal_);
  (void)StreamDestroy(AsStream(stream));
}

absl::Status TargetGpuApi::Synchronize(void* stream) {
  BRAID_GPU_RETURN_IF_ERROR(StreamSynchronize(AsStream(stream)));
  return absl::OkStatus();
}

absl::StatusOr<void*> TargetGpuApi::CreateEvent() {
  BRAID_GPU_RETURN_IF_ERROR(SetDevice(ordinal_));
  Event e{};
  BRAID_GPU_RETURN_IF_ERROR(EventCreate(&e));
  return static_cast<void*>(e);
}

void TargetGpuApi::DestroyEvent(void* event) {
  (void)SetDevice(ordinal_);
  (void)EventDestroy(AsEvent(event));
}

absl::Status TargetGpuApi::RecordEvent(void* event, void* stream) {
  BRAID_GPU_RETURN_IF_ERROR(EventRecord(AsEvent(event), AsStream(stream)));
  return absl::OkStatus();
}

absl::StatusOr<float> TargetGpuApi::ElapsedMs(void* start, void* stop) {
  BRAID_GPU_RETURN_IF_ERROR(EventSynchronize(AsEvent(stop)));
  float ms = 0.0f;
  BRAID_GPU_RETURN_IF_ERROR(EventElapsedMs(&ms, AsEvent(start), AsEvent(stop)));
  return ms;
}

absl::Status TargetGpuApi::CopyHostToDevice(void* dst, const void* src, size_t bytes, void* stream) {
  BRAID_GPU_RETURN_IF_ERROR(MemcpyHtoDAsync(dst, src, bytes, AsStream(stream)));
  return absl::OkStatus();
}

absl::Status TargetGpuApi::CopyDeviceToHost(void* dst, const void* src, size_t bytes, void* stream) {
  BRAID_GPU_RETURN_IF_ERROR(MemcpyDtoHAsync(dst, src, bytes, AsStream(stream)));
  return absl::OkStatus();
}

absl::Status TargetGpuApi::CopyDeviceToDevice(void* dst, const void* src, size_t bytes, void* stream) {
  BRAID_GPU_RETURN_IF_ERROR(MemcpyDtoDAsync(dst, src, bytes, AsStream(stream)));
  return absl::OkStatus();
}

absl::Status TargetGpuApi::Memset(void* dst, int value, size_t bytes, void* stream) {
  BRAID_GPU_RETURN_IF_ERROR(MemsetAsync(dst, value, bytes, AsStream(stream)));
  return absl::OkStatus();
}

absl::Status TargetGpuApi::LaunchStatus(int code, const char* kernel, const char* file, int line) const {
  return ToStatus(static_cast<Error>(code), absl::StrCat("launching kernel '", kernel, "' on ", info_.name).c_str(),
                  file, line);
}

}  // namespace braid::backends::gpu::BRAID_GPU_TARGET_NS
