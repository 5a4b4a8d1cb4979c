// Binary element-wise ops with broadcasting: arithmetic, comparisons,
// logical ops, BitShift.
#include <climits>
#include <cmath>
#include <string>
#include <type_traits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/binary_loop.h"
#include "backends/cpu/kernels/broadcast.h"
#include "backends/cpu/kernels/math/legacy_broadcast.h"
#include "backends/cpu/kernels/math/math_util.h"

namespace braid::backends::cpu {
namespace {

enum class BinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kShiftLeft,
  kShiftRight,
  // Comparisons and logical ops (bool results) from here on.
  kEqual,
  kLess,
  kGreater,
  kLessOrEqual,
  kGreaterOrEqual,
  kAnd,
  kOr,
  kXor
};

constexpr bool IsComparison(BinaryOp op) { return op >= BinaryOp::kEqual; }

// Applies `op` on compute types; results converted back to storage type T.
template <BinaryOp kOp, typename T>
struct Apply {
  using C = ComputeType<T>;
  static auto Do(const T& a, const T& b) {
    if constexpr (std::is_same_v<T, std::string>) {
      static_assert(kOp == BinaryOp::kEqual);
      return a == b;
    } else {
      C x = CastTo<C>(a), y = CastTo<C>(b);
      if constexpr (kOp == BinaryOp::kAdd) return CastTo<T>(static_cast<C>(x + y));
      if constexpr (kOp == BinaryOp::kSub) return CastTo<T>(static_cast<C>(x - y));
      if constexpr (kOp == BinaryOp::kMul) return CastTo<T>(static_cast<C>(x * y));
      if constexpr (kOp == BinaryOp::kDiv) {
        if constexpr (std::is_integral_v<C>) {
          // Integer division by zero yields 0; INT_MIN / -1 wraps to INT_MIN.
          if (y == 0) return T{0};
          if constexpr (std::is_signed_v<C>) {
            if (y == C{-1}) return static_cast<T>(std::make_unsigned_t<C>{0} - static_cast<std::make_unsigned_t<C>>(x));
          }
          return static_cast<T>(x / y);
        } else {
          return CastTo<T>(static_cast<C>(x / y));
        }
      }
      if constexpr (kOp == BinaryOp::kShiftLeft || kOp == BinaryOp::kShiftRight) {
        constexpr C kBits = static_cast<C>(sizeof(C) * CHAR_BIT);
        if (y >= kBits) return T{0};
        return static_cast<T>(kOp == BinaryOp::kShiftLeft ? static_cast<C>(x << y) : static_cast<C>(x >> y));
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
  }
};

template <BinaryOp kOp, typename Types>
class BinaryKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<BinaryKernel>();
    BRAID_ASSIGN_OR_RETURN(k->legacy_, LegacyBroadcast::Parse(init));
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* a, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* b_in, ctx.RequireTensor(1));
    if (a->dtype() != b_in->dtype()) {
      return ctx.Error(absl::StrCat("operand types differ: ", DataTypeName(a->dtype()), " and ",
                                    DataTypeName(b_in->dtype())));
    }
    auto b = legacy_.AlignSecond(*a, *b_in);
    if (!b.ok()) return WithNode(ctx, b.status());
    auto shape = BroadcastShapes(a->shape(), b->shape());
    if (!shape.ok()) return WithNode(ctx, shape.status());
    DataType out_type = IsComparison(kOp) ? DataType::kBool : a->dtype();
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, out_type, *shape));
    return WithNode(ctx, Dispatch<Types>(a->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using R = std::conditional_t<IsComparison(kOp), bool, T>;
      BroadcastBinary<T, T, R>(ctx, *a, *b, *out,
                               [](const T& x, const T& y) { return static_cast<R>(Apply<kOp, T>::Do(x, y)); });
      return absl::OkStatus();
    }));
  }

 private:
  LegacyBroadcast legacy_;
};

absl::StatusOr<std::unique_ptr<Kernel>> CreateBitShift(const KernelInit& init) {
  BRAID_ASSIGN_OR_RETURN(std::string direction, init.GetString("direction"));
  if (direction == "LEFT") return BinaryKernel<BinaryOp::kShiftLeft, UnsignedIntTypes>::Create(init);
  if (direction == "RIGHT") return BinaryKernel<BinaryOp::kShiftRight, UnsignedIntTypes>::Create(init);
  return init.Error(absl::StrCat("direction must be LEFT or RIGHT, got '", direction, "'"));
}

using EqualTypes = TypeList<float, double, Float16, BFloat16, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t,
                            uint32_t, uint64_t, bool, std::string>;

template <BinaryOp kOp, typename Types>
void AddBinary(KernelRegistry& r, const char* name) {
  r.Add(name, FactoryOf<BinaryKernel<kOp, Types>>());
}

}  // namespace

void RegisterBinaryKernels(KernelRegistry& r) {
  AddBinary<BinaryOp::kAdd, NumericTypes>(r, "Add");
  AddBinary<BinaryOp::kSub, NumericTypes>(r, "Sub");
  AddBinary<BinaryOp::kMul, NumericTypes>(r, "Mul");
  AddBinary<BinaryOp::kDiv, NumericTypes>(r, "Div");
  AddBinary<BinaryOp::kEqual, EqualTypes>(r, "Equal");
  AddBinary<BinaryOp::kLess, NumericTypes>(r, "Less");
  AddBinary<BinaryOp::kGreater, NumericTypes>(r, "Greater");
  AddBinary<BinaryOp::kLessOrEqual, NumericTypes>(r, "LessOrEqual");
  AddBinary<BinaryOp::kGreaterOrEqual, NumericTypes>(r, "GreaterOrEqual");
  AddBinary<BinaryOp::kAnd, TypeList<bool>>(r, "And");
  AddBinary<BinaryOp::kOr, TypeList<bool>>(r, "Or");
  AddBinary<BinaryOp::kXor, TypeList<bool>>(r, "Xor");
  r.Add("BitShift", CreateBitShift);
}

}  // namespace braid::backends::cpu
