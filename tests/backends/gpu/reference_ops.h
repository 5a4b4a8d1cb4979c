// Plain C++ reference implementations (double precision, straightforward
// loops) of the ops the GPU kernels implement, for the op suite.
#ifndef BRAID_TESTS_BACKENDS_GPU_REFERENCE_OPS_H_
#define BRAID_TESTS_BACKENDS_GPU_REFERENCE_OPS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "braid/tensor.h"

namespace braid::backends::gpu::testing {

// A dense host array of doubles.
struct Ref {
  Shape shape;
  std::vector<double> v;
  int64_t size() const { return static_cast<int64_t>(v.size()); }
};

Ref ToRef(const Tensor& t);                 // any numeric or bool tensor
Tensor FromRef(const Ref& r, DataType dtype);  // rounds like a cast
Ref MakeRef(Shape shape, double fill = 0.0);
std::vector<int64_t> Strides(const Shape& shape);
std::vector<int64_t> Unravel(int64_t index, const Shape& shape);

// Numpy-broadcast map over any number of inputs.
Ref Broadcast(const std::vector<const Ref*>& inputs, const std::function<double(const std::vector<double>&)>& fn);
Ref Map(const Ref& x, const std::function<double(double)>& fn);

Ref MatMulRef(const Ref& a, const Ref& b);
Ref GemmRef(const Ref& a, const Ref& b, const Ref* c, double alpha, double beta, bool trans_a, bool trans_b);
// pads: [begin..., end...]; spatial rank 1 to 3.
Ref ConvRef(const Ref& x, const Ref& w, const Ref* bias, const std::vector<int64_t>& strides,
            const std::vector<int64_t>& pads, const std::vector<int64_t>& dilations, int64_t group);
Ref PoolRef(const Ref& x, const std::vector<int64_t>& kernel, const std::vector<int64_t>& strides,
            const std::vector<int64_t>& pads, const std::vector<int64_t>& dilations, bool is_max,
            bool count_include_pad, bool ceil_mode);

// op: "sum", "mean", "max", "min", "prod", "l1", "l2", "sumsquare", "logsum", "logsumexp".
Ref ReduceRef(const Ref& x, std::vector<int64_t> axes, bool keepdims, const std::string& op);
Ref ArgRef(const Ref& x, int64_t axis, bool keepdims, bool is_max, bool select_last);
Ref SoftmaxRef(const Ref& x, int64_t axis, bool log);
Ref LayerNormRef(const Ref& x, const Ref& scale, const Ref* bias, int64_t axis, double eps, Ref* mean,
                 Ref* inv_std);

Ref TransposeRef(const Ref& x, const std::vector<int64_t>& perm);
Ref SliceRef(const Ref& x, const std::vector<int64_t>& starts, const std::vector<int64_t>& ends,
             const std::vector<int64_t>& axes, const std::vector<int64_t>& steps);
Ref ConcatRef(const std::vector<Ref>& xs, int64_t axis);
// mode: "constant", "reflect", "edge", "wrap"; pads [begin..., end...] for every dim.
Ref PadRef(const Ref& x, const std::vector<int64_t>& pads, const std::string& mode, double value);
Ref GatherRef(const Ref& x, const Ref& indices, int64_t axis);
Ref ExpandRef(const Ref& x, const Shape& shape);
Ref TileRef(const Ref& x, const std::vector<int64_t>& repeats);
// ONNX Resize by 1-D interpolation along each dim in turn.
Ref ResizeRef(const Ref& x, const Shape& out_shape, const std::vector<double>& scales, const std::string& mode,
              const std::string& coord, const std::string& nearest_mode, double cubic_a, bool exclude_outside);

}  // namespace braid::backends::gpu::testing

#endif  // BRAID_TESTS_BACKENDS_GPU_REFERENCE_OPS_H_
