// Reading and writing NumPy .npy files (format versions 1-3, C order,
// little-endian numeric and bool dtypes).
#ifndef BRAID_TOOLS_NPY_H_
#define BRAID_TOOLS_NPY_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "braid/tensor.h"

namespace braid::tools {

absl::StatusOr<Tensor> ParseNpy(std::string_view bytes);
absl::StatusOr<std::string> SerializeNpy(const Tensor& tensor);

}  // namespace braid::tools

#endif  // BRAID_TOOLS_NPY_H_
