// The op families whose schemas DefaultOpSchemas() registers; one
// function per file of graph/inference/.
#ifndef BRAID_GRAPH_INFERENCE_REGISTER_H_
#define BRAID_GRAPH_INFERENCE_REGISTER_H_

#include "graph/op_schema.h"

namespace braid::graph::inference {

// Unary/binary/variadic element-wise ops, comparisons, logical ops, Cast,
// CastLike, Where, Identity, Dropout, the Relu family, Clip.
void RegisterElementwiseSchemas(OpSchemaRegistry& registry);
// MatMul, Gemm, Softmax family, Reduce*, ArgMax/ArgMin, TopK, CumSum.
void RegisterMathSchemas(OpSchemaRegistry& registry);
// Conv, ConvTranspose, pools, global pools, normalizations.
void RegisterNnSchemas(OpSchemaRegistry& registry);
// Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Shape, Size, Expand,
// ConstantOfShape, Range, DepthToSpace/SpaceToDepth.
void RegisterShapeSchemas(OpSchemaRegistry& registry);
// Concat, Split, Slice, Gather, Pad, Tile, Resize/Upsample, If, NonZero.
void RegisterDataSchemas(OpSchemaRegistry& registry);
// com.braid FusedConv, FusedGemm, FusedMatMul.
void RegisterFusedSchemas(OpSchemaRegistry& registry);

// Inference of the ops the fused ops extend (shared with fused.cc).
absl::Status InferMatMul(InferenceContext& ctx);
absl::Status InferGemm(InferenceContext& ctx);
absl::Status InferConv(InferenceContext& ctx);

}  // namespace braid::graph::inference

#endif  // BRAID_GRAPH_INFERENCE_REGISTER_H_
