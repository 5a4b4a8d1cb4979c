// Host-side neutral GPU vocabulary: errors, devices, memory, streams, events.
//
// Everything lives in braid::backends::gpu::BRAID_GPU_TARGET_NS and maps
// one-to-one onto the HIP runtime, the CUDA runtime, or the CPU emulator:
//   Error, kSuccess, ErrorName/ErrorString, GetLastError
//   GetDeviceCount, SetDevice
//   Malloc, Free, MemcpyHtoDAsync, MemcpyDtoHAsync, MemcpyDtoDAsync, MemsetAsync
//   Stream, StreamCreate, StreamDestroy, StreamSynchronize, StreamWaitEvent
//   Event, EventCreate, EventDestroy, EventRecord, EventSynchronize, EventElapsedMs
// Calls have the vendor runtime's semantics (asynchronous copies are ordered
// on their stream; current device is per host thread). This header compiles
// with a plain C++ compiler for every target, so host code that only manages
// memory and streams needs no GPU compiler.
#ifndef BRAID_BACKENDS_GPU_VOCAB_GPU_HOST_H_
#define BRAID_BACKENDS_GPU_VOCAB_GPU_HOST_H_

#include "backends/gpu/vocab/target.h"

#if BRAID_GPU_TARGET_HIP
#include "backends/gpu/vocab/host_hip.h"
#elif BRAID_GPU_TARGET_CUDA
#include "backends/gpu/vocab/host_cuda.h"
#else
#include "backends/gpu/vocab/host_emu.h"
#endif

#endif  // BRAID_BACKENDS_GPU_VOCAB_GPU_HOST_H_
