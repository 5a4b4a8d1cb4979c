#include "graph/onnx/external_data.h"

#include <algorithm>
#include <fstream>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace braid::graph::onnx_import {

namespace fs = std::filesystem;

absl::StatusOr<fs::path> ResolveExternalDataPath(const fs::path& base_dir, const std::string& location,
                                                 const std::string& tensor_name) {
  auto refuse = [&](const std::string& why) {
    return absl::InvalidArgumentError(
        absl::StrCat("external data of tensor '", tensor_name, "': location '", location, "' refused: ", why));
  };
  if (location.empty()) return refuse("empty path");
  if (location.find('\0') != std::string::npos) return refuse("contains a NUL byte");
  fs::path rel(location);
  if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory()) {
    return refuse("absolute paths are not allowed; locations are relative to the model's folder");
  }
  for (const fs::path& part : rel) {
    if (part == "..") return refuse("'..' components are not allowed");
  }
  std::error_code ec;
  fs::path base = fs::weakly_canonical(base_dir, ec);
  if (ec) return refuse(absl::StrCat("model folder cannot be resolved: ", ec.message()));
  fs::path full = fs::weakly_canonical(base / rel, ec);
  if (ec) return refuse(absl::StrCat("cannot be resolved: ", ec.message()));
  // A symbolic link inside the folder may still point outside it.
  auto [base_end, full_it] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
  if (base_end != base.end()) return refuse("resolves outside the model's folder");
  if (!fs::is_regular_file(full, ec)) return refuse("no such file");
  return full;
}

absl::StatusOr<std::string> ReadExternalData(const fs::path& file, int64_t offset, std::optional<int64_t> length,
                                             const std::string& tensor_name) {
  std::error_code ec;
  uintmax_t size = fs::file_size(file, ec);
  if (ec) {
    return absl::NotFoundError(absl::StrCat("external data of tensor '", tensor_name, "': ", file.string(), ": ",
                                            ec.message()));
  }
  if (offset < 0 || (length && *length < 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("external data of tensor '", tensor_name, "': negative offset or length"));
  }
  int64_t available = static_cast<int64_t>(size) - offset;
  int64_t want = length.value_or(available);
  if (available < 0 || want > available) {
    return absl::InvalidArgumentError(absl::StrCat("external data of tensor '", tensor_name, "': file ",
                                                   file.filename().string(), " has ", size, " bytes, but offset ",
                                                   offset, " + length ", want, " reaches past its end"));
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", file.string()));
  std::string bytes(static_cast<size_t>(want), '\0');
  in.seekg(offset);
  in.read(bytes.data(), want);
  if (!in) return absl::DataLossError(absl::StrCat("short read from ", file.string()));
  return bytes;
}

}  // namespace braid::graph::onnx_import
