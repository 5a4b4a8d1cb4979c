// The backend plug-in interface (for backend authors; embedders use runtime.h).
//
//   Backend  — one per kind of device (cpu, emu, hip, cuda): is it available,
//              which devices does it have, open one.
//   Device   — an opened device: capability claims, compile, memory, copies.
//   Executable — a subgraph compiled for one device, run many times.
//
// Vendor backends live in loadable modules (libbraid_hip.so, ...) exporting
// one C symbol, kBackendEntryPoint, with every other symbol hidden, so HIP
// and CUDA load side by side into one process. The CPU backend is built in.
// Registration is explicit: the Runtime asks each module for its backend.
#ifndef BRAID_BACKEND_H_
#define BRAID_BACKEND_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "braid/tensor.h"
#include "braid/value.h"

namespace braid {

namespace graph {
class Graph;
class Node;
}  // namespace graph

// Static facts about a device, for listings, placement and cost models.
// Rates are datasheet-style estimates, labelled as such where they show.
struct DeviceInfo {
  std::string name;         // unique in a Runtime: "cpu", "emu-amd", "hip:0", "cuda:1"
  std::string backend;      // "cpu", "emu", "hip", "cuda"
  std::string vendor;       // "host", "amd", "nvidia"
  bool emulated = false;    // a CPU emulation of a GPU, never a real one
  std::string description;  // human-readable model name
  std::string arch;         // "x86_64", "gfx90a", "sm_90"
  int warp_size = 1;        // threads per warp/wavefront (1 on the host)
  int compute_units = 0;    // cores / CUs / SMs
  int64_t memory_bytes = 0;
  double peak_gflops = 0;            // float32 estimate
  double memory_bandwidth_gbps = 0;  // estimate
  double launch_overhead_us = 0;     // per kernel launch, estimate
};

// Whether a backend can be used here, and why not.
struct BackendAvailability {
  bool available = false;
  std::string reason;  // empty when available
};

// Per-run context handed to executables.
struct RunContext {
  // Set by the caller to ask a long run to stop early (Cancelled status).
  const std::atomic<bool>* cancelled = nullptr;
};

// Options for compiling a subgraph.
struct CompileOptions {
  int intra_op_threads = 0;  // 0 = all hardware threads
};

class Executable {
 public:
  virtual ~Executable() = default;
  // Runs the compiled subgraph once. `inputs` follow the subgraph's input
  // order and reside on this executable's device; on success `outputs`
  // holds one Value per subgraph output, resident on the same device, and
  // the work is complete. Thread-safe: concurrent Run calls are allowed.
  virtual absl::Status Run(std::span<const Value> inputs, std::vector<Value>& outputs,
                           const RunContext& context) const = 0;
  // Bytes of intermediate memory the most recent run used at its peak (0
  // when not tracked). Approximate under concurrent runs.
  virtual int64_t PeakMemoryBytes() const { return 0; }
  // For executables that plan their memory (0 otherwise), of the most
  // recent run: the bytes live at its busiest step (a lower bound for any
  // plan) and the bytes all its intermediates would take without reuse.
  virtual int64_t PeakLiveBytes() const { return 0; }
  virtual int64_t UnsharedIntermediateBytes() const { return 0; }
};

class Device {
 public:
  virtual ~Device() = default;
  virtual const DeviceInfo& info() const = 0;

  // Capability claim: OK when this device can run `node` with its inferred
  // types and attributes, else a status saying why not (shown by
  // `braid inspect --placement`). Must be cheap and side-effect free.
  virtual absl::Status CanRun(const graph::Node& node) const = 0;

  // Compiles a subgraph whose nodes this device claimed. The subgraph's
  // inputs and outputs are the partition boundary. A failure sends the
  // nodes to the CPU fallback; it never aborts. The executable may keep
  // pointers into `subgraph`, which the caller keeps alive and unchanged.
  virtual absl::StatusOr<std::unique_ptr<Executable>> Compile(const graph::Graph& subgraph,
                                                              const CompileOptions& options) = 0;

  // Moves a host tensor onto this device / a device tensor to the host.
  // Host devices return the tensor itself.
  virtual absl::StatusOr<Tensor> CopyFromHost(const Tensor& host) = 0;
  virtual absl::StatusOr<Tensor> CopyToHost(const Tensor& on_device) = 0;

  bool is_host() const { return info().backend == "cpu"; }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  virtual BackendAvailability availability() const = 0;
  // Devices this backend would open (empty when unavailable).
  virtual std::vector<DeviceInfo> ListDevices() const = 0;
  // Opens device `ordinal` of ListDevices(). The Runtime owns the result.
  virtual absl::StatusOr<std::unique_ptr<Device>> OpenDevice(int ordinal) = 0;
};

// Backend modules export `extern "C" braid::Backend* BraidCreateBackend(int abi)`
// returning a new Backend (ownership passes to the caller) or null when `abi`
// differs from the module's kBackendAbiVersion.
inline constexpr int kBackendAbiVersion = 1;
inline constexpr const char* kBackendEntryPoint = "BraidCreateBackend";
using CreateBackendFn = Backend* (*)(int abi_version);

}  // namespace braid

#endif  // BRAID_BACKEND_H_
