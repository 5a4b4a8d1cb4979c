// Permutations of dims: Transpose, DepthToSpace, SpaceToDepth.
#include <numeric>
#include <string>
#include <vector>

#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/tensor/strided_copy.h"
#include "backends/cpu/kernels/tensor/tensor_util.h"

namespace braid::backends::cpu {
namespace {

// Sets output 0 to `in` viewed as `view_shape` (same element count) with dims
// permuted by `perm`, reshaped to `out_shape`. A permutation that keeps the
// order of all non-unit dims only relabels the shape, so it is a view.
absl::Status Permute(KernelContext& ctx, const Tensor& in, const Shape& view_shape, const std::vector<int64_t>& perm,
                     Shape out_shape) {
  const size_t r = view_shape.size();
  std::vector<int64_t> in_strides = ContiguousStrides(view_shape);
  Shape permuted(r);
  std::vector<int64_t> strides(r);
  bool keeps_order = true;
  int64_t last = -1;
  for (size_t k = 0; k < r; ++k) {
    permuted[k] = view_shape[perm[k]];
    strides[k] = in_strides[perm[k]];
    if (permuted[k] != 1) {
      if (perm[k] < last) keeps_order = false;
      last = perm[k];
    }
  }
  if (keeps_order) {
    BRAID_ASSIGN_OR_RETURN(Tensor view, in.Reshaped(std::move(out_shape)));
    ctx.SetOutput(0, std::move(view));
    return absl::OkStatus();
  }
  BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, in.dtype(), std::move(out_shape)));
  return StridedCopy(ctx, in.dtype(), out->raw_data(), permuted, in.raw_data(), strides);
}

class TransposeKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<TransposeKernel>();
    if (init.node().HasAttribute("perm")) {
      BRAID_ASSIGN_OR_RETURN(k->perm_, init.GetInts("perm"));
      k->has_perm_ = true;
      std::vector<bool> seen(k->perm_.size(), false);
      for (int64_t p : k->perm_) {
        if (p < 0 || p >= static_cast<int64_t>(k->perm_.size()) || seen[p]) {
          return init.Error(absl::StrCat("perm is not a permutation of [0, ", k->perm_.size(), ")"));
        }
        seen[p] = true;
      }
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* in, ctx.RequireTensor(0));
    const int64_t r = in->rank();
    std::vector<int64_t> perm = perm_;
    if (!has_perm_) {
      perm.resize(r);
      std::iota(perm.rbegin(), perm.rend(), int64_t{0});
    } else if (static_cast<int64_t>(perm.size()) != r) {
      return ctx.Error(absl::StrCat("perm has ", perm.size(), " entries but the input has rank ", r));
    }
    Shape out_shape(r);
    for (int64_t k = 0; k < r; ++k) out_shape[k] = in->dim(perm[k]);
    return Permute(ctx, *in, in->shape(), perm, std::move(out_shape));
  }

 private:
  bool has_perm_ = false;
  std::vector<int64_t> perm_;
};

// DepthToSpace (to_depth = false) and SpaceToDepth (to_depth = true) on
// NCHW tensors: a reshape, a 6-D permutation and a reshape.
class BlockRearrangeKernel : public Kernel {
 public:
  BlockRearrangeKernel(bool to_depth, int64_t block, bool crd) : to_depth_(to_depth), block_(block), crd_(crd) {}

  static absl::StatusOr<std::unique_ptr<Kernel>> CreateDepthToSpace(const KernelInit& init) {
    BRAID_ASSIGN_OR_RETURN(int64_t block, init.GetInt("blocksize"));
    BRAID_ASSIGN_OR_RETURN(std::string mode, init.GetString("mode", std::string("DCR")));
    if (block <= 0) return init.Error(absl::StrCat("blocksize must be positive, got ", block));
    if (mode != "DCR" && mode != "CRD") return init.Error(absl::StrCat("mode must be DCR or CRD, got '", mode, "'"));
    return std::unique_ptr<Kernel>(new BlockRearrangeKernel(false, block, mode == "CRD"));
  }
  static absl::StatusOr<std::unique_ptr<Kernel>> CreateSpaceToDepth(const KernelInit& init) {
    BRAID_ASSIGN_OR_RETURN(int64_t block, init.GetInt("blocksize"));
    if (block <= 0) return init.Error(absl::StrCat("blocksize must be positive, got ", block));
    return std::unique_ptr<Kernel>(new BlockRearrangeKernel(true, block, false));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* in, ctx.RequireTensor(0));
    if (in->rank() != 4) return ctx.Error(absl::StrCat("input must be 4-D (NCHW), got ", ShapeToString(in->shape())));
    const int64_t n = in->dim(0), c = in->dim(1), h = in->dim(2), w = in->dim(3), b = block_;
    if (to_depth_) {
      if (h % b != 0 || w % b != 0) {
        return ctx.Error(absl::StrCat("height and width of ", ShapeToString(in->shape()),
                                      " must be divisible by blocksize ", b));
      }
      return Permute(ctx, *in, {n, c, h / b, b, w / b, b}, {0, 3, 5, 1, 2, 4}, {n, c * b * b, h / b, w / b});
    }
    if (c % (b * b) != 0) {
      return ctx.Error(absl::StrCat("channels of ", ShapeToString(in->shape()), " must be divisible by blocksize^2 (",
                                    b * b, ")"));
    }
    const int64_t oc = c / (b * b);
    Shape out_shape = {n, oc, h * b, w * b};
    if (crd_) return Permute(ctx, *in, {n, oc, b, b, h, w}, {0, 1, 4, 2, 5, 3}, std::move(out_shape));
    return Permute(ctx, *in, {n, b, b, oc, h, w}, {0, 3, 4, 1, 5, 2}, std::move(out_shape));
  }

 private:
  bool to_depth_;
  int64_t block_;
  bool crd_;
};

}  // namespace

void RegisterTransposeKernels(KernelRegistry& r) {
  r.Add("Transpose", FactoryOf<TransposeKernel>());
  r.Add("DepthToSpace", BlockRearrangeKernel::CreateDepthToSpace);
  r.Add("SpaceToDepth", BlockRearrangeKernel::CreateSpaceToDepth);
}

}  // namespace braid::backends::cpu
