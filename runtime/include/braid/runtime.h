// The public C++ API: Runtime -> Model -> Session.
//
//   auto runtime = braid::Runtime::Create().value();
//   auto model = runtime->LoadModel("resnet.onnx").value();
//   auto session = runtime->CreateSession(*model, {.devices = {"emu-amd", "cpu"}}).value();
//   auto outputs = session->Run({{"input", input_tensor}});
//
// Lifetimes: a Runtime must outlive its Models and Sessions; a Session keeps
// what it needs of its Model, so the Model may be destroyed first.
// Thread-safety: Runtime and Model are safe to share; Session::Run and
// RunAsync may be called concurrently from many threads.
#ifndef BRAID_RUNTIME_H_
#define BRAID_RUNTIME_H_

#include <cstdint>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "braid/backend.h"
#include "braid/tensor.h"
#include "braid/value.h"

namespace braid {

namespace graph {
class Graph;
struct ValueType;
}  // namespace graph

using NamedValues = std::vector<std::pair<std::string, Value>>;

struct RuntimeOptions {
  // Where backend modules (libbraid_hip.so, libbraid_cuda.so) are looked
  // for; empty = $BRAID_MODULE_PATH, else the folder of the braid library.
  std::string module_dir;
  bool load_vendor_modules = true;
  // Offer the CPU-emulated GPUs emu-amd (wave64) and emu-nvidia (wave32).
  bool enable_emulated_devices = true;
};

// One backend as the runtime sees it, for `braid devices`.
struct BackendReport {
  std::string name;
  BackendAvailability availability;
  std::vector<DeviceInfo> devices;
};

// A model input or output as declared by the model.
struct IoInfo {
  std::string name;
  std::string type;      // e.g. "float32[batch,3,224,224]"
  DataType dtype = DataType::kUndefined;
  std::vector<int64_t> dims;  // -1 for symbolic/unknown dims; empty + rank_known=false if rank unknown
  bool rank_known = false;
  bool has_default = false;   // an input the caller may omit
};

class Model {
 public:
  virtual ~Model() = default;
  // The imported IR (immutable).
  virtual const graph::Graph& graph() const = 0;
  virtual const std::vector<IoInfo>& inputs() const = 0;
  virtual const std::vector<IoInfo>& outputs() const = 0;
  // Producer, IR version, metadata properties as "key" -> "value".
  virtual const std::map<std::string, std::string>& metadata() const = 0;
};

struct SessionOptions {
  // Devices in order of preference; every node goes to the first that
  // claims it, the CPU takes the rest. Empty = {"cpu"}.
  std::vector<std::string> devices;
  int intra_op_threads = 0;  // 0 = all hardware threads
  bool optimize = true;      // constant folding, fusions, dead-code elimination
  // Pins: nodes whose name matches `node_regex` (ECMAScript, full match)
  // go to `device` when it claims them; first matching pin wins. Pinned
  // devices are opened like preferred ones. E.g. {"layer[0-5]/.*", "hip:0"},
  // {"layer([6-9]|1[01])/.*", "cuda:0"} splits a model across vendors.
  struct Pin {
    std::string node_regex;
    std::string device;
  };
  std::vector<Pin> pins;
};

// Where each node runs and what crosses device boundaries.
struct PlacementReport {
  struct NodePlacement {
    std::string node;
    std::string op_type;
    std::string device;
    std::string reason;  // why it is not on the preferred device, if so
  };
  std::vector<NodePlacement> nodes;
  int64_t boundary_copies = 0;  // tensors copied between devices per run
  int64_t boundary_bytes = 0;   // their total bytes, where shapes are static
  int partitions = 0;
};

struct RunStats {
  double wall_ms = 0;
  int64_t peak_memory_bytes = 0;  // intermediate buffers of the run
  // Where planned (CPU): the busiest step's live bytes, a lower bound for
  // peak_memory_bytes, and what the intermediates would take without reuse.
  int64_t peak_live_bytes = 0;
  int64_t unshared_intermediate_bytes = 0;
  int64_t copies = 0;             // cross-device copies made
  int64_t copy_bytes = 0;
};

struct RunOptions {
  const std::atomic<bool>* cancelled = nullptr;
  RunStats* stats = nullptr;  // filled when non-null
};

class Session {
 public:
  virtual ~Session() = default;
  // Runs the model. Inputs by name; omitted inputs with defaults use them.
  // Returns the graph outputs in declaration order, named. Errors name the
  // offending input (missing, unknown, wrong dtype or rank or shape).
  virtual absl::StatusOr<NamedValues> Run(const NamedValues& inputs, const RunOptions& options = {}) = 0;
  // Same, on a runtime worker thread.
  virtual std::future<absl::StatusOr<NamedValues>> RunAsync(NamedValues inputs, RunOptions options = {}) = 0;

  virtual const std::vector<IoInfo>& inputs() const = 0;
  virtual const std::vector<IoInfo>& outputs() const = 0;
  virtual const PlacementReport& placement() const = 0;
  // Floating-point operations and bytes moved per run, estimated from the
  // graph's static shapes (0 where shapes are unknown); for cost models.
  virtual double EstimatedFlops() const = 0;
  virtual double EstimatedBytes() const = 0;
  // The graph this session runs (after optimization) as text, preceded by
  // a one-line summary of what the optimizer changed.
  virtual std::string DescribeGraph() const = 0;
};

class Runtime {
 public:
  // Creates a runtime with the built-in CPU backend, the emulated GPUs, and
  // the vendor modules that load. A module that fails to load is reported
  // as an unavailable backend, never an error here.
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(const RuntimeOptions& options = {});
  virtual ~Runtime() = default;

  // Adds a backend (embedding hosts, tests). Its devices join Devices().
  virtual absl::Status RegisterBackend(std::unique_ptr<Backend> backend) = 0;

  virtual std::vector<BackendReport> Backends() const = 0;
  // Opened, usable devices.
  virtual std::vector<Device*> Devices() const = 0;
  virtual Device* FindDevice(std::string_view name) const = 0;

  virtual absl::StatusOr<std::unique_ptr<Model>> LoadModel(const std::filesystem::path& path) = 0;
  virtual absl::StatusOr<std::unique_ptr<Model>> LoadModelFromBytes(std::string_view bytes) = 0;
  virtual absl::StatusOr<std::unique_ptr<Session>> CreateSession(const Model& model,
                                                                 const SessionOptions& options = {}) = 0;
};

}  // namespace braid

#endif  // BRAID_RUNTIME_H_
