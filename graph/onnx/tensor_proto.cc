#include "graph/onnx/tensor_proto.h"

#include <charconv>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "braid/status_macros.h"
#include "graph/onnx/external_data.h"
#include "graph/onnx/proto_convert.h"
#include "onnx/onnx-data_pb.h"

namespace braid::graph::onnx_import {
namespace {

// Copies the typed repeated field `src` into `dst`, converting each element.
template <typename Dst, typename Field, typename Convert>
absl::Status CopyTyped(const Field& src, int64_t expected, Tensor& dst, const char* field, const std::string& name,
                       Convert convert) {
  if (src.size() != expected) {
    return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "': ", field, " holds ", src.size(),
                                                   " values but the dims call for ", expected));
  }
  Dst* out = dst.data<Dst>();
  for (int64_t i = 0; i < expected; ++i) out[i] = convert(src.Get(static_cast<int>(i)));
  return absl::OkStatus();
}

template <typename Dst, typename Field>
absl::Status CopyCast(const Field& src, int64_t expected, Tensor& dst, const char* field, const std::string& name) {
  return CopyTyped<Dst>(src, expected, dst, field, name, [](auto v) { return static_cast<Dst>(v); });
}

// Fills `t` from the typed (non-raw) fields of `p`.
absl::Status FillFromTypedFields(const onnx::TensorProto& p, Tensor& t) {
  const std::string& name = p.name();
  int64_t n = t.num_elements();
  switch (t.dtype()) {
    case DataType::kFloat32: return CopyCast<float>(p.float_data(), n, t, "float_data", name);
    case DataType::kFloat64: return CopyCast<double>(p.double_data(), n, t, "double_data", name);
    case DataType::kInt64: return CopyCast<int64_t>(p.int64_data(), n, t, "int64_data", name);
    case DataType::kInt32: return CopyCast<int32_t>(p.int32_data(), n, t, "int32_data", name);
    case DataType::kInt16: return CopyCast<int16_t>(p.int32_data(), n, t, "int32_data", name);
    case DataType::kInt8: return CopyCast<int8_t>(p.int32_data(), n, t, "int32_data", name);
    case DataType::kUInt16: return CopyCast<uint16_t>(p.int32_data(), n, t, "int32_data", name);
    case DataType::kUInt8: return CopyCast<uint8_t>(p.int32_data(), n, t, "int32_data", name);
    case DataType::kBool: return CopyTyped<bool>(p.int32_data(), n, t, "int32_data", name, [](int32_t v) { return v != 0; });
    case DataType::kFloat16:
      return CopyTyped<Float16>(p.int32_data(), n, t, "int32_data", name,
                                [](int32_t v) { return Float16::FromBits(static_cast<uint16_t>(v)); });
    case DataType::kBFloat16:
      return CopyTyped<BFloat16>(p.int32_data(), n, t, "int32_data", name,
                                 [](int32_t v) { return BFloat16::FromBits(static_cast<uint16_t>(v)); });
    case DataType::kUInt32: return CopyCast<uint32_t>(p.uint64_data(), n, t, "uint64_data", name);
    case DataType::kUInt64: return CopyCast<uint64_t>(p.uint64_data(), n, t, "uint64_data", name);
    case DataType::kString: return CopyCast<std::string>(p.string_data(), n, t, "string_data", name);
    case DataType::kComplex64: {
      if (p.float_data_size() != 2 * n) return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "': complex64 needs 2 floats per element"));
      std::memcpy(t.raw_data(), p.float_data().data(), t.byte_size());
      return absl::OkStatus();
    }
    case DataType::kComplex128: {
      if (p.double_data_size() != 2 * n) return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "': complex128 needs 2 doubles per element"));
      std::memcpy(t.raw_data(), p.double_data().data(), t.byte_size());
      return absl::OkStatus();
    }
    case DataType::kUndefined: break;
  }
  return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "': undefined data type"));
}

absl::Status FillFromBytes(const std::string& bytes, Tensor& t, const std::string& name) {
  if (t.dtype() == DataType::kString) {
    return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "': string tensors cannot use raw or external data"));
  }
  if (bytes.size() != t.byte_size()) {
    return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "': ", bytes.size(), " bytes of data but ",
                                                   DataTypeName(t.dtype()), ShapeToString(t.shape()), " needs ",
                                                   t.byte_size()));
  }
  if (!bytes.empty()) std::memcpy(t.raw_data(), bytes.data(), bytes.size());
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadExternal(const onnx::TensorProto& p, const std::optional<std::filesystem::path>& dir) {
  if (!dir) {
    return absl::InvalidArgumentError(
        absl::StrCat("tensor '", p.name(), "' uses external data, which needs the model's folder"));
  }
  std::string location;
  int64_t offset = 0;
  std::optional<int64_t> length;
  for (const auto& kv : p.external_data()) {
    int64_t parsed = 0;
    if (kv.key() == "location") {
      location = kv.value();
    } else if (kv.key() == "offset" || kv.key() == "length") {
      auto res = std::from_chars(kv.value().data(), kv.value().data() + kv.value().size(), parsed);
      if (res.ec != std::errc() || parsed < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("tensor '", p.name(), "': external data ", kv.key(), " '", kv.value(), "' is not a size"));
      }
      (kv.key() == "offset" ? offset : length.emplace()) = parsed;
    }
  }
  BRAID_ASSIGN_OR_RETURN(std::filesystem::path file, ResolveExternalDataPath(*dir, location, p.name()));
  return ReadExternalData(file, offset, length, p.name());
}

// Number of values the typed field for `dtype` holds (complex: pairs count once).
int64_t TypedFieldCount(const onnx::TensorProto& p, DataType dtype) {
  switch (dtype) {
    case DataType::kFloat32: return p.float_data_size();
    case DataType::kComplex64: return p.float_data_size() / 2;
    case DataType::kFloat64: return p.double_data_size();
    case DataType::kComplex128: return p.double_data_size() / 2;
    case DataType::kInt64: return p.int64_data_size();
    case DataType::kUInt32:
    case DataType::kUInt64: return p.uint64_data_size();
    case DataType::kString: return p.string_data_size();
    default: return p.int32_data_size();
  }
}

}  // namespace

absl::StatusOr<Tensor> TensorFromProto(const onnx::TensorProto& p,
                                       const std::optional<std::filesystem::path>& external_data_dir) {
  const std::string& name = p.name();
  if (!IsKnownDataType(p.data_type()) || p.data_type() == 0) {
    return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "': unknown data type ", p.data_type()));
  }
  if (p.has_segment()) return absl::UnimplementedError(absl::StrCat("tensor '", name, "': segmented tensors"));
  Shape shape(p.dims().begin(), p.dims().end());
  for (int64_t d : shape) {
    if (d < 0) return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "': negative dimension in ", ShapeToString(shape)));
  }
  DataType dtype = static_cast<DataType>(p.data_type());
  // Check the declared size against the data actually present before
  // allocating, so absurd dims with little data fail without a huge allocation.
  BRAID_ASSIGN_OR_RETURN(int64_t count, ShapeElementCount(shape));
  bool external = p.data_location() == onnx::TensorProto::EXTERNAL;
  if (!external && dtype != DataType::kString && p.has_raw_data() &&
      static_cast<uint64_t>(count) * DataTypeSize(dtype) != p.raw_data().size()) {
    return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "': ", p.raw_data().size(), " bytes of raw_data but ",
                                                   DataTypeName(dtype), ShapeToString(shape), " needs ",
                                                   count * static_cast<int64_t>(DataTypeSize(dtype))));
  }
  if (!external && !p.has_raw_data() && TypedFieldCount(p, dtype) != count) {
    return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "': holds ", TypedFieldCount(p, dtype),
                                                   " values but ", DataTypeName(dtype), ShapeToString(shape),
                                                   " needs ", count));
  }
  std::string external_bytes;
  if (external) {
    BRAID_ASSIGN_OR_RETURN(external_bytes, ReadExternal(p, external_data_dir));
    if (dtype == DataType::kString || external_bytes.size() != static_cast<uint64_t>(count) * DataTypeSize(dtype)) {
      return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "': external data has ", external_bytes.size(),
                                                     " bytes but ", DataTypeName(dtype), ShapeToString(shape),
                                                     " needs ", count * static_cast<int64_t>(DataTypeSize(dtype))));
    }
  }
  absl::StatusOr<Tensor> created = Tensor::Create(dtype, shape);
  if (!created.ok()) {
    return absl::Status(created.status().code(), absl::StrCat("tensor '", name, "': ", created.status().message()));
  }
  Tensor t = *std::move(created);
  if (external) {
    BRAID_RETURN_IF_ERROR(FillFromBytes(external_bytes, t, name));
  } else if (p.has_raw_data()) {
    BRAID_RETURN_IF_ERROR(FillFromBytes(p.raw_data(), t, name));
  } else {
    BRAID_RETURN_IF_ERROR(FillFromTypedFields(p, t));
  }
  return t;
}

absl::Status TensorToProto(const Tensor& t, onnx::TensorProto* p) {
  if (!t.location().is_host()) return absl::FailedPreconditionError("cannot serialize a device tensor");
  p->set_data_type(static_cast<int32_t>(t.dtype()));
  for (int64_t d : t.shape()) p->add_dims(d);
  if (t.dtype() == DataType::kString) {
    for (const std::string& s : t.values<std::string>()) p->add_string_data(s);
  } else {
    p->set_raw_data(t.raw_data(), t.byte_size());
  }
  return absl::OkStatus();
}

ValueType ValueTypeFromProto(const onnx::TypeProto& proto) {
  switch (proto.value_case()) {
    case onnx::TypeProto::kTensorType: {
      const auto& tt = proto.tensor_type();
      DataType elem = IsKnownDataType(tt.elem_type()) ? static_cast<DataType>(tt.elem_type()) : DataType::kUndefined;
      if (!tt.has_shape()) return ValueType::Tensor(elem);
      SymbolicShape shape;
      for (const auto& d : tt.shape().dim()) {
        if (d.has_dim_value() && d.dim_value() >= 0) {
          shape.push_back(Dim::Known(d.dim_value()));
        } else if (d.has_dim_param()) {
          shape.push_back(Dim::Symbol(d.dim_param()));
        } else {
          shape.push_back(Dim::Unknown());
        }
      }
      return ValueType::Tensor(elem, std::move(shape));
    }
    case onnx::TypeProto::kSequenceType:
      return ValueType::SequenceOf(ValueTypeFromProto(proto.sequence_type().elem_type()));
    case onnx::TypeProto::kOptionalType:
      return ValueType::OptionalOf(ValueTypeFromProto(proto.optional_type().elem_type()));
    default:
      return ValueType{};
  }
}

// ---------------------------------------------------------------- byte-level API

absl::StatusOr<Tensor> ParseTensorProto(std::string_view bytes,
                                        const std::optional<std::filesystem::path>& external_data_dir) {
  onnx::TensorProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError("not a valid onnx.TensorProto (protobuf parse failed)");
  }
  return TensorFromProto(proto, external_data_dir);
}

namespace {

absl::StatusOr<::braid::Value> ValueFromSequence(const onnx::SequenceProto& seq) {
  std::vector<Tensor> items;
  DataType elem = DataType::kUndefined;
  if (seq.elem_type() != onnx::SequenceProto::TENSOR && seq.elem_type() != onnx::SequenceProto::UNDEFINED) {
    return absl::UnimplementedError(absl::StrCat("sequence '", seq.name(), "': only sequences of tensors are supported"));
  }
  for (const auto& tp : seq.tensor_values()) {
    BRAID_ASSIGN_OR_RETURN(Tensor t, TensorFromProto(tp, std::nullopt));
    elem = t.dtype();
    items.push_back(std::move(t));
  }
  return ::braid::Value::Sequence(std::move(items), elem);
}

}  // namespace

absl::StatusOr<::braid::Value> ParseValueProto(std::string_view bytes, const ValueType& expected) {
  int size = static_cast<int>(bytes.size());
  switch (expected.kind) {
    case ValueType::Kind::kSequence: {
      onnx::SequenceProto seq;
      if (!seq.ParseFromArray(bytes.data(), size)) return absl::InvalidArgumentError("not a valid onnx.SequenceProto");
      BRAID_ASSIGN_OR_RETURN(::braid::Value v, ValueFromSequence(seq));
      if (v.sequence().empty()) v = ::braid::Value::Sequence({}, expected.ScalarType());
      return v;
    }
    case ValueType::Kind::kOptional: {
      onnx::OptionalProto opt;
      if (!opt.ParseFromArray(bytes.data(), size)) return absl::InvalidArgumentError("not a valid onnx.OptionalProto");
      if (opt.has_tensor_value()) {
        BRAID_ASSIGN_OR_RETURN(Tensor t, TensorFromProto(opt.tensor_value(), std::nullopt));
        return ::braid::Value(std::move(t));
      }
      if (opt.has_sequence_value()) return ValueFromSequence(opt.sequence_value());
      return ::braid::Value();
    }
    default: {
      BRAID_ASSIGN_OR_RETURN(Tensor t, ParseTensorProto(bytes));
      return ::braid::Value(std::move(t));
    }
  }
}

absl::StatusOr<std::string> SerializeValueProto(const ::braid::Value& value, const std::string& name) {
  std::string out;
  if (value.is_tensor()) {
    onnx::TensorProto proto;
    proto.set_name(name);
    BRAID_RETURN_IF_ERROR(TensorToProto(value.tensor(), &proto));
    proto.SerializeToString(&out);
  } else if (value.is_sequence()) {
    onnx::SequenceProto seq;
    seq.set_name(name);
    seq.set_elem_type(onnx::SequenceProto::TENSOR);
    for (const Tensor& t : value.sequence()) BRAID_RETURN_IF_ERROR(TensorToProto(t, seq.add_tensor_values()));
    seq.SerializeToString(&out);
  } else {
    onnx::OptionalProto opt;
    opt.set_name(name);
    opt.SerializeToString(&out);
  }
  return out;
}

}  // namespace braid::graph::onnx_import
