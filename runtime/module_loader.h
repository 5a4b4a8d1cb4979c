// Loading vendor backend modules (libbraid_hip.so, libbraid_cuda.so) at run
// time. Each module is opened with RTLD_LOCAL and exports only the
// kBackendEntryPoint symbol, so modules built against different vendor
// runtimes coexist in one process.
#ifndef BRAID_RUNTIME_MODULE_LOADER_H_
#define BRAID_RUNTIME_MODULE_LOADER_H_

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "braid/backend.h"

namespace braid::runtime {

// Opens `path` and creates its backend. The returned Backend keeps the
// module loaded for its lifetime. Errors (missing file, missing symbol, ABI
// mismatch, a module that refuses) come back as a status with the reason.
absl::StatusOr<std::unique_ptr<Backend>> LoadBackendModule(const std::filesystem::path& path);

// The folder modules are looked for in: `configured` if non-empty, else
// $BRAID_MODULE_PATH, else the folder holding the braid_runtime library.
std::filesystem::path ModuleDirectory(const std::string& configured);

}  // namespace braid::runtime

#endif  // BRAID_RUNTIME_MODULE_LOADER_H_
