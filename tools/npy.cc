#include "tools/npy.h"

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace braid::tools {
namespace {

struct DescrRow {
  const char* descr;
  DataType type;
};
constexpr DescrRow kDescrs[] = {
    {"<f4", DataType::kFloat32}, {"<f8", DataType::kFloat64}, {"<f2", DataType::kFloat16},
    {"<i8", DataType::kInt64},   {"<i4", DataType::kInt32},   {"<i2", DataType::kInt16},
    {"|i1", DataType::kInt8},    {"<u8", DataType::kUInt64},  {"<u4", DataType::kUInt32},
    {"<u2", DataType::kUInt16},  {"|u1", DataType::kUInt8},   {"|b1", DataType::kBool},
};

// Value of `key` in the header dict, e.g. 'descr': '<f4' -> <f4.
std::string HeaderField(const std::string& header, const std::string& key) {
  size_t k = header.find(absl::StrCat("'", key, "'"));
  if (k == std::string::npos) return "";
  size_t colon = header.find(':', k);
  if (colon == std::string::npos) return "";
  size_t start = colon + 1;
  while (start < header.size() && header[start] == ' ') ++start;
  if (start >= header.size()) return "";
  if (header[start] == '(') {
    size_t end = header.find(')', start);
    return end == std::string::npos ? "" : header.substr(start, end - start + 1);
  }
  size_t end = header.find_first_of(",}", start);
  return std::string(absl::StripAsciiWhitespace(header.substr(start, end - start)));
}

}  // namespace

absl::StatusOr<Tensor> ParseNpy(std::string_view bytes) {
  if (bytes.size() < 10 || bytes.substr(0, 6) != "\x93NUMPY") {
    return absl::InvalidArgumentError("not a .npy file (bad magic)");
  }
  uint8_t major = static_cast<uint8_t>(bytes[6]);
  size_t header_len, offset;
  if (major == 1) {
    header_len = static_cast<uint8_t>(bytes[8]) | (static_cast<size_t>(static_cast<uint8_t>(bytes[9])) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return absl::InvalidArgumentError("truncated .npy header");
    uint32_t len;
    std::memcpy(&len, bytes.data() + 8, 4);
    header_len = len;
    offset = 12;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(".npy format version ", major, " is not supported"));
  }
  if (offset + header_len > bytes.size()) return absl::InvalidArgumentError("truncated .npy header");
  std::string header(bytes.substr(offset, header_len));
  std::string descr = std::string(absl::StripPrefix(absl::StripSuffix(HeaderField(header, "descr"), "'"), "'"));
  if (HeaderField(header, "fortran_order") != "False") {
    return absl::InvalidArgumentError(".npy files in Fortran order are not supported");
  }
  DataType dtype = DataType::kUndefined;
  for (const DescrRow& row : kDescrs) {
    if (descr == row.descr) dtype = row.type;
  }
  if (dtype == DataType::kUndefined) return absl::InvalidArgumentError(absl::StrCat(".npy dtype '", descr, "' is not supported"));
  std::string shape_text = HeaderField(header, "shape");
  Shape shape;
  for (absl::string_view part : absl::StrSplit(absl::StripPrefix(absl::StripSuffix(shape_text, ")"), "("), ',')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(part);
    if (trimmed.empty()) continue;
    int64_t d;
    if (!absl::SimpleAtoi(trimmed, &d) || d < 0) {
      return absl::InvalidArgumentError(absl::StrCat(".npy shape '", shape_text, "' is malformed"));
    }
    shape.push_back(d);
  }
  absl::StatusOr<int64_t> count = ShapeElementCount(shape);
  if (!count.ok()) return count.status();
  size_t data_offset = offset + header_len;
  size_t need = static_cast<size_t>(*count) * DataTypeSize(dtype);
  if (bytes.size() - data_offset != need) {
    return absl::InvalidArgumentError(absl::StrCat(".npy data holds ", bytes.size() - data_offset, " bytes, shape ",
                                                   ShapeToString(shape), " needs ", need));
  }
  absl::StatusOr<Tensor> t = Tensor::Create(dtype, shape);
  if (!t.ok()) return t.status();
  if (need > 0) std::memcpy(t->raw_data(), bytes.data() + data_offset, need);
  return t;
}

absl::StatusOr<std::string> SerializeNpy(const Tensor& t) {
  const char* descr = nullptr;
  for (const DescrRow& row : kDescrs) {
    if (row.type == t.dtype()) descr = row.descr;
  }
  if (descr == nullptr) return absl::InvalidArgumentError(absl::StrCat("no .npy dtype for ", DataTypeName(t.dtype())));
  std::string shape = absl::StrJoin(t.shape(), ", ");
  if (t.rank() == 1) shape += ",";
  std::string header = absl::StrCat("{'descr': '", descr, "', 'fortran_order': False, 'shape': (", shape, "), }");
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>((header.size() >> 8) & 0xff);
  out += header;
  out.append(static_cast<const char*>(t.raw_data()), t.byte_size());
  return out;
}

}  // namespace braid::tools
