#include "runtime/module_loader.h"

#include <dlfcn.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace braid::runtime {
namespace {

// Owns a module's backend and keeps the module mapped until it is gone.
class ModuleBackend : public Backend {
 public:
  ModuleBackend(void* handle, std::unique_ptr<Backend> inner) : handle_(handle), inner_(std::move(inner)) {}
  ~ModuleBackend() override {
    inner_.reset();
    // Modules stay mapped: device drivers may keep threads or atexit hooks
    // that point into them, so unloading is not safe in general.
    (void)handle_;
  }
  std::string name() const override { return inner_->name(); }
  BackendAvailability availability() const override { return inner_->availability(); }
  std::vector<DeviceInfo> ListDevices() const override { return inner_->ListDevices(); }
  absl::StatusOr<std::unique_ptr<Device>> OpenDevice(int ordinal) override { return inner_->OpenDevice(ordinal); }

 private:
  void* handle_;
  std::unique_ptr<Backend> inner_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Backend>> LoadBackendModule(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) {
    return absl::NotFoundError(absl::StrCat("module ", path.filename().string(), " not found in ",
                                            path.parent_path().string()));
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* err = dlerror();
    return absl::UnavailableError(absl::StrCat("cannot load ", path.filename().string(), ": ", err ? err : "?"));
  }
  auto create = reinterpret_cast<CreateBackendFn>(dlsym(handle, kBackendEntryPoint));
  if (create == nullptr) {
    dlclose(handle);
    return absl::UnavailableError(
        absl::StrCat(path.filename().string(), " does not export ", kBackendEntryPoint));
  }
  Backend* backend = create(kBackendAbiVersion);
  if (backend == nullptr) {
    dlclose(handle);
    return absl::UnavailableError(absl::StrCat(path.filename().string(), " refused backend ABI version ",
                                               kBackendAbiVersion));
  }
  return std::unique_ptr<Backend>(std::make_unique<ModuleBackend>(handle, std::unique_ptr<Backend>(backend)));
}

std::filesystem::path ModuleDirectory(const std::string& configured) {
  if (!configured.empty()) return configured;
  if (const char* env = std::getenv("BRAID_MODULE_PATH"); env != nullptr && *env != '\0') return env;
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&ModuleDirectory), &info) != 0 && info.dli_fname != nullptr) {
    return std::filesystem::path(info.dli_fname).parent_path();
  }
  return std::filesystem::current_path();
}

}  // namespace braid::runtime
