// Elementwise ops lowered onto the fused elementwise program kernel.
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "backends/gpu/exec/elementwise.h"
#include "backends/gpu/exec/op_util.h"
#include "braid/status_macros.h"

namespace braid::backends::gpu {
namespace {

using kernels::EwOp;

enum class Family {
  kFloatUnary,   // float in, same float out
  kFloatBinary,  // two floats in (broadcast), float out
  kVariadic,     // Sum/Mean/Max/Min over 1..n floats
  kCompare,      // two floats in, bool out
  kLogical,      // bool in, bool out (And/Or/Xor/Not)
  kClip,
  kWhere,
  kCast,
  kBatchNorm,
  kIsClass,  // IsNaN/IsInf: float in, bool out
};

struct OpInfo {
  Family family;
  EwOp op;
};

const absl::flat_hash_map<std::string, OpInfo>& OpTable() {
  static const auto* table = new absl::flat_hash_map<std::string, OpInfo>{
      {"Abs", {Family::kFloatUnary, EwOp::kAbs}},
      {"Neg", {Family::kFloatUnary, EwOp::kNeg}},
      {"Exp", {Family::kFloatUnary, EwOp::kExp}},
      {"Log", {Family::kFloatUnary, EwOp::kLog}},
      {"Sqrt", {Family::kFloatUnary, EwOp::kSqrt}},
      {"Reciprocal", {Family::kFloatUnary, EwOp::kReciprocal}},
      {"Relu", {Family::kFloatUnary, EwOp::kRelu}},
      {"Sigmoid", {Family::kFloatUnary, EwOp::kSigmoid}},
      {"Tanh", {Family::kFloatUnary, EwOp::kTanh}},
      {"Erf", {Family::kFloatUnary, EwOp::kErf}},
      {"Floor", {Family::kFloatUnary, EwOp::kFloor}},
      {"Ceil", {Family::kFloatUnary, EwOp::kCeil}},
      {"Round", {Family::kFloatUnary, EwOp::kRound}},
      {"Sin", {Family::kFloatUnary, EwOp::kSin}},
      {"Cos", {Family::kFloatUnary, EwOp::kCos}},
      {"Tan", {Family::kFloatUnary, EwOp::kTan}},
      {"Sign", {Family::kFloatUnary, EwOp::kSign}},
      {"Softplus", {Family::kFloatUnary, EwOp::kSoftplus}},
      {"Softsign", {Family::kFloatUnary, EwOp::kSoftsign}},
      {"LeakyRelu", {Family::kFloatUnary, EwOp::kLeakyRelu}},
      {"Elu", {Family::kFloatUnary, EwOp::kElu}},
      {"Selu", {Family::kFloatUnary, EwOp::kSelu}},
      {"Celu", {Family::kFloatUnary, EwOp::kCelu}},
      {"HardSigmoid", {Family::kFloatUnary, EwOp::kHardSigmoid}},
      {"HardSwish", {Family::kFloatUnary, EwOp::kHardSwish}},
      {"Gelu", {Family::kFloatUnary, EwOp::kGelu}},
      {"Mish", {Family::kFloatUnary, EwOp::kMish}},
      {"ThresholdedRelu", {Family::kFloatUnary, EwOp::kThresholdedRelu}},
      {"Add", {Family::kFloatBinary, EwOp::kAdd}},
      {"Sub", {Family::kFloatBinary, EwOp::kSub}},
      {"Mul", {Family::kFloatBinary, EwOp::kMul}},
      {"Div", {Family::kFloatBinary, EwOp::kDiv}},
      {"Pow", {Family::kFloatBinary, EwOp::kPow}},
      {"PRelu", {Family::kFloatBinary, EwOp::kPRelu}},
      {"Mod", {Family::kFloatBinary, EwOp::kFmod}},
      {"Sum", {Family::kVariadic, EwOp::kAdd}},
      {"Mean", {Family::kVariadic, EwOp::kAdd}},
      {"Max", {Family::kVariadic, EwOp::kMax}},
      {"Min", {Family::kVariadic, EwOp::kMin}},
      {"Equal", {Family::kCompare, EwOp::kEqual}},
      {"Less", {Family::kCompare, EwOp::kLess}},
      {"LessOrEqual", {Family::kCompare, EwOp::kLessEqual}},
      {"Greater", {Family::kCompare, EwOp::kGreater}},
      {"GreaterOrEqual", {Family::kCompare, EwOp::kGreaterEqual}},
      {"And", {Family::kLogical, EwOp::kAnd}},
      {"Or", {Family::kLogical, EwOp::kOr}},
      {"Xor", {Family::kLogical, EwOp::kXor}},
      {"Not", {Family::kLogical, EwOp::kNot}},
      {"IsNaN", {Family::kIsClass, EwOp::kIsNaN}},
      {"IsInf", {Family::kIsClass, EwOp::kIsInf}},
      {"Clip", {Family::kClip, EwOp::kClip}},
      {"Where", {Family::kWhere, EwOp::kWhere}},
      {"Cast", {Family::kCast, EwOp::kCopy}},
      {"CastLike", {Family::kCast, EwOp::kCopy}},
      {"BatchNormalization", {Family::kBatchNorm, EwOp::kCopy}},
  };
  return *table;
}

const OpInfo* FindInfo(const graph::Node& node) {
  if (!node.domain().empty()) return nullptr;
  auto it = OpTable().find(node.op_type());
  return it == OpTable().end() ? nullptr : &it->second;
}

// Sources whose every value is exact in float32 convert to any type;
// wider ones only to float32 or bool (an extra rounding step otherwise).
bool ExactInFloat(DataType t) {
  switch (t) {
    case DataType::kFloat32: case DataType::kFloat16: case DataType::kBFloat16: case DataType::kInt8:
    case DataType::kUInt8: case DataType::kInt16: case DataType::kUInt16: case DataType::kBool:
      return true;
    default:
      return false;
  }
}

DataType CastTarget(const graph::Node& node) {
  if (node.op_type() == "CastLike") return InputType(node, 1);
  absl::StatusOr<int64_t> to = node.GetInt("to", 0);
  if (!to.ok() || !IsKnownDataType(static_cast<int32_t>(*to))) return DataType::kUndefined;
  return static_cast<DataType>(*to);
}

absl::Status CheckFloatInputs(const graph::Node& node, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (!IsGpuFloat(InputType(node, i))) {
      return Unsupported(node, absl::StrCat("input ", i, " has type ", DataTypeName(InputType(node, i)),
                                            "; the GPU kernels take float32/float16/bfloat16"));
    }
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------- program builder

struct Leaf {
  const graph::Value* value;
  int channel_of;  // >= 0: viewed as [C,1,..] against that leaf's rank (BatchNormalization)
};

class ProgramBuilder {
 public:
  absl::StatusOr<int> Operand(const graph::Value* v) {
    if (auto it = defined_.find(v); it != defined_.end()) return it->second;
    for (size_t i = 0; i < leaves_.size(); ++i) {
      if (leaves_[i].value == v && leaves_[i].channel_of < 0) return static_cast<int>(i);
    }
    return AddLeaf(Leaf{v, -1});
  }
  absl::StatusOr<int> ChannelOperand(const graph::Value* v, int x_leaf) { return AddLeaf(Leaf{v, x_leaf}); }
  bool IsLeaf(int reg) const { return reg < kernels::kMaxEwInputs; }

  absl::StatusOr<int> Emit(EwOp op, int a, int b = 0, int c = 0, float p0 = 0.0f, float p1 = 0.0f) {
    if (instrs_.size() >= static_cast<size_t>(kernels::kMaxEwInstrs)) {
      return absl::ResourceExhaustedError("fused elementwise program exceeds the instruction limit");
    }
    const int dst = kernels::kMaxEwInputs + static_cast<int>(instrs_.size());
    kernels::EwInstr ins;
    ins.op = op;
    ins.dst = static_cast<uint8_t>(dst);
    ins.a = static_cast<uint8_t>(a);
    ins.b = static_cast<uint8_t>(b);
    ins.c = static_cast<uint8_t>(c);
    ins.p0 = p0;
    ins.p1 = p1;
    instrs_.push_back(ins);
    return dst;
  }
  void Define(const graph::Value* v, int reg) { defined_[v] = reg; }
  int Register(const graph::Value* v) const { return defined_.at(v); }

  const std::vector<Leaf>& leaves() const { return leaves_; }
  const std::vector<kernels::EwInstr>& instrs() const { return instrs_; }

 private:
  absl::StatusOr<int> AddLeaf(Leaf leaf) {
    if (leaves_.size() >= static_cast<size_t>(kernels::kMaxEwInputs)) {
      return absl::ResourceExhaustedError("fused elementwise program exceeds the input limit");
    }
    leaves_.push_back(leaf);
    return static_cast<int>(leaves_.size()) - 1;
  }

  std::vector<Leaf> leaves_;
  std::vector<kernels::EwInstr> instrs_;
  absl::flat_hash_map<const graph::Value*, int> defined_;
};

absl::StatusOr<float> FloatAttr(const graph::Node& node, const char* name, float dflt) {
  return node.GetFloat(name, dflt);
}

// Emits the instructions computing node's (first) output.
absl::Status EmitNode(const graph::Node& node, ProgramBuilder& b) {
  const OpInfo* info = FindInfo(node);
  if (info == nullptr) return Unsupported(node, "not an elementwise op");
  const graph::Value* out = node.output(0);
  switch (info->family) {
    case Family::kFloatUnary:
    case Family::kIsClass: {
      BRAID_ASSIGN_OR_RETURN(int x, b.Operand(node.input(0)));
      float p0 = 0.0f, p1 = 0.0f;
      EwOp op = info->op;
      const std::string& t = node.op_type();
      if (t == "LeakyRelu") {
        BRAID_ASSIGN_OR_RETURN(p0, FloatAttr(node, "alpha", 0.01f));
      } else if (t == "Elu" || t == "Celu" || t == "ThresholdedRelu") {
        BRAID_ASSIGN_OR_RETURN(p0, FloatAttr(node, "alpha", 1.0f));
      } else if (t == "Selu") {
        BRAID_ASSIGN_OR_RETURN(p0, FloatAttr(node, "alpha", 1.67326319217681884765625f));
        BRAID_ASSIGN_OR_RETURN(p1, FloatAttr(node, "gamma", 1.05070102214813232421875f));
      } else if (t == "HardSigmoid") {
        BRAID_ASSIGN_OR_RETURN(p0, FloatAttr(node, "alpha", 0.2f));
        BRAID_ASSIGN_OR_RETURN(p1, FloatAttr(node, "beta", 0.5f));
      } else if (t == "Gelu") {
        BRAID_ASSIGN_OR_RETURN(std::string approx, node.GetString("approximate", std::string("none")));
        if (approx == "tanh") op = EwOp::kGeluTanh;
      } else if (t == "IsInf") {
        BRAID_ASSIGN_OR_RETURN(int64_t pos, node.GetInt("detect_positive", 1));
        BRAID_ASSIGN_OR_RETURN(int64_t neg, node.GetInt("detect_negative", 1));
        p0 = pos != 0 ? 1.0f : 0.0f;
        p1 = neg != 0 ? 1.0f : 0.0f;
      }
      BRAID_ASSIGN_OR_RETURN(int r, b.Emit(op, x, 0, 0, p0, p1));
      b.Define(out, r);
      return absl::OkStatus();
    }
    case Family::kFloatBinary:
    case Family::kCompare:
    case Family::kLogical: {
      BRAID_ASSIGN_OR_RETURN(int x, b.Operand(node.input(0)));
      if (info->op == EwOp::kPRelu && node.opset() < 7) {
        // Before opset 7 the slope is per channel (dim 1 of X), or one value.
        if (!b.IsLeaf(x)) return Unsupported(node, "input X must be materialized");
        BRAID_ASSIGN_OR_RETURN(int slope, b.ChannelOperand(node.input(1), x));
        BRAID_ASSIGN_OR_RETURN(int r, b.Emit(EwOp::kPRelu, x, slope));
        b.Define(out, r);
        return absl::OkStatus();
      }
      int y = 0;
      if (info->op != EwOp::kNot) {
        BRAID_ASSIGN_OR_RETURN(y, b.Operand(node.input(1)));
      }
      BRAID_ASSIGN_OR_RETURN(int r, b.Emit(info->op, x, y));
      b.Define(out, r);
      return absl::OkStatus();
    }
    case Family::kVariadic: {
      BRAID_ASSIGN_OR_RETURN(int acc, b.Operand(node.input(0)));
      const size_t n = node.inputs().size();
      for (size_t i = 1; i < n; ++i) {
        BRAID_ASSIGN_OR_RETURN(int y, b.Operand(node.input(i)));
        BRAID_ASSIGN_OR_RETURN(acc, b.Emit(info->op, acc, y));
      }
      if (node.op_type() == "Mean" && n > 1) {
        BRAID_ASSIGN_OR_RETURN(acc, b.Emit(EwOp::kMulConst, acc, 0, 0, 1.0f / static_cast<float>(n)));
      }
      b.Define(out, acc);
      return absl::OkStatus();
    }
    case Family::kClip: {
      BRAID_ASSIGN_OR_RETURN(int x, b.Operand(node.input(0)));
      float lo = -3.402823466e38f, hi = 3.402823466e38f;
      if (node.opset() < 11) {
        BRAID_ASSIGN_OR_RETURN(lo, FloatAttr(node, "min", lo));
        BRAID_ASSIGN_OR_RETURN(hi, FloatAttr(node, "max", hi));
      } else {
        if (HasInput(node, 1)) lo = ConstantScalar(node, 1).value_or(lo);
        if (HasInput(node, 2)) hi = ConstantScalar(node, 2).value_or(hi);
      }
      BRAID_ASSIGN_OR_RETURN(int r, b.Emit(EwOp::kClip, x, 0, 0, lo, hi));
      b.Define(out, r);
      return absl::OkStatus();
    }
    case Family::kWhere: {
      BRAID_ASSIGN_OR_RETURN(int c, b.Operand(node.input(0)));
      BRAID_ASSIGN_OR_RETURN(int x, b.Operand(node.input(1)));
      BRAID_ASSIGN_OR_RETURN(int y, b.Operand(node.input(2)));
      BRAID_ASSIGN_OR_RETURN(int r, b.Emit(EwOp::kWhere, c, x, y));
      b.Define(out, r);
      return absl::OkStatus();
    }
    case Family::kCast: {
      BRAID_ASSIGN_OR_RETURN(int x, b.Operand(node.input(0)));
      const DataType to = CastTarget(node);
      int r = x;
      if (to != InputType(node, 0)) {
        switch (to) {
          case DataType::kFloat32: case DataType::kFloat64: break;
          case DataType::kFloat16: {
            BRAID_ASSIGN_OR_RETURN(r, b.Emit(EwOp::kRoundToF16, x));
            break;
          }
          case DataType::kBFloat16: {
            // Before opset 19 Cast truncates to bfloat16 (the ONNX reference).
            BRAID_ASSIGN_OR_RETURN(r, b.Emit(node.opset() < 19 ? EwOp::kTruncToBF16 : EwOp::kRoundToBF16, x));
            break;
          }
          case DataType::kBool: {
            BRAID_ASSIGN_OR_RETURN(r, b.Emit(EwOp::kToBool, x));
            break;
          }
          default: {
            BRAID_ASSIGN_OR_RETURN(r, b.Emit(EwOp::kTruncate, x, 0, 0, static_cast<float>(static_cast<int32_t>(to))));
            break;
          }
        }
      }
      b.Define(out, r);
      return absl::OkStatus();
    }
    case Family::kBatchNorm: {
      BRAID_ASSIGN_OR_RETURN(int x, b.Operand(node.input(0)));
      if (!b.IsLeaf(x)) return Unsupported(node, "input X must be materialized");
      BRAID_ASSIGN_OR_RETURN(float eps, FloatAttr(node, "epsilon", 1e-5f));
      BRAID_ASSIGN_OR_RETURN(int scale, b.ChannelOperand(node.input(1), x));
      BRAID_ASSIGN_OR_RETURN(int bias, b.ChannelOperand(node.input(2), x));
      BRAID_ASSIGN_OR_RETURN(int mean, b.ChannelOperand(node.input(3), x));
      BRAID_ASSIGN_OR_RETURN(int var, b.ChannelOperand(node.input(4), x));
      BRAID_ASSIGN_OR_RETURN(int t, b.Emit(EwOp::kAddConst, var, 0, 0, eps));
      BRAID_ASSIGN_OR_RETURN(t, b.Emit(EwOp::kSqrt, t));
      BRAID_ASSIGN_OR_RETURN(int d, b.Emit(EwOp::kSub, x, mean));
      BRAID_ASSIGN_OR_RETURN(d, b.Emit(EwOp::kDiv, d, t));
      BRAID_ASSIGN_OR_RETURN(d, b.Emit(EwOp::kMul, d, scale));
      BRAID_ASSIGN_OR_RETURN(d, b.Emit(EwOp::kAdd, d, bias));
      b.Define(out, d);
      return absl::OkStatus();
    }
  }
  return Unsupported(node, "unknown elementwise family");
}

// ---------------------------------------------------------------- step

class ElementwiseStep : public Step {
 public:
  ElementwiseStep(std::string name, std::vector<int> leaf_slots, std::vector<int> channel_of,
                  std::vector<DataType> leaf_types, std::vector<kernels::EwInstr> instrs, int result, int out_slot,
                  DataType out_type)
      : Step(std::move(name)),
        leaf_slots_(std::move(leaf_slots)),
        channel_of_(std::move(channel_of)),
        leaf_types_(std::move(leaf_types)),
        instrs_(std::move(instrs)),
        result_(result),
        out_slot_(out_slot),
        out_type_(out_type) {}

  absl::Status Run(RunState& state) const override {
    const size_t n = leaf_slots_.size();
    std::vector<Shape> shapes(n);
    for (size_t i = 0; i < n; ++i) {
      const Tensor& t = state.slot(leaf_slots_[i]);
      if (!t.defined()) return absl::InvalidArgumentError(absl::StrCat(name(), ": input ", i, " is missing"));
      if (t.dtype() != leaf_types_[i]) {
        return absl::InvalidArgumentError(absl::StrCat(name(), ": input ", i, " is ", DataTypeName(t.dtype()),
                                                       ", compiled for ", DataTypeName(leaf_types_[i])));
      }
      shapes[i] = t.shape();
    }
    Shape out_shape;
    for (size_t i = 0; i < n; ++i) {
      if (channel_of_[i] >= 0 && Product(shapes[i], 0, shapes[i].size()) == 1) {
        shapes[i] = Shape{};  // one value for every channel
      } else if (channel_of_[i] >= 0) {
        const Shape& xs = shapes[channel_of_[i]];
        if (xs.size() < 2 || Product(shapes[i], 0, shapes[i].size()) != xs[1]) {
          return absl::InvalidArgumentError(absl::StrCat(name(), ": per-channel input of shape ",
                                                         ShapeToString(shapes[i]), " does not match X ",
                                                         ShapeToString(xs)));
        }
        Shape view(xs.size() - 1, 1);
        view[0] = xs[1];
        shapes[i] = view;
      }
    }
    for (size_t i = 0; i < n; ++i) {
      absl::StatusOr<Shape> b = BroadcastShapes(out_shape, shapes[i]);
      if (!b.ok()) return absl::InvalidArgumentError(absl::StrCat(name(), ": ", b.status().message()));
      out_shape = *std::move(b);
    }
    if (out_shape.size() > static_cast<size_t>(kernels::kMaxRank)) {
      return absl::UnimplementedError(absl::StrCat(name(), ": rank ", out_shape.size(), " exceeds the GPU limit"));
    }
    BRAID_ASSIGN_OR_RETURN(Tensor out, state.Allocate(out_type_, out_shape));
    kernels::ElementwiseArgs args{};
    args.rank = static_cast<int>(out_shape.size());
    for (size_t d = 0; d < out_shape.size(); ++d) args.dims[d] = out_shape[d];
    args.count = out.num_elements();
    args.out = out.raw_data();
    args.out_type = ToElemType(out_type_);
    args.num_inputs = static_cast<int>(n);
    for (size_t i = 0; i < n; ++i) {
      kernels::EwInput& in = args.inputs[i];
      in.data = state.slot(leaf_slots_[i]).raw_data();
      in.type = ToElemType(leaf_types_[i]);
      in.contiguous = shapes[i] == out_shape;
      std::vector<int64_t> strides = BroadcastStrides(shapes[i], out_shape);
      for (size_t d = 0; d < strides.size(); ++d) in.strides[d] = strides[d];
    }
    args.num_instrs = static_cast<int>(instrs_.size());
    for (size_t k = 0; k < instrs_.size(); ++k) args.instrs[k] = instrs_[k];
    args.result = result_;
    BRAID_RETURN_IF_ERROR(
        state.CheckLaunch(state.kernels().elementwise(args, state.launch_context()), "elementwise", name()));
    state.slot(out_slot_) = std::move(out);
    return absl::OkStatus();
  }

 private:
  std::vector<int> leaf_slots_;
  std::vector<int> channel_of_;
  std::vector<DataType> leaf_types_;
  std::vector<kernels::EwInstr> instrs_;
  int result_;
  int out_slot_;
  DataType out_type_;
};

absl::StatusOr<ProgramBuilder> BuildProgram(std::span<const graph::Node* const> nodes) {
  ProgramBuilder b;
  for (const graph::Node* node : nodes) BRAID_RETURN_IF_ERROR(EmitNode(*node, b));
  return b;
}

}  // namespace

bool IsElementwiseOp(const graph::Node& node) { return FindInfo(node) != nullptr; }

absl::Status CanRunElementwise(const graph::Node& node) {
  const OpInfo* info = FindInfo(node);
  if (info == nullptr) return Unsupported(node, "not an elementwise op");
  const DataType out = OutputType(node, 0);
  for (size_t i = 1; i < node.outputs().size(); ++i) {
    if (OutputUsed(node, i)) return Unsupported(node, absl::StrCat("output ", i, " is not produced on the GPU"));
  }
  switch (info->family) {
    case Family::kFloatUnary:
      if (node.inputs().size() != 1) return Unsupported(node, "expects one input");
      BRAID_RETURN_IF_ERROR(CheckFloatInputs(node, 1));
      break;
    case Family::kIsClass:
      if (node.inputs().size() != 1) return Unsupported(node, "expects one input");
      BRAID_RETURN_IF_ERROR(CheckFloatInputs(node, 1));
      if (out != DataType::kBool) return Unsupported(node, "output must be bool");
      return absl::OkStatus();
    case Family::kFloatBinary:
      if (node.inputs().size() != 2 || !HasInput(node, 1)) return Unsupported(node, "expects two inputs");
      BRAID_RETURN_IF_ERROR(CheckFloatInputs(node, 2));
      if (node.opset() < 7 && node.HasAttribute("axis")) {
        return Unsupported(node, "legacy broadcasting along an axis (opset < 7)");
      }
      if (node.op_type() != "PRelu" && InputType(node, 0) != InputType(node, 1)) {
        return Unsupported(node, "inputs of different types");
      }
      if (node.op_type() == "Mod") {
        BRAID_ASSIGN_OR_RETURN(int64_t fmod, node.GetInt("fmod", 0));
        if (fmod != 1) return Unsupported(node, "float Mod requires fmod=1");
      }
      break;
    case Family::kVariadic:
      if (node.inputs().empty()) return Unsupported(node, "needs at least one input");
      for (size_t i = 0; i < node.inputs().size(); ++i) {
        if (!HasInput(node, i)) return Unsupported(node, "omitted input");
      }
      BRAID_RETURN_IF_ERROR(CheckFloatInputs(node, node.inputs().size()));
      for (size_t i = 1; i < node.inputs().size(); ++i) {
        if (InputType(node, i) != InputType(node, 0)) return Unsupported(node, "inputs of different types");
      }
      break;
    case Family::kCompare:
      if (node.inputs().size() != 2) return Unsupported(node, "expects two inputs");
      BRAID_RETURN_IF_ERROR(CheckFloatInputs(node, 2));
      if (InputType(node, 0) != InputType(node, 1)) return Unsupported(node, "inputs of different types");
      if (out != DataType::kBool) return Unsupported(node, "output must be bool");
      if (node.opset() < 7 && node.HasAttribute("axis")) {
        return Unsupported(node, "legacy broadcasting along an axis (opset < 7)");
      }
      return absl::OkStatus();
    case Family::kLogical:
      if (node.opset() < 7 && node.HasAttribute("axis")) {
        return Unsupported(node, "legacy broadcasting along an axis (opset < 7)");
      }
      for (size_t i = 0; i < node.inputs().size(); ++i) {
        if (InputType(node, i) != DataType::kBool) return Unsupported(node, "inputs must be bool");
      }
      if (node.inputs().size() != (info->op == EwOp::kNot ? 1u : 2u)) return Unsupported(node, "wrong input count");
      if (out != DataType::kBool) return Unsupported(node, "output must be bool");
      return absl::OkStatus();
    case Family::kClip:
      BRAID_RETURN_IF_ERROR(CheckFloatInputs(node, 1));
      for (size_t i = 1; i < 3; ++i) {
        if (HasInput(node, i) && !ConstantScalar(node, i).has_value()) {
          return Unsupported(node, "min/max must be constant scalars");
        }
      }
      break;
    case Family::kWhere:
      if (node.inputs().size() != 3) return Unsupported(node, "expects three inputs");
      if (InputType(node, 0) != DataType::kBool) return Unsupported(node, "condition must be bool");
      if (!IsGpuFloat(InputType(node, 1)) || InputType(node, 1) != InputType(node, 2)) {
        return Unsupported(node, "values must be float32/float16/bfloat16 of one type");
      }
      break;
    case Family::kCast: {
      const DataType from = InputType(node, 0);
      const DataType to = CastTarget(node);
      if (!IsElementwiseLoadable(from) || !IsElementwiseLoadable(to)) {
        return Unsupported(node, absl::StrCat("cast ", DataTypeName(from), " -> ", DataTypeName(to)));
      }
      if (!ExactInFloat(from) && from != to && to != DataType::kFloat32 && to != DataType::kBool) {
        return Unsupported(node, absl::StrCat("cast ", DataTypeName(from), " -> ", DataTypeName(to),
                                              " would round twice through float32"));
      }
      if (out != to) return Unsupported(node, "output type differs from 'to'");
      return absl::OkStatus();
    }
    case Family::kBatchNorm: {
      if (node.inputs().size() != 5) return Unsupported(node, "expects five inputs");
      BRAID_ASSIGN_OR_RETURN(int64_t training, node.GetInt("training_mode", 0));
      if (training != 0) return Unsupported(node, "training mode");
      if (node.opset() < 7) return Unsupported(node, "opset below 7");
      BRAID_RETURN_IF_ERROR(CheckFloatInputs(node, 5));
      const int64_t rank = InputRank(node, 0);
      if (rank >= 0 && rank < 2) return Unsupported(node, "X must have rank >= 2");
      break;
    }
  }
  const DataType expect = info->family == Family::kWhere ? InputType(node, 1) : InputType(node, 0);
  if (out != expect) {
    return Unsupported(node, absl::StrCat("output type ", DataTypeName(out), " does not match the inputs"));
  }
  return absl::OkStatus();
}

bool FusableInput(const graph::Node& node, size_t i) {
  const OpInfo* info = FindInfo(node);
  if (info == nullptr || info->family == Family::kBatchNorm) return false;
  return !(info->op == EwOp::kPRelu && node.opset() < 7);  // per-channel slope needs X as loaded
}

bool FitsOneProgram(std::span<const graph::Node* const> nodes) { return BuildProgram(nodes).ok(); }

absl::StatusOr<std::unique_ptr<Step>> BuildElementwiseStep(std::span<const graph::Node* const> nodes,
                                                           SlotMap& slots) {
  if (nodes.empty()) return absl::InternalError("empty elementwise group");
  BRAID_ASSIGN_OR_RETURN(ProgramBuilder b, BuildProgram(nodes));
  const graph::Node& last = *nodes.back();
  std::vector<int> leaf_slots, channel_of;
  std::vector<DataType> leaf_types;
  for (const Leaf& leaf : b.leaves()) {
    leaf_slots.push_back(slots.Add(leaf.value));
    channel_of.push_back(leaf.channel_of);
    leaf_types.push_back(leaf.value->type().elem_type);
  }
  std::string name;
  for (const graph::Node* n : nodes) absl::StrAppend(&name, name.empty() ? "" : "+", n->name());
  name = absl::StrCat("node '", name, "' (", nodes.size() == 1 ? last.op_type() : "fused elementwise", ")");
  return std::unique_ptr<Step>(new ElementwiseStep(std::move(name), std::move(leaf_slots), std::move(channel_of),
                                                   std::move(leaf_types), b.instrs(), b.Register(last.output(0)),
                                                   slots.Add(last.output(0)), OutputType(last, 0)));
}

}  // namespace braid::backends::gpu
