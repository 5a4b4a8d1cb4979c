#include <algorithm>
#include <map>
#include <regex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "backends/cpu/cpu_device.h"
#include "backends/cpu/kernel_registry.h"
#include "braid/runtime.h"
#include "braid/status_macros.h"
#include "graph/clone.h"
#include "graph/onnx/importer.h"
#include "graph/validate.h"
#include "runtime/model_impl.h"
#include "runtime/module_loader.h"
#include "runtime/optimizer.h"
#include "runtime/session_impl.h"
#include "runtime/worker_pool.h"

namespace braid {
namespace runtime {
namespace {

// Vendor modules the runtime looks for, with how to build each.
struct ModuleSpec {
  const char* backend;
  const char* file;
  const char* build_flag;
};
constexpr ModuleSpec kVendorModules[] = {
    {"hip", "libbraid_hip.so", "the HIP toolchain (clang-15, libamdhip64-dev) and -DBRAID_ENABLE_HIP=AUTO or ON"},
    {"cuda", "libbraid_cuda.so", "nvcc and -DBRAID_ENABLE_CUDA=AUTO or ON"},
};

// A backend that could not even be loaded: listed, never usable.
class MissingBackend : public Backend {
 public:
  MissingBackend(std::string name, std::string reason) : name_(std::move(name)), reason_(std::move(reason)) {}
  std::string name() const override { return name_; }
  BackendAvailability availability() const override { return {false, reason_}; }
  std::vector<DeviceInfo> ListDevices() const override { return {}; }
  absl::StatusOr<std::unique_ptr<Device>> OpenDevice(int) override { return absl::UnavailableError(reason_); }

 private:
  std::string name_;
  std::string reason_;
};

class RuntimeImpl : public Runtime {
 public:
  explicit RuntimeImpl(const RuntimeOptions& options)
      : options_(options), workers_(std::max(2u, std::thread::hardware_concurrency())) {}

  absl::Status RegisterBackend(std::unique_ptr<Backend> backend) override {
    Entry entry;
    entry.report.name = backend->name();
    entry.report.availability = backend->availability();
    if (entry.report.availability.available) {
      std::vector<DeviceInfo> infos = backend->ListDevices();
      for (size_t i = 0; i < infos.size(); ++i) {
        absl::StatusOr<std::unique_ptr<Device>> device = backend->OpenDevice(static_cast<int>(i));
        if (!device.ok()) {
          entry.open_errors.push_back(absl::StrCat(infos[i].name, ": ", device.status().message()));
          continue;
        }
        if (FindDevice((*device)->info().name) != nullptr) {
          return absl::AlreadyExistsError(absl::StrCat("a device named '", (*device)->info().name, "' exists"));
        }
        entry.report.devices.push_back((*device)->info());
        entry.devices.push_back(*std::move(device));
      }
      if (entry.devices.empty() && !infos.empty()) {
        entry.report.availability = {false, absl::StrJoin(entry.open_errors, "; ")};
      }
    }
    entry.backend = std::move(backend);
    entries_.push_back(std::move(entry));
    return absl::OkStatus();
  }

  std::vector<BackendReport> Backends() const override {
    std::vector<BackendReport> out;
    for (const Entry& e : entries_) out.push_back(e.report);
    return out;
  }

  std::vector<Device*> Devices() const override {
    std::vector<Device*> out;
    for (const Entry& e : entries_) {
      for (const auto& d : e.devices) out.push_back(d.get());
    }
    return out;
  }

  Device* FindDevice(std::string_view name) const override {
    for (const Entry& e : entries_) {
      for (const auto& d : e.devices) {
        if (d->info().name == name) return d.get();
      }
    }
    return nullptr;
  }

  absl::StatusOr<std::unique_ptr<Model>> LoadModel(const std::filesystem::path& path) override {
    BRAID_ASSIGN_OR_RETURN(graph::onnx_import::ImportedModel imported,
                           graph::onnx_import::ImportModelFile(path, ImportOptions()));
    return MakeModel(std::move(imported));
  }

  absl::StatusOr<std::unique_ptr<Model>> LoadModelFromBytes(std::string_view bytes) override {
    BRAID_ASSIGN_OR_RETURN(graph::onnx_import::ImportedModel imported,
                           graph::onnx_import::ImportModelBytes(bytes, std::nullopt, ImportOptions()));
    return MakeModel(std::move(imported));
  }

  absl::StatusOr<std::unique_ptr<Session>> CreateSession(const Model& model, const SessionOptions& options) override {
    BRAID_ASSIGN_OR_RETURN(std::vector<Device*> devices, ResolveDevices(options.devices));
    std::vector<DevicePin> pins;
    for (const SessionOptions::Pin& pin : options.pins) {
      BRAID_ASSIGN_OR_RETURN(std::vector<Device*> resolved, ResolveDevices({pin.device}));
      Device* target = resolved.front();  // the CPU itself when the pin names "cpu"
      try {
        pins.push_back({std::regex(pin.node_regex), target});
      } catch (const std::regex_error& e) {
        return absl::InvalidArgumentError(absl::StrCat("pin '", pin.node_regex, "' is not a valid regex: ", e.what()));
      }
      // A pinned device also serves as a fallback candidate for the nodes it claims.
      if (std::find(devices.begin(), devices.end(), target) == devices.end()) devices.insert(devices.end() - 1, target);
    }
    BRAID_ASSIGN_OR_RETURN(std::unique_ptr<graph::Graph> graph, graph::CloneGraph(model.graph()));
    OptimizationStats stats;
    if (options.optimize) BRAID_RETURN_IF_ERROR(OptimizeGraph(*graph, *devices.back(), devices, &stats));
    BRAID_ASSIGN_OR_RETURN(std::unique_ptr<SessionImpl> session,
                           SessionImpl::Create(std::move(graph), devices, std::move(pins), options, workers_,
                                               [this](const std::string& name) { return FindDevice(name); }));
    if (options.optimize) session->set_optimization_summary(stats.ToString());
    return std::unique_ptr<Session>(std::move(session));
  }

  const RuntimeOptions& options() const { return options_; }

 private:
  struct Entry {
    std::unique_ptr<Backend> backend;
    BackendReport report;
    std::vector<std::unique_ptr<Device>> devices;
    std::vector<std::string> open_errors;
  };

  static graph::onnx_import::ImportOptions ImportOptions() {
    graph::onnx_import::ImportOptions opts;
    // The CPU is the universal fallback: an op it runs natively stays an op;
    // function ops it lacks are expanded into their ONNX definitions.
    opts.has_kernel = [](const std::string& domain, const std::string& op, int opset) {
      return backends::cpu::CpuKernelRegistry().HasKernel(domain, op, opset);
    };
    return opts;
  }

  static absl::StatusOr<std::unique_ptr<Model>> MakeModel(graph::onnx_import::ImportedModel imported) {
    BRAID_RETURN_IF_ERROR(graph::ValidateGraph(*imported.graph));
    std::map<std::string, std::string> metadata = imported.metadata.properties;
    metadata["producer"] = absl::StrCat(imported.metadata.producer_name, " ", imported.metadata.producer_version);
    metadata["ir_version"] = absl::StrCat(imported.metadata.ir_version);
    std::shared_ptr<const graph::Graph> graph(std::move(imported.graph));
    return std::unique_ptr<Model>(std::make_unique<ModelImpl>(std::move(graph), std::move(metadata)));
  }

  // Preference list ending with the CPU; names after "cpu" could never win.
  absl::StatusOr<std::vector<Device*>> ResolveDevices(const std::vector<std::string>& names) const {
    std::vector<Device*> out;
    Device* cpu = FindDevice("cpu");
    if (cpu == nullptr) return absl::InternalError("the CPU device is missing");
    for (const std::string& name : names) {
      if (name == "cpu") break;
      Device* d = FindDevice(name);
      if (d == nullptr) {
        std::vector<std::string> known;
        for (Device* dev : Devices()) known.push_back(dev->info().name);
        std::string unusable;
        for (const Entry& e : entries_) {
          if (!e.report.availability.available) {
            absl::StrAppend(&unusable, " (", e.report.name, " is unavailable: ", e.report.availability.reason, ")");
          }
        }
        return absl::NotFoundError(absl::StrCat("no device '", name, "'; available: ", absl::StrJoin(known, ", "),
                                                unusable));
      }
      if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
    }
    out.push_back(cpu);
    return out;
  }

  RuntimeOptions options_;
  std::vector<Entry> entries_;
  WorkerPool workers_;
};

}  // namespace
}  // namespace runtime

// Defined in runtime/builtin_backends.cc: the backends compiled into this build.
namespace runtime {
std::vector<std::unique_ptr<Backend>> BuiltinBackends(const RuntimeOptions& options);
}

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(const RuntimeOptions& options) {
  auto rt = std::make_unique<runtime::RuntimeImpl>(options);
  for (std::unique_ptr<Backend>& backend : runtime::BuiltinBackends(options)) {
    BRAID_RETURN_IF_ERROR(rt->RegisterBackend(std::move(backend)));
  }
  if (options.load_vendor_modules) {
    std::filesystem::path dir = runtime::ModuleDirectory(options.module_dir);
    for (const runtime::ModuleSpec& spec : runtime::kVendorModules) {
      absl::StatusOr<std::unique_ptr<Backend>> backend = runtime::LoadBackendModule(dir / spec.file);
      if (backend.ok()) {
        BRAID_RETURN_IF_ERROR(rt->RegisterBackend(*std::move(backend)));
      } else {
        std::string reason(backend.status().message());
        if (backend.status().code() == absl::StatusCode::kNotFound) {
          absl::StrAppend(&reason, " (building it needs ", spec.build_flag, ")");
        }
        BRAID_RETURN_IF_ERROR(rt->RegisterBackend(std::make_unique<runtime::MissingBackend>(spec.backend, reason)));
      }
    }
  }
  return std::unique_ptr<Runtime>(std::move(rt));
}

}  // namespace braid
