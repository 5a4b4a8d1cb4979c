// Helpers shared by the op lowerings: node inspection at compile time
// (types, constant inputs, attributes) and shape arithmetic at run time.
#ifndef BRAID_BACKENDS_GPU_EXEC_OP_UTIL_H_
#define BRAID_BACKENDS_GPU_EXEC_OP_UTIL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "backends/gpu/kernels/kernel_args.h"
#include "braid/tensor.h"
#include "graph/graph.h"

namespace braid::backends::gpu {

// ---------------------------------------------------------------- types
// float32, float16 or bfloat16: the storage types float kernels take.
bool IsGpuFloat(DataType t);
// Types data-movement kernels can move (1, 2, 4 or 8-byte elements).
bool IsMovable(DataType t);
// Types the elementwise program can load and store.
bool IsElementwiseLoadable(DataType t);
kernels::ElemType ToElemType(DataType t);

// Element type of input/output i, or kUndefined when absent or not a tensor.
DataType InputType(const graph::Node& node, size_t i);
DataType OutputType(const graph::Node& node, size_t i);
// Static rank of input i, or -1 when unknown.
int64_t InputRank(const graph::Node& node, size_t i);
bool HasInput(const graph::Node& node, size_t i);
// Number of outputs that are present and used (or graph outputs).
bool OutputUsed(const graph::Node& node, size_t i);

// "node 'n' (Op): message" as an error of the given code.
absl::Status NodeError(const graph::Node& node, const std::string& message);
absl::Status Unsupported(const graph::Node& node, const std::string& message);

// ---------------------------------------------------------------- constants
// The host tensor of a constant (initializer) input, or null.
const Tensor* ConstantInput(const graph::Node& node, size_t i);
// Integer values of a constant int32/int64 input.
absl::StatusOr<std::vector<int64_t>> ConstantInts(const graph::Node& node, size_t i);
// A constant scalar (or one-element) input converted to float.
std::optional<float> ConstantScalar(const graph::Node& node, size_t i);

// ---------------------------------------------------------------- shapes
std::vector<int64_t> DenseStrides(const Shape& shape);
// Numpy broadcast of two shapes, or InvalidArgument naming both.
absl::StatusOr<Shape> BroadcastShapes(const Shape& a, const Shape& b);
// Element strides of `in` viewed as `out` (right-aligned; 0 on broadcast dims).
std::vector<int64_t> BroadcastStrides(const Shape& in, const Shape& out);
// Axis in [-rank, rank) -> [0, rank), else InvalidArgument.
absl::StatusOr<int64_t> NormalizeAxis(int64_t axis, int64_t rank, const graph::Node& node);
int64_t Product(const Shape& shape, size_t begin, size_t end);

// Merges adjacent dims that are contiguous in both the source and the
// destination layout, to shorten index arithmetic in copy kernels.
void CoalesceDims(std::vector<int64_t>& dims, std::vector<int64_t>& src_strides, std::vector<int64_t>& dst_strides);

// Capability check: input i has a type data-movement kernels can move.
absl::Status RequireMovable(const graph::Node& node, size_t input);
// Element size and element-offset pointers of a (device) tensor.
inline int ElemBytes(const Tensor& t) { return static_cast<int>(DataTypeSize(t.dtype())); }
inline const char* ElemPtr(const Tensor& t, int64_t offset) {
  return static_cast<const char*>(t.raw_data()) + offset * static_cast<int64_t>(DataTypeSize(t.dtype()));
}
inline char* ElemPtr(Tensor& t, int64_t offset) {
  return static_cast<char*>(t.raw_data()) + offset * static_cast<int64_t>(DataTypeSize(t.dtype()));
}

// Checks a run-time input's rank; InvalidArgument naming the step otherwise.
absl::Status CheckRank(const Tensor& t, int64_t min_rank, int64_t max_rank, const std::string& what,
                       const std::string& step);

}  // namespace braid::backends::gpu

#endif  // BRAID_BACKENDS_GPU_EXEC_OP_UTIL_H_
