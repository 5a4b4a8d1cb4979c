// Building blocks shared by the per-family inference functions: schema
// shorthands, symbolic broadcasting, element-type checks, axes and dim
// arithmetic. Stateless; thread-safe.
#ifndef BRAID_GRAPH_INFERENCE_INFERENCE_UTIL_H_
#define BRAID_GRAPH_INFERENCE_INFERENCE_UTIL_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "graph/op_schema.h"

namespace braid::graph::inference {

// An OpSchema of the default domain (or `domain`).
OpSchema MakeSchema(std::string op_type, int since, int min_in, int max_in, int min_out, int max_out, InferenceFn fn,
                    std::string domain = "");

// A tensor type with an optional shape.
ValueType TensorType(DataType dtype, std::optional<SymbolicShape> shape);

// Broadcast of two dims (numpy rules on symbols: equal dims match, a known 1
// yields the other, a known non-1 dim wins over a symbol). Returns false on
// two different known dims (neither 1).
bool BroadcastDim(const Dim& a, const Dim& b, Dim& out);

// Multidirectional broadcast of the shapes of `inputs` (absent inputs are
// skipped). nullopt when some rank is unknown; an error naming the values
// when two known dims clash.
absl::StatusOr<std::optional<SymbolicShape>> BroadcastInputs(const InferenceContext& ctx,
                                                             std::initializer_list<int> inputs);
// Broadcast of two explicit shapes; `what` names them in the error.
absl::StatusOr<SymbolicShape> BroadcastShapes(const InferenceContext& ctx, const SymbolicShape& a,
                                              const SymbolicShape& b, const std::string& what);

// Error when two of `inputs` have different known element types; returns
// the first known element type (kUndefined when none is known).
absl::StatusOr<DataType> SameElemType(const InferenceContext& ctx, std::initializer_list<int> inputs);

// `axis` in [-rank, rank) made non-negative, or an error naming the node.
absl::StatusOr<int64_t> NormalizeAxis(const InferenceContext& ctx, int64_t axis, int64_t rank,
                                      const char* what = "axis");
// Normalized, sorted, duplicate-free axes, or an error.
absl::StatusOr<std::vector<int64_t>> NormalizeAxes(const InferenceContext& ctx, std::vector<int64_t> axes,
                                                   int64_t rank);

// Product of dims: known when all are known; a lone symbol times known 1s
// stays that symbol; otherwise unknown.
Dim DimProduct(std::span<const Dim> dims);
// a + k, a * k (k known); unknown unless a is known (a symbol with k = 0
// for Add / k = 1 for Mul is kept).
Dim DimAdd(const Dim& a, int64_t k);
Dim DimMul(const Dim& a, int64_t k);
// The dims merged position-wise (prefer known, then symbolic).
Dim MergeDim(const Dim& a, const Dim& b);

// Output o takes input i's type.
void CopyInputType(InferenceContext& ctx, int input, int output);

// Integer attribute list or the values of a constant/propagated input,
// depending on opset: inputs from `input_since` on, the attribute before.
// `known` is false when the source is absent (`absent` set) or not constant.
struct IntsSource {
  std::vector<int64_t> ints;
  bool known = false;
  bool absent = false;
};
absl::StatusOr<IntsSource> IntsFromAttrOrInput(const InferenceContext& ctx, const char* attr, int input,
                                               int input_since);

}  // namespace braid::graph::inference

#endif  // BRAID_GRAPH_INFERENCE_INFERENCE_UTIL_H_
