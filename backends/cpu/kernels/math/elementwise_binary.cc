// Binary element-wise ops with broadcasting: arithmetic, comparisons,
// logical ops.
#include <cmath>
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/binary_loop.h"
#include "backends/cpu/kernels/broadcast.h"

namespace braid::backends::cpu {
namespace {

enum class BinaryOp { kAdd, kSub, kMul, kDiv, kEqual, kLess, kGreater, kLessOrEqual, kGreaterOrEqual, kAnd, kOr, kXor };

// Applies `op` on compute types; results converted back to storage type R.
template <BinaryOp kOp, typename T>
struct Apply {
  using C = ComputeType<T>;
  static auto Do(T a, T b) {
    C x = CastTo<C>(a), y = CastTo<C>(b);
    if constexpr (kOp == BinaryOp::kAdd) return CastTo<T>(static_cast<C>(x + y));
    if constexpr (kOp == BinaryOp::kSub) return CastTo<T>(static_cast<C>(x - y));
    if constexpr (kOp == BinaryOp::kMul) return CastTo<T>(static_cast<C>(x * y));
    if constexpr (kOp == BinaryOp::kDiv) {
      if constexpr (std::is_integral_v<C>) {
        return static_cast<T>(y == 0 ? C{0} : static_cast<C>(x / y));  // integer division by zero yields 0
      } else {
        return CastTo<T>(static_cast<C>(x / y));
      }
    }
    if constexpr (kOp == BinaryOp::kEqual) return x == y;
    if constexpr (kOp == BinaryOp::kLess) return x < y;
    if constexpr (kOp == BinaryOp::kGreater) return x > y;
    if constexpr (kOp == BinaryOp::kLessOrEqual) return x <= y;
    if constexpr (kOp == BinaryOp::kGreaterOrEqual) return x >= y;
    if constexpr (kOp == BinaryOp::kAnd) return static_cast<bool>(x) && static_cast<bool>(y);
    if constexpr (kOp == BinaryOp::kOr) return static_cast<bool>(x) || static_cast<bool>(y);
    if constexpr (kOp == BinaryOp::kXor) return static_cast<bool>(x) != static_cast<bool>(y);
  }
};

constexpr bool IsComparison(BinaryOp op) { return op >= BinaryOp::kEqual; }

template <BinaryOp kOp, typename Types>
class BinaryKernel : public Kernel {
 public:
  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* a, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* b, ctx.RequireTensor(1));
    if (a->dtype() != b->dtype()) {
      return ctx.Error(absl::StrCat("operand types differ: ", DataTypeName(a->dtype()), " and ",
                                    DataTypeName(b->dtype())));
    }
    BRAID_ASSIGN_OR_RETURN(Shape shape, BroadcastShapes(a->shape(), b->shape()));
    DataType out_type = IsComparison(kOp) ? DataType::kBool : a->dtype();
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, out_type, shape));
    return Dispatch<Types>(a->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using R = std::conditional_t<IsComparison(kOp), bool, T>;
      BroadcastBinary<T, T, R>(ctx, *a, *b, *out, [](T x, T y) { return static_cast<R>(Apply<kOp, T>::Do(x, y)); });
      return absl::OkStatus();
    });
  }
};

using StringOrNumeric = TypeList<float, double, Float16, BFloat16, int8_t, int16_t, int32_t, int64_t, uint8_t,
                                 uint16_t, uint32_t, uint64_t, bool, std::string>;

template <BinaryOp kOp, typename Types>
void AddBinary(KernelRegistry& r, const char* name, int since = 1) {
  r.Add(name, since, INT_MAX, SimpleFactory<BinaryKernel<kOp, Types>>());
}

}  // namespace

void RegisterBinaryKernels(KernelRegistry& r) {
  AddBinary<BinaryOp::kAdd, NumericTypes>(r, "Add");
  AddBinary<BinaryOp::kSub, NumericTypes>(r, "Sub");
  AddBinary<BinaryOp::kMul, NumericTypes>(r, "Mul");
  AddBinary<BinaryOp::kDiv, NumericTypes>(r, "Div");
  AddBinary<BinaryOp::kEqual, NumericBoolTypes>(r, "Equal");
  AddBinary<BinaryOp::kLess, NumericTypes>(r, "Less");
  AddBinary<BinaryOp::kGreater, NumericTypes>(r, "Greater");
  AddBinary<BinaryOp::kLessOrEqual, NumericTypes>(r, "LessOrEqual");
  AddBinary<BinaryOp::kGreaterOrEqual, NumericTypes>(r, "GreaterOrEqual");
  AddBinary<BinaryOp::kAnd, TypeList<bool>>(r, "And");
  AddBinary<BinaryOp::kOr, TypeList<bool>>(r, "Or");
  AddBinary<BinaryOp::kXor, TypeList<bool>>(r, "Xor");
}

}  // namespace braid::backends::cpu
