// Replication: Expand (numpy broadcast to a shape) and Tile (repeat along
// each axis), both as strided copies with zero strides.
#include <vector>

#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/broadcast.h"
#include "backends/cpu/kernels/tensor/strided_copy.h"
#include "backends/cpu/kernels/tensor/tensor_util.h"

namespace braid::backends::cpu {
namespace {

absl::Status Expand(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(const Tensor* in, ctx.RequireTensor(0));
  BRAID_ASSIGN_OR_RETURN(const Tensor* shape_t, ctx.RequireTensor(1));
  if (shape_t->rank() != 1) return ctx.Error(absl::StrCat("shape must be 1-D, got ", ShapeToString(shape_t->shape())));
  BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> shape, ReadInt64s(ctx, *shape_t, "shape"));
  for (int64_t d : shape) {
    if (d < 0) return ctx.Error(absl::StrCat("shape has a negative dim ", d));
  }
  auto out_shape = BroadcastShapes(in->shape(), Shape(shape.begin(), shape.end()));
  if (!out_shape.ok()) {
    return ctx.Error(absl::StrCat("cannot expand ", ShapeToString(in->shape()), " to ", ShapeToString(shape), ": ",
                                  std::string(out_shape.status().message())));
  }
  if (*out_shape == in->shape()) {
    ctx.SetOutput(0, *in);
    return absl::OkStatus();
  }
  std::vector<int64_t> strides = BroadcastStrides(in->shape(), *out_shape);
  BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, in->dtype(), *out_shape));
  if (out->num_elements() == 0) return absl::OkStatus();
  return StridedCopy(ctx, in->dtype(), out->raw_data(), *out_shape, in->raw_data(), strides);
}

// Tile-6+: repeats is an input with one entry per axis. Tile-1: scalar
// inputs `tiles` and `axis`.
class TileKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<TileKernel>();
    k->legacy_ = init.opset() < 6;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* in, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* rep_t, ctx.RequireTensor(1));
    const int64_t r = in->rank();
    std::vector<int64_t> repeats;
    if (legacy_) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* axis_t, ctx.RequireTensor(2));
      BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> tiles, ReadInt64s(ctx, *rep_t, "tiles"));
      BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> axis, ReadInt64s(ctx, *axis_t, "axis"));
      if (tiles.size() != 1 || axis.size() != 1) return ctx.Error("tiles and axis must be scalars");
      BRAID_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(ctx, axis[0], r));
      repeats.assign(r, 1);
      repeats[a] = tiles[0];
    } else {
      BRAID_ASSIGN_OR_RETURN(repeats, ReadInt64s(ctx, *rep_t, "repeats"));
    }
    if (static_cast<int64_t>(repeats.size()) != r) {
      return ctx.Error(absl::StrCat("repeats has ", repeats.size(), " entries but the input has rank ", r));
    }
    Shape out_shape(r), view_shape;
    std::vector<int64_t> strides;
    const std::vector<int64_t> in_strides = ContiguousStrides(in->shape());
    bool identity = true;
    for (int64_t k = 0; k < r; ++k) {
      if (repeats[k] < 0) return ctx.Error(absl::StrCat("repeats must be >= 0, got ", repeats[k], " for axis ", k));
      identity = identity && repeats[k] == 1;
      out_shape[k] = in->dim(k) * repeats[k];
      view_shape.push_back(repeats[k]);
      strides.push_back(0);
      view_shape.push_back(in->dim(k));
      strides.push_back(in_strides[k]);
    }
    if (identity) {
      ctx.SetOutput(0, *in);
      return absl::OkStatus();
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, in->dtype(), out_shape));
    if (out->num_elements() == 0) return absl::OkStatus();
    return StridedCopy(ctx, in->dtype(), out->raw_data(), view_shape, in->raw_data(), strides);
  }

 private:
  bool legacy_ = false;
};

}  // namespace

void RegisterExpandTileKernels(KernelRegistry& r) {
  r.Add("Expand", FunctionFactory(Expand));
  r.Add("Tile", FactoryOf<TileKernel>());
}

}  // namespace braid::backends::cpu
