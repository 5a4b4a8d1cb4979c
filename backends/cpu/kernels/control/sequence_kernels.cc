// Sequence ops: SequenceEmpty, SequenceConstruct, SequenceInsert,
// SequenceAt, SequenceErase, SequenceLength. Sequences hold tensor handles,
// so these ops never copy element data.
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/control/tensor_util.h"

namespace braid::backends::cpu {
namespace {

absl::StatusOr<const Value*> RequireSequence(const KernelContext& ctx, int i) {
  if (!ctx.has_input(i)) return ctx.Error(absl::StrCat("input ", i, " (a sequence) is required"));
  const Value& v = ctx.input_value(i);
  if (!v.is_sequence()) return ctx.Error(absl::StrCat("input ", i, " must be a sequence, got ", v.DebugString()));
  return &v;
}

// Reads the optional `position` input i; `allow_end` admits position == n
// (insertion). Returns the normalized index, or `dflt` when absent.
absl::StatusOr<int64_t> ReadPosition(const KernelContext& ctx, int i, int64_t n, bool allow_end, int64_t dflt) {
  if (!ctx.has_input(i)) return dflt;
  BRAID_ASSIGN_OR_RETURN(const Tensor* p, ctx.RequireTensor(i));
  absl::StatusOr<int64_t> pos = control::ReadIntScalar(*p, "position");
  if (!pos.ok()) return ctx.Error(std::string(pos.status().message()));
  int64_t hi = allow_end ? n : n - 1;
  if (*pos < -n || *pos > hi) {
    return ctx.Error(absl::StrCat("position ", *pos, " is out of range [", -n, ", ", hi, "] for a sequence of length ",
                                  n));
  }
  return *pos < 0 ? *pos + n : *pos;
}

class SequenceEmptyKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    BRAID_ASSIGN_OR_RETURN(int64_t dtype, init.GetInt("dtype", static_cast<int64_t>(DataType::kFloat32)));
    if (!IsKnownDataType(static_cast<int32_t>(dtype)) || dtype == 0) {
      return init.Error(absl::StrCat("dtype ", dtype, " is not a tensor element type"));
    }
    auto k = std::make_unique<SequenceEmptyKernel>();
    k->dtype_ = static_cast<DataType>(dtype);
    return std::unique_ptr<Kernel>(std::move(k));
  }
  absl::Status Compute(KernelContext& ctx) const override {
    ctx.SetOutput(0, Value::Sequence({}, dtype_));
    return absl::OkStatus();
  }

 private:
  DataType dtype_ = DataType::kFloat32;
};

absl::Status SequenceConstruct(KernelContext& ctx) {
  if (ctx.num_inputs() < 1) return ctx.Error("needs at least one input");
  std::vector<Tensor> items;
  items.reserve(ctx.num_inputs());
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    BRAID_ASSIGN_OR_RETURN(const Tensor* t, ctx.RequireTensor(i));
    if (!items.empty() && t->dtype() != items[0].dtype()) {
      return ctx.Error(absl::StrCat("input ", i, " is ", DataTypeName(t->dtype()), " but input 0 is ",
                                    DataTypeName(items[0].dtype()), "; sequence elements share one type"));
    }
    items.push_back(*t);
  }
  DataType dtype = items[0].dtype();
  ctx.SetOutput(0, Value::Sequence(std::move(items), dtype));
  return absl::OkStatus();
}

absl::Status SequenceInsert(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(const Value* seq, RequireSequence(ctx, 0));
  BRAID_ASSIGN_OR_RETURN(const Tensor* t, ctx.RequireTensor(1));
  DataType elem = seq->sequence_element_type();
  if (elem != DataType::kUndefined && elem != t->dtype()) {
    return ctx.Error(absl::StrCat("cannot insert a ", DataTypeName(t->dtype()), " tensor into a sequence of ",
                                  DataTypeName(elem)));
  }
  int64_t n = static_cast<int64_t>(seq->sequence().size());
  BRAID_ASSIGN_OR_RETURN(int64_t pos, ReadPosition(ctx, 2, n, /*allow_end=*/true, n));
  std::vector<Tensor> items = seq->sequence();
  items.insert(items.begin() + pos, *t);
  ctx.SetOutput(0, Value::Sequence(std::move(items), t->dtype()));
  return absl::OkStatus();
}

absl::Status SequenceAt(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(const Value* seq, RequireSequence(ctx, 0));
  if (!ctx.has_input(1)) return ctx.Error("input 1 (position) is required");
  int64_t n = static_cast<int64_t>(seq->sequence().size());
  if (n == 0) return ctx.Error("cannot read an element of an empty sequence");
  BRAID_ASSIGN_OR_RETURN(int64_t pos, ReadPosition(ctx, 1, n, /*allow_end=*/false, 0));
  ctx.SetOutput(0, seq->sequence()[pos]);
  return absl::OkStatus();
}

absl::Status SequenceErase(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(const Value* seq, RequireSequence(ctx, 0));
  int64_t n = static_cast<int64_t>(seq->sequence().size());
  if (n == 0) return ctx.Error("cannot erase from an empty sequence");
  BRAID_ASSIGN_OR_RETURN(int64_t pos, ReadPosition(ctx, 1, n, /*allow_end=*/false, n - 1));
  std::vector<Tensor> items = seq->sequence();
  items.erase(items.begin() + pos);
  ctx.SetOutput(0, Value::Sequence(std::move(items), seq->sequence_element_type()));
  return absl::OkStatus();
}

absl::Status SequenceLength(KernelContext& ctx) {
  BRAID_ASSIGN_OR_RETURN(const Value* seq, RequireSequence(ctx, 0));
  BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, DataType::kInt64, {}));
  out->data<int64_t>()[0] = static_cast<int64_t>(seq->sequence().size());
  return absl::OkStatus();
}

}  // namespace

void RegisterSequenceKernels(KernelRegistry& registry) {
  registry.Add("SequenceEmpty", 11, INT_MAX, FactoryOf<SequenceEmptyKernel>());
  registry.Add("SequenceConstruct", 11, INT_MAX, FunctionFactory(SequenceConstruct));
  registry.Add("SequenceInsert", 11, INT_MAX, FunctionFactory(SequenceInsert));
  registry.Add("SequenceAt", 11, INT_MAX, FunctionFactory(SequenceAt));
  registry.Add("SequenceErase", 11, INT_MAX, FunctionFactory(SequenceErase));
  registry.Add("SequenceLength", 11, INT_MAX, FunctionFactory(SequenceLength));
}

}  // namespace braid::backends::cpu
