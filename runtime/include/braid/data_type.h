// Element types of tensors. The numeric values match onnx.TensorProto.DataType
// so that importing and exporting tensors needs no table.
#ifndef BRAID_DATA_TYPE_H_
#define BRAID_DATA_TYPE_H_

#include <complex>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "braid/float16.h"

namespace braid {

enum class DataType : int32_t {
  kUndefined = 0,
  kFloat32 = 1,
  kUInt8 = 2,
  kInt8 = 3,
  kUInt16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kFloat64 = 11,
  kUInt32 = 12,
  kUInt64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBFloat16 = 16,
};

// Bytes per element; 0 for kUndefined. kString reports sizeof(std::string):
// string tensors hold std::string objects, never raw bytes.
size_t DataTypeSize(DataType type);

// Lower-case name ("float32", "int64", "bfloat16", ...); "undefined" for
// values outside the enum.
const char* DataTypeName(DataType type);

// Inverse of DataTypeName; also accepts ONNX spellings ("float", "double").
std::optional<DataType> DataTypeFromName(std::string_view name);

// True when `raw` is one of the enumerators above (used on untrusted input).
bool IsKnownDataType(int32_t raw);

bool IsFloatingPoint(DataType type);   // float16, bfloat16, float32, float64
bool IsSignedInteger(DataType type);   // int8 .. int64
bool IsUnsignedInteger(DataType type); // uint8 .. uint64
inline bool IsInteger(DataType type) {
  return IsSignedInteger(type) || IsUnsignedInteger(type);
}
inline bool IsNumeric(DataType type) {
  return IsFloatingPoint(type) || IsInteger(type);
}

// Compile-time map from C++ element type to DataType.
template <typename T>
struct DataTypeOf;
#define BRAID_DATA_TYPE_OF(T, E) \
  template <>                    \
  struct DataTypeOf<T> {         \
    static constexpr DataType value = DataType::E; \
  };
BRAID_DATA_TYPE_OF(float, kFloat32)
BRAID_DATA_TYPE_OF(double, kFloat64)
BRAID_DATA_TYPE_OF(Float16, kFloat16)
BRAID_DATA_TYPE_OF(BFloat16, kBFloat16)
BRAID_DATA_TYPE_OF(int8_t, kInt8)
BRAID_DATA_TYPE_OF(int16_t, kInt16)
BRAID_DATA_TYPE_OF(int32_t, kInt32)
BRAID_DATA_TYPE_OF(int64_t, kInt64)
BRAID_DATA_TYPE_OF(uint8_t, kUInt8)
BRAID_DATA_TYPE_OF(uint16_t, kUInt16)
BRAID_DATA_TYPE_OF(uint32_t, kUInt32)
BRAID_DATA_TYPE_OF(uint64_t, kUInt64)
BRAID_DATA_TYPE_OF(bool, kBool)
BRAID_DATA_TYPE_OF(std::string, kString)
BRAID_DATA_TYPE_OF(std::complex<float>, kComplex64)
BRAID_DATA_TYPE_OF(std::complex<double>, kComplex128)
#undef BRAID_DATA_TYPE_OF

template <typename T>
inline constexpr DataType kDataTypeOf = DataTypeOf<T>::value;

}  // namespace braid

#endif  // BRAID_DATA_TYPE_H_
