#include "braid/data_type.h"

#include <array>
#include <string>

namespace braid {
namespace {

struct TypeRow {
  DataType type;
  const char* name;
  size_t size;
};

constexpr std::array<TypeRow, 17> kTypes = {{
    {DataType::kUndefined, "undefined", 0},
    {DataType::kFloat32, "float32", 4},
    {DataType::kUInt8, "uint8", 1},
    {DataType::kInt8, "int8", 1},
    {DataType::kUInt16, "uint16", 2},
    {DataType::kInt16, "int16", 2},
    {DataType::kInt32, "int32", 4},
    {DataType::kInt64, "int64", 8},
    {DataType::kString, "string", sizeof(std::string)},
    {DataType::kBool, "bool", 1},
    {DataType::kFloat16, "float16", 2},
    {DataType::kFloat64, "float64", 8},
    {DataType::kUInt32, "uint32", 4},
    {DataType::kUInt64, "uint64", 8},
    {DataType::kComplex64, "complex64", 8},
    {DataType::kComplex128, "complex128", 16},
    {DataType::kBFloat16, "bfloat16", 2},
}};

}  // namespace

bool IsKnownDataType(int32_t raw) { return raw >= 0 && raw < static_cast<int32_t>(kTypes.size()); }

size_t DataTypeSize(DataType type) {
  int32_t raw = static_cast<int32_t>(type);
  return IsKnownDataType(raw) ? kTypes[raw].size : 0;
}

const char* DataTypeName(DataType type) {
  int32_t raw = static_cast<int32_t>(type);
  return IsKnownDataType(raw) ? kTypes[raw].name : "undefined";
}

std::optional<DataType> DataTypeFromName(std::string_view name) {
  for (const TypeRow& row : kTypes) {
    if (row.name == name && row.type != DataType::kUndefined) return row.type;
  }
  if (name == "float") return DataType::kFloat32;
  if (name == "double") return DataType::kFloat64;
  if (name == "half") return DataType::kFloat16;
  return std::nullopt;
}

bool IsFloatingPoint(DataType type) {
  return type == DataType::kFloat32 || type == DataType::kFloat64 || type == DataType::kFloat16 ||
         type == DataType::kBFloat16;
}

bool IsSignedInteger(DataType type) {
  return type == DataType::kInt8 || type == DataType::kInt16 || type == DataType::kInt32 ||
         type == DataType::kInt64;
}

bool IsUnsignedInteger(DataType type) {
  return type == DataType::kUInt8 || type == DataType::kUInt16 || type == DataType::kUInt32 ||
         type == DataType::kUInt64;
}

}  // namespace braid
