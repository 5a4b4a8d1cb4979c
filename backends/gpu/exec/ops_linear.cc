// MatMul, Gemm and Conv on the tiled GEMM kernels, with a fused epilogue:
// a bias Add (MatMul) and one activation that follow the op directly.
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

using kernels::Activation;

// The activation an epilogue node applies, if it is one we fuse.
bool ActivationOf(const graph::Node& node, Activation* act, float* alpha, float* beta) {
  if (!node.domain().empty()) return false;
  const std::string& t = node.op_type();
  *alpha = 0.0f;
  *beta = 0.0f;
  if (t == "Relu") {
    *act = Activation::kRelu;
  } else if (t == "LeakyRelu") {
    *act = Activation::kLeakyRelu;
    *alpha = node.GetFloat("alpha", 0.01f).value_or(0.01f);
  } else if (t == "Sigmoid") {
    *act = Activation::kSigmoid;
  } else if (t == "Tanh") {
    *act = Activation::kTanh;
  } else if (t == "HardSigmoid") {
    *act = Activation::kHardSigmoid;
    *alpha = node.GetFloat("alpha", 0.2f).value_or(0.2f);
    *beta = node.GetFloat("beta", 0.5f).value_or(0.5f);
  } else if (t == "Gelu") {
    if (node.GetString("approximate", std::string("none")).value_or("") != "none") return false;
    *act = Activation::kGelu;
  } else if (t == "Clip") {
    *act = Activation::kClip;
    *alpha = -3.402823466e38f;
    *beta = 3.402823466e38f;
    if (node.opset() < 11) {
      *alpha = node.GetFloat("min", *alpha).value_or(*alpha);
      *beta = node.GetFloat("max", *beta).value_or(*beta);
    } else {
      if (HasInput(node, 1)) {
        std::optional<float> v = ConstantScalar(node, 1);
        if (!v) return false;
        *alpha = *v;
      }
      if (HasInput(node, 2)) {
        std::optional<float> v = ConstantScalar(node, 2);
        if (!v) return false;
        *beta = *v;
      }
    }
  } else {
    return false;
  }
  return true;
}

// The bias operand of an epilogue Add consuming `produced`, or null.
const graph::Value* BiasOperand(const graph::Node& add, const graph::Value* produced) {
  if (add.op_type() != "Add" || !add.domain().empty() || add.inputs().size() != 2) return nullptr;
  if (add.input(0) == produced && add.input(1) != produced) return add.input(1);
  if (add.input(1) == produced && add.input(0) != produced) return add.input(0);
  return nullptr;
}

// Parsed epilogue: bias value (MatMul only) and activation.
struct EpilogueSpec {
  const graph::Value* bias = nullptr;
  Activation act = Activation::kNone;
  float alpha = 0.0f, beta = 0.0f;
  const graph::Value* output = nullptr;  // the value the fused step produces
};

EpilogueSpec ParseEpilogue(const graph::Node& op, std::span<const graph::Node* const> epilogue) {
  EpilogueSpec e;
  e.output = op.output(0);
  for (const graph::Node* n : epilogue) {
    if (const graph::Value* b = BiasOperand(*n, e.output)) {
      e.bias = b;
    } else {
      ActivationOf(*n, &e.act, &e.alpha, &e.beta);
    }
    e.output = n->output(0);
  }
  return e;
}

void FillActivation(const EpilogueSpec& spec, kernels::Epilogue& e) {
  e.activation = spec.act;
  e.act_alpha = spec.alpha;
  e.act_beta = spec.beta;
}

// ---------------------------------------------------------------- MatMul / Gemm

absl::Status CanRunMatMul(const graph::Node& node) {
  const DataType t = InputType(node, 0);
  if (!IsGpuFloat(t) || InputType(node, 1) != t || OutputType(node, 0) != t) {
    return Unsupported(node, "inputs/output must be float32/float16/bfloat16 of one type");
  }
  if (node.op_type() == "Gemm") {
    if (HasInput(node, 2) && InputType(node, 2) != t) return Unsupported(node, "C has a different type");
    if (InputRank(node, 0) >= 0 && InputRank(node, 0) != 2) return Unsupported(node, "A must be 2-D");
    if (InputRank(node, 1) >= 0 && InputRank(node, 1) != 2) return Unsupported(node, "B must be 2-D");
    if (HasInput(node, 2) && InputRank(node, 2) > 2) return Unsupported(node, "C must have rank <= 2");
  }
  return absl::OkStatus();
}

absl::Status RunGemm(RunState& s, const std::string& step, kernels::GemmArgs& args) {
  BRAID_ASSIGN_OR_RETURN(bool done, s.api().VendorGemm(args, s.stream()));
  if (done) return absl::OkStatus();
  return s.CheckLaunch(s.kernels().gemm(args, s.launch_context()), "gemm", step);
}

std::unique_ptr<Step> MakeMatMulStep(const graph::Node& node, const EpilogueSpec& spec, SlotMap& slots,
                                     std::string name) {
  const int a_slot = slots.Add(node.input(0));
  const int b_slot = slots.Add(node.input(1));
  const int bias_slot = spec.bias != nullptr ? slots.Add(spec.bias) : -1;
  const int out = slots.Add(spec.output);
  kernels::Epilogue epilogue;
  FillActivation(spec, epilogue);
  return MakeStep(std::move(name), [=](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* a, InputTensor(s, a_slot, step, 0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* b, InputTensor(s, b_slot, step, 1));
    if (a->rank() < 1 || b->rank() < 1) return absl::InvalidArgumentError(absl::StrCat(step, ": scalar operand"));
    Shape as = a->shape(), bs = b->shape();
    const bool vec_a = as.size() == 1, vec_b = bs.size() == 1;
    if (vec_a) as.insert(as.begin(), 1);
    if (vec_b) bs.push_back(1);
    const int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
    if (bs[bs.size() - 2] != k) {
      return absl::InvalidArgumentError(absl::StrCat(step, ": inner dims differ: ", ShapeToString(a->shape()), " x ",
                                                     ShapeToString(b->shape())));
    }
    const Shape a_batch(as.begin(), as.end() - 2), b_batch(bs.begin(), bs.end() - 2);
    absl::StatusOr<Shape> batch = BroadcastShapes(a_batch, b_batch);
    if (!batch.ok()) return absl::InvalidArgumentError(absl::StrCat(step, ": ", batch.status().message()));
    if (batch->size() > static_cast<size_t>(kernels::kMaxBatchRank)) {
      return absl::UnimplementedError(absl::StrCat(step, ": more than ", kernels::kMaxBatchRank, " batch dims"));
    }
    Shape out_shape = *batch;
    if (!vec_a) out_shape.push_back(m);
    if (!vec_b) out_shape.push_back(n);
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(a->dtype(), out_shape));
    kernels::GemmArgs g{};
    g.type = ToElemType(a->dtype());
    g.m = m;
    g.n = n;
    g.k = k;
    g.a = a->raw_data();
    g.a_stride_m = k;
    g.a_stride_k = 1;
    g.b = b->raw_data();
    g.b_stride_k = n;
    g.b_stride_n = 1;
    g.c = y.raw_data();
    g.c_stride_m = n;
    g.batch_rank = static_cast<int>(batch->size());
    const std::vector<int64_t> sa = BroadcastStrides(a_batch, *batch), sb = BroadcastStrides(b_batch, *batch);
    const std::vector<int64_t> sc = DenseStrides(*batch);
    g.batch_count = Product(*batch, 0, batch->size());
    for (size_t d = 0; d < batch->size(); ++d) {
      g.batch_dims[d] = (*batch)[d];
      g.a_batch_strides[d] = sa[d] * m * k;
      g.b_batch_strides[d] = sb[d] * k * n;
      g.c_batch_strides[d] = sc[d] * m * n;
    }
    g.alpha = 1.0f;
    g.epilogue = epilogue;
    if (bias_slot >= 0) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* bias, InputTensor(s, bias_slot, step, 2));
      if (bias->rank() != 1 || (bias->dim(0) != n && bias->dim(0) != 1) || bias->dtype() != a->dtype()) {
        return absl::InvalidArgumentError(absl::StrCat(step, ": bias ", ShapeToString(bias->shape()),
                                                       " does not broadcast over ", n, " columns"));
      }
      g.epilogue.bias = bias->raw_data();
      g.epilogue.bias_type = ToElemType(bias->dtype());
      g.epilogue.bias_stride_n = bias->dim(0) == 1 ? 0 : 1;
      g.epilogue.beta = 1.0f;
    }
    BRAID_RETURN_IF_ERROR(RunGemm(s, step, g));
    s.slot(out) = std::move(y);
    return absl::OkStatus();
  });
}

std::unique_ptr<Step> MakeGemmStep(const graph::Node& node, const EpilogueSpec& spec, SlotMap& slots,
                                   std::string name, float alpha, float beta, bool trans_a, bool trans_b) {
  const int a_slot = slots.Add(node.input(0));
  const int b_slot = slots.Add(node.input(1));
  const int c_slot = HasInput(node, 2) ? slots.Add(node.input(2)) : -1;
  const int out = slots.Add(spec.output);
  kernels::Epilogue epilogue;
  FillActivation(spec, epilogue);
  return MakeStep(std::move(name), [=](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* a, InputTensor(s, a_slot, step, 0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* b, InputTensor(s, b_slot, step, 1));
    BRAID_RETURN_IF_ERROR(CheckRank(*a, 2, 2, "A", step));
    BRAID_RETURN_IF_ERROR(CheckRank(*b, 2, 2, "B", step));
    const int64_t m = trans_a ? a->dim(1) : a->dim(0), k = trans_a ? a->dim(0) : a->dim(1);
    const int64_t kb = trans_b ? b->dim(1) : b->dim(0), n = trans_b ? b->dim(0) : b->dim(1);
    if (k != kb) {
      return absl::InvalidArgumentError(absl::StrCat(step, ": inner dims differ: A ", ShapeToString(a->shape()),
                                                     ", B ", ShapeToString(b->shape())));
    }
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(a->dtype(), Shape{m, n}));
    kernels::GemmArgs g{};
    g.type = ToElemType(a->dtype());
    g.m = m;
    g.n = n;
    g.k = k;
    g.a = a->raw_data();
    g.a_stride_m = trans_a ? 1 : k;
    g.a_stride_k = trans_a ? m : 1;
    g.b = b->raw_data();
    g.b_stride_k = trans_b ? 1 : n;
    g.b_stride_n = trans_b ? k : 1;
    g.c = y.raw_data();
    g.c_stride_m = n;
    g.batch_rank = 0;
    g.batch_count = 1;
    g.alpha = alpha;
    g.epilogue = epilogue;
    if (c_slot >= 0 && beta != 0.0f) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* c, InputTensor(s, c_slot, step, 2));
      const Shape& cs = c->shape();
      const int64_t cm = cs.size() == 2 ? cs[0] : 1, cn = cs.empty() ? 1 : cs.back();
      if (cs.size() > 2 || (cm != 1 && cm != m) || (cn != 1 && cn != n)) {
        return absl::InvalidArgumentError(
            absl::StrCat(step, ": C ", ShapeToString(cs), " does not broadcast to [", m, ",", n, "]"));
      }
      g.epilogue.bias = c->raw_data();
      g.epilogue.bias_type = ToElemType(c->dtype());
      g.epilogue.bias_stride_m = cm == 1 ? 0 : cn;
      g.epilogue.bias_stride_n = cn == 1 ? 0 : 1;
      g.epilogue.beta = beta;
    }
    BRAID_RETURN_IF_ERROR(RunGemm(s, step, g));
    s.slot(out) = std::move(y);
    return absl::OkStatus();
  });
}

// ---------------------------------------------------------------- Conv

absl::Status CanRunConv(const graph::Node& node) {
  const DataType t = InputType(node, 0);
  if (!IsGpuFloat(t) || InputType(node, 1) != t || OutputType(node, 0) != t ||
      (HasInput(node, 2) && InputType(node, 2) != t)) {
    return Unsupported(node, "inputs/output must be float32/float16/bfloat16 of one type");
  }
  const int64_t rank = InputRank(node, 0);
  if (rank >= 0 && (rank < 3 || rank > 5)) return Unsupported(node, "1 to 3 spatial dims");
  BRAID_ASSIGN_OR_RETURN(WindowAttrs attrs, ParseWindowAttrs(node));
  BRAID_ASSIGN_OR_RETURN(int64_t group, node.GetInt("group", 1));
  if (group < 1) return Unsupported(node, "group must be positive");
  return CheckWindowAttrs(node, attrs);
}

std::unique_ptr<Step> MakeConvStep(const graph::Node& node, const EpilogueSpec& spec, SlotMap& slots,
                                   std::string name, WindowAttrs attrs, int64_t group) {
  const int x_slot = slots.Add(node.input(0));
  const int w_slot = slots.Add(node.input(1));
  const int b_slot = HasInput(node, 2) ? slots.Add(node.input(2)) : -1;
  const int out = slots.Add(spec.output);
  kernels::Epilogue epilogue;
  FillActivation(spec, epilogue);
  return MakeStep(std::move(name), [=](RunState& s, const std::string& step) -> absl::Status {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, InputTensor(s, x_slot, step, 0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* w, InputTensor(s, w_slot, step, 1));
    BRAID_RETURN_IF_ERROR(CheckRank(*x, 3, 5, "X", step));
    if (w->rank() != x->rank()) return absl::InvalidArgumentError(absl::StrCat(step, ": W rank differs from X"));
    const int64_t c = x->dim(1), m = w->dim(0);
    if (c % group != 0 || m % group != 0 || w->dim(1) * group != c) {
      return absl::InvalidArgumentError(absl::StrCat(step, ": channels of X ", ShapeToString(x->shape()), " and W ",
                                                     ShapeToString(w->shape()), " do not fit group ", group));
    }
    std::vector<int64_t> spatial(x->shape().begin() + 2, x->shape().end());
    std::vector<int64_t> kernel(w->shape().begin() + 2, w->shape().end());
    if (!attrs.kernel.empty() && attrs.kernel != kernel) {
      return absl::InvalidArgumentError(absl::StrCat(step, ": kernel_shape differs from the weights"));
    }
    BRAID_ASSIGN_OR_RETURN(Window win, ComputeWindow(attrs, spatial, kernel, step));
    Shape out_shape{x->dim(0), m};
    out_shape.insert(out_shape.end(), win.out_sizes.begin(), win.out_sizes.end());
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(x->dtype(), out_shape));
    kernels::ConvArgs args{};
    args.type = ToElemType(x->dtype());
    args.batch = x->dim(0);
    args.in_channels = c;
    args.out_channels = m;
    args.group = group;
    for (int i = 0; i < 3; ++i) {
      args.in_size[i] = win.in[i];
      args.out_size[i] = win.out[i];
      args.kernel[i] = win.kernel[i];
      args.stride[i] = win.stride[i];
      args.pad[i] = win.pad[i];
      args.dilation[i] = win.dilation[i];
    }
    args.x = x->raw_data();
    args.w = w->raw_data();
    args.y = y.raw_data();
    args.epilogue = epilogue;
    if (b_slot >= 0) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* b, InputTensor(s, b_slot, step, 2));
      if (b->num_elements() != m) {
        return absl::InvalidArgumentError(absl::StrCat(step, ": bias has ", b->num_elements(), " elements, needs ", m));
      }
      args.epilogue.bias = b->raw_data();
      args.epilogue.bias_type = ToElemType(b->dtype());
      args.epilogue.bias_stride_m = 1;
      args.epilogue.bias_stride_n = 0;
      args.epilogue.beta = 1.0f;
    }
    BRAID_RETURN_IF_ERROR(s.CheckLaunch(s.kernels().conv(args, s.launch_context()), "conv", step));
    s.slot(out) = std::move(y);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::unique_ptr<Step>> BuildSingle(const graph::Node& node, SlotMap& slots) {
  return BuildLinearStep(node, {}, slots);
}

}  // namespace

bool CanFuseIntoEpilogue(const graph::Node& op, std::span<const graph::Node* const> absorbed,
                         const graph::Node& next) {
  const EpilogueSpec spec = ParseEpilogue(op, absorbed);
  if (spec.act != Activation::kNone) return false;  // the activation ends the epilogue
  if (OutputType(next, 0) != OutputType(op, 0)) return false;
  Activation act;
  float alpha, beta;
  if (ActivationOf(next, &act, &alpha, &beta)) return true;
  const graph::Value* bias = BiasOperand(next, spec.output);
  if (bias == nullptr || op.op_type() != "MatMul" || spec.bias != nullptr) return false;
  // A bias vector along the output columns: rank 1.
  return bias->type().is_tensor() && bias->type().elem_type == OutputType(op, 0) && bias->type().rank() == 1;
}

absl::StatusOr<std::unique_ptr<Step>> BuildLinearStep(const graph::Node& op,
                                                      std::span<const graph::Node* const> epilogue,
                                                      SlotMap& slots) {
  const EpilogueSpec spec = ParseEpilogue(op, epilogue);
  std::string name = op.name();
  for (const graph::Node* n : epilogue) absl::StrAppend(&name, "+", n->name());
  name = absl::StrCat("node '", name, "' (", op.op_type(), epilogue.empty() ? "" : " with epilogue", ")");
  if (op.op_type() == "MatMul") return MakeMatMulStep(op, spec, slots, std::move(name));
  if (op.op_type() == "Gemm") {
    BRAID_ASSIGN_OR_RETURN(float alpha, op.GetFloat("alpha", 1.0f));
    BRAID_ASSIGN_OR_RETURN(float beta, op.GetFloat("beta", 1.0f));
    BRAID_ASSIGN_OR_RETURN(int64_t ta, op.GetInt("transA", 0));
    BRAID_ASSIGN_OR_RETURN(int64_t tb, op.GetInt("transB", 0));
    return MakeGemmStep(op, spec, slots, std::move(name), alpha, beta, ta != 0, tb != 0);
  }
  if (op.op_type() == "Conv") {
    BRAID_ASSIGN_OR_RETURN(WindowAttrs attrs, ParseWindowAttrs(op));
    BRAID_ASSIGN_OR_RETURN(int64_t group, op.GetInt("group", 1));
    return MakeConvStep(op, spec, slots, std::move(name), std::move(attrs), group);
  }
  return Unsupported(op, "not a linear op");
}

void RegisterLinearOps(OpTable& table) {
  table["MatMul"] = {CanRunMatMul, BuildSingle};
  table["Gemm"] = {CanRunMatMul, BuildSingle};
  table["Conv"] = {CanRunConv, BuildSingle};
}

}  // namespace braid::backends::gpu
