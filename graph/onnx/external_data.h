// Safe resolution of ONNX external-data locations.
//
// A tensor's `location` is a path relative to the model's folder. Braid
// refuses absolute paths, any ".." component, and paths that leave the
// model's folder through symbolic links, so a hostile model cannot read
// arbitrary files.
#ifndef BRAID_GRAPH_ONNX_EXTERNAL_DATA_H_
#define BRAID_GRAPH_ONNX_EXTERNAL_DATA_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace braid::graph::onnx_import {

// Returns the file a `location` names inside `base_dir`, or InvalidArgument
// explaining why the location is refused. `tensor_name` is for messages.
absl::StatusOr<std::filesystem::path> ResolveExternalDataPath(const std::filesystem::path& base_dir,
                                                              const std::string& location,
                                                              const std::string& tensor_name);

// Reads `length` bytes (or to the end of file when absent) at `offset`.
// Fails with a clear message when the file is shorter than requested.
absl::StatusOr<std::string> ReadExternalData(const std::filesystem::path& file, int64_t offset,
                                             std::optional<int64_t> length, const std::string& tensor_name);

}  // namespace braid::graph::onnx_import

#endif  // BRAID_GRAPH_ONNX_EXTERNAL_DATA_H_
