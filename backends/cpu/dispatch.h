// Element-type dispatch: calls a generic lambda with a value of the C++
// type matching a run-time DataType.
//
//   return DispatchFloat(t.dtype(), [&](auto tag) -> absl::Status {
//     using T = decltype(tag);
//     ...
//   });
//
// Unsupported types produce an Unimplemented status naming the type.
#ifndef BRAID_BACKENDS_CPU_DISPATCH_H_
#define BRAID_BACKENDS_CPU_DISPATCH_H_

#include <cstdint>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "braid/data_type.h"

namespace braid::backends::cpu {

template <typename... Ts>
struct TypeList {};

using FloatTypes = TypeList<float, double, Float16, BFloat16>;
using SignedIntTypes = TypeList<int8_t, int16_t, int32_t, int64_t>;
using UnsignedIntTypes = TypeList<uint8_t, uint16_t, uint32_t, uint64_t>;
using IntTypes = TypeList<int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t>;
using NumericTypes =
    TypeList<float, double, Float16, BFloat16, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t>;
using NumericBoolTypes = TypeList<float, double, Float16, BFloat16, int8_t, int16_t, int32_t, int64_t, uint8_t,
                                  uint16_t, uint32_t, uint64_t, bool>;
using AllTypes = TypeList<float, double, Float16, BFloat16, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t,
                          uint32_t, uint64_t, bool, std::string>;

namespace dispatch_internal {
template <typename F, typename... Ts>
absl::Status Run(DataType type, F&& f, TypeList<Ts...>) {
  absl::Status result = absl::UnimplementedError(absl::StrCat("element type ", DataTypeName(type), " not supported"));
  bool matched = ((type == kDataTypeOf<Ts> ? (result = f(Ts{}), true) : false) || ...);
  (void)matched;
  return result;
}
}  // namespace dispatch_internal

// Calls f(T{}) for the T in `List` whose DataType is `type`; f returns absl::Status.
template <typename List, typename F>
absl::Status Dispatch(DataType type, F&& f) {
  return dispatch_internal::Run(type, std::forward<F>(f), List{});
}
template <typename F>
absl::Status DispatchFloat(DataType type, F&& f) {
  return Dispatch<FloatTypes>(type, std::forward<F>(f));
}
template <typename F>
absl::Status DispatchNumeric(DataType type, F&& f) {
  return Dispatch<NumericTypes>(type, std::forward<F>(f));
}
template <typename F>
absl::Status DispatchAll(DataType type, F&& f) {
  return Dispatch<AllTypes>(type, std::forward<F>(f));
}

// Arithmetic type used to compute on T: float for the 16-bit floats, T otherwise.
template <typename T>
using ComputeType = std::conditional_t<std::is_same_v<T, Float16> || std::is_same_v<T, BFloat16>, float, T>;

// Converts between storage and compute types (identity except 16-bit floats).
template <typename To, typename From>
inline To CastTo(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<From, Float16> || std::is_same_v<From, BFloat16>) {
    return CastTo<To>(static_cast<float>(v));
  } else if constexpr (std::is_same_v<To, Float16> || std::is_same_v<To, BFloat16>) {
    return To(static_cast<float>(v));
  } else {
    return static_cast<To>(v);
  }
}

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_DISPATCH_H_
