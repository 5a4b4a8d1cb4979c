// Resize, MaxPool and AveragePool.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/gpu/exec/op_util.h"
#include "backends/gpu/exec/ops.h"
#include "backends/gpu/exec/spatial.h"
#include "braid/status_macros.h"

namespace braid::backends::gpu {
namespace {

// ---------------------------------------------------------------- Resize

struct ResizeAttrs {
  kernels::ResizeMode mode = kernels::ResizeMode::kNearest;
  kernels::ResizeCoord coord = kernels::ResizeCoord::kHalfPixel;
  kernels::ResizeNearest nearest = kernels::ResizeNearest::kRoundPreferFloor;
  float cubic_coeff_a = -0.75f;
  bool exclude_outside = false;
};

absl::StatusOr<ResizeAttrs> ParseResize(const graph::Node& node) {
  ResizeAttrs r;
  BRAID_ASSIGN_OR_RETURN(std::string mode, node.GetString("mode", std::string("nearest")));
  if (mode == "nearest") r.mode = kernels::ResizeMode::kNearest;
  else if (mode == "linear") r.mode = kernels::ResizeMode::kLinear;
  else if (mode == "cubic") r.mode = kernels::ResizeMode::kCubic;
  else return Unsupported(node, absl::StrCat("mode '", mode, "'"));
  BRAID_ASSIGN_OR_RETURN(std::string coord, node.GetString("coordinate_transformation_mode", std::string("half_pixel")));
  if (coord == "half_pixel") r.coord = kernels::ResizeCoord::kHalfPixel;
  else if (coord == "asymmetric") r.coord = kernels::ResizeCoord::kAsymmetric;
  else if (coord == "align_corners") r.coord = kernels::ResizeCoord::kAlignCorners;
  else if (coord == "pytorch_half_pixel") r.coord = kernels::ResizeCoord::kPytorchHalfPixel;
  else if (coord == "tf_half_pixel_for_nearest") r.coord = kernels::ResizeCoord::kTfHalfPixelForNearest;
  else if (coord == "half_pixel_symmetric") r.coord = kernels::ResizeCoord::kHalfPixelSymmetric;
  else return Unsupported(node, absl::StrCat("coordinate_transformation_mode '", coord, "'"));
  BRAID_ASSIGN_OR_RETURN(std::string nearest, node.GetString("nearest_mode", std::string("round_prefer_floor")));
  if (nearest == "round_prefer_floor") r.nearest = kernels::ResizeNearest::kRoundPreferFloor;
  else if (nearest == "round_prefer_ceil") r.nearest = kernels::ResizeNearest::kRoundPreferCeil;
  else if (nearest == "floor") r.nearest = kernels::ResizeNearest::kFloor;
  else if (nearest == "ceil") r.nearest = kernels::ResizeNearest::kCeil;
  else return Unsupported(node, absl::StrCat("nearest_mode '", nearest, "'"));
  BRAID_ASSIGN_OR_RETURN(r.cubic_coeff_a, node.GetFloat("cubic_coeff_a", -0.75f));
  BRAID_ASSIGN_OR_RETURN(int64_t exclude, node.GetInt("exclude_outside", 0));
  r.exclude_outside = exclude != 0;
  return r;
}

bool NonEmptyInput(const graph::Node& node, size_t i) {
  const Tensor* t = ConstantInput(node, i);
  return HasInput(node, i) && (t == nullptr || t->num_elements() > 0);
}

absl::Status CanRunResize(const graph::Node& node) {
  if (node.opset() < 11) return Unsupported(node, "opset below 11");
  if (!IsGpuFloat(InputType(node, 0)) || OutputType(node, 0) != InputType(node, 0)) {
    return Unsupported(node, "input/output must be float32/float16/bfloat16");
  }
  BRAID_RETURN_IF_ERROR(ParseResize(node).status());
  BRAID_ASSIGN_OR_RETURN(int64_t antialias, node.GetInt("antialias", 0));
  if (antialias != 0) return Unsupported(node, "antialias");
  if (node.HasAttribute("axes")) return Unsupported(node, "the axes attribute");
  BRAID_ASSIGN_OR_RETURN(std::string policy, node.GetString("keep_aspect_ratio_policy", std::string("stretch")));
  if (policy != "stretch") return Unsupported(node, absl::StrCat("keep_aspect_ratio_policy '", policy, "'"));
  const bool sizes = NonEmptyInput(node, 3), scales = NonEmptyInput(node, 2);
  if (sizes == scales) return Unsupported(node, "exactly one of scales and sizes must be given");
  if (!ConstantInput(node, sizes ? 3 : 2)) return Unsupported(node, "scales/sizes must be constant");
  if (scales && ConstantInput(node, 2)->dtype() != DataType::kFloat32) return Unsupported(node, "scales must be float");
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Step>> BuildResize(const graph::Node& node, SlotMap& slots) {
  BRAID_ASSIGN_OR_RETURN(ResizeAttrs attrs, ParseResize(node));
  std::vector<int64_t> sizes;
  std::vector<float> scales;
  if (NonEmptyInput(node, 3)) {
    BRAID_ASSIGN_OR_RETURN(sizes, ConstantInts(node, 3));
  } else {
    for (float v : ConstantInput(node, 2)->values<float>()) scales.push_back(v);
  }
  const int in = slots.Add(node.input(0));
  const int out = slots.Add(node.output(0));
  return MakeStep(StepName(node), [=](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, InputTensor(s, in, step, 0));
    const size_t rank = x->shape().size();
    if (rank < 1 || rank > static_cast<size_t>(kernels::kMaxRank)) {
      return absl::InvalidArgumentError(absl::StrCat(step, ": unsupported rank ", rank));
    }
    if ((!sizes.empty() && sizes.size() != rank) || (!scales.empty() && scales.size() != rank)) {
      return absl::InvalidArgumentError(absl::StrCat(step, ": scales/sizes do not match rank ", rank));
    }
    kernels::ResizeArgs args{};
    args.type = ToElemType(x->dtype());
    args.rank = static_cast<int>(rank);
    Shape out_shape(rank);
    int interpolated = 0;
    for (size_t d = 0; d < rank; ++d) {
      const int64_t in_dim = x->shape()[d];
      float scale;
      int64_t out_dim;
      if (!sizes.empty()) {
        out_dim = sizes[d];
        scale = in_dim > 0 ? static_cast<float>(out_dim) / static_cast<float>(in_dim) : 1.0f;
      } else {
        scale = scales[d];
        if (!(scale > 0.0f)) return absl::InvalidArgumentError(absl::StrCat(step, ": scales must be positive"));
        out_dim = static_cast<int64_t>(std::floor(static_cast<double>(in_dim) * scale));
      }
      if (out_dim < 0) return absl::InvalidArgumentError(absl::StrCat(step, ": negative output size"));
      if (in_dim == 0 && out_dim > 0) return absl::InvalidArgumentError(absl::StrCat(step, ": resizing an empty dim"));
      out_shape[d] = out_dim;
      args.in_dims[d] = in_dim;
      args.out_dims[d] = out_dim;
      args.scales[d] = scale;
      if (scale != 1.0f || in_dim != out_dim) ++interpolated;
    }
    if ((attrs.mode == kernels::ResizeMode::kLinear && interpolated > 3) ||
        (attrs.mode == kernels::ResizeMode::kCubic && interpolated > 2)) {
      return absl::UnimplementedError(absl::StrCat(step, ": interpolation along ", interpolated, " dims"));
    }
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(x->dtype(), out_shape));
    args.count = y.num_elements();
    args.src = x->raw_data();
    args.dst = y.raw_data();
    args.mode = attrs.mode;
    args.coord = attrs.coord;
    args.nearest = attrs.nearest;
    args.cubic_coeff_a = attrs.cubic_coeff_a;
    args.exclude_outside = attrs.exclude_outside;
    BRAID_RETURN_IF_ERROR(s.CheckLaunch(s.kernels().resize(args, s.launch_context()), "resize", step));
    s.slot(out) = std::move(y);
    return absl::OkStatus();
  });
}

// ---------------------------------------------------------------- pooling

absl::Status CanRunPool(const graph::Node& node) {
  if (!IsGpuFloat(InputType(node, 0)) || OutputType(node, 0) != InputType(node, 0)) {
    return Unsupported(node, "input/output must be float32/float16/bfloat16");
  }
  if (OutputUsed(node, 1)) return Unsupported(node, "the Indices output is not produced");
  BRAID_ASSIGN_OR_RETURN(WindowAttrs attrs, ParseWindowAttrs(node));
  if (attrs.kernel.empty() || attrs.kernel.size() > 3) return Unsupported(node, "kernel_shape of 1 to 3 dims required");
  const int64_t rank = InputRank(node, 0);
  if (rank >= 0 && rank != static_cast<int64_t>(attrs.kernel.size()) + 2) {
    return Unsupported(node, "input rank does not match kernel_shape");
  }
  return CheckWindowAttrs(node, attrs);
}

absl::StatusOr<std::unique_ptr<Step>> BuildPool(const graph::Node& node, SlotMap& slots) {
  BRAID_ASSIGN_OR_RETURN(WindowAttrs attrs, ParseWindowAttrs(node));
  const bool is_max = node.op_type() == "MaxPool";
  BRAID_ASSIGN_OR_RETURN(int64_t include_pad, node.GetInt("count_include_pad", 0));
  const int in = slots.Add(node.input(0));
  const int out = slots.Add(node.output(0));
  return MakeStep(StepName(node), [=](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, InputTensor(s, in, step, 0));
    BRAID_RETURN_IF_ERROR(CheckRank(*x, 3, 5, "X", step));
    std::vector<int64_t> spatial(x->shape().begin() + 2, x->shape().end());
    BRAID_ASSIGN_OR_RETURN(Window w, ComputeWindow(attrs, spatial, attrs.kernel, step));
    Shape out_shape{x->shape()[0], x->shape()[1]};
    out_shape.insert(out_shape.end(), w.out_sizes.begin(), w.out_sizes.end());
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(x->dtype(), out_shape));
    kernels::PoolArgs args{};
    args.type = ToElemType(x->dtype());
    args.is_max = is_max;
    args.count_include_pad = include_pad != 0;
    args.batch_channels = x->shape()[0] * x->shape()[1];
    for (int i = 0; i < 3; ++i) {
      args.in_size[i] = w.in[i];
      args.out_size[i] = w.out[i];
      args.kernel[i] = w.kernel[i];
      args.stride[i] = w.stride[i];
      args.pad[i] = w.pad[i];
      args.pad_end[i] = w.pad_end[i];
      args.dilation[i] = w.dilation[i];
    }
    args.x = x->raw_data();
    args.y = y.raw_data();
    BRAID_RETURN_IF_ERROR(s.CheckLaunch(s.kernels().pool(args, s.launch_context()), "pool", step));
    s.slot(out) = std::move(y);
    return absl::OkStatus();
  });
}

}  // namespace

void RegisterImageOps(OpTable& table) {
  table["Resize"] = {CanRunResize, BuildResize};
  table["MaxPool"] = {CanRunPool, BuildPool};
  table["AveragePool"] = {CanRunPool, BuildPool};
}

}  // namespace braid::backends::gpu
