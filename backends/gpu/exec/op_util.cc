#include "backends/gpu/exec/op_util.h"

#include <algorithm>

#include "absl/strings/str_join.h"

namespace braid::backends::gpu {

bool IsGpuFloat(DataType t) {
  return t == DataType::kFloat32 || t == DataType::kFloat16 || t == DataType::kBFloat16;
}

bool IsMovable(DataType t) {
  if (t == DataType::kString || t == DataType::kUndefined || t == DataType::kComplex128) return false;
  const size_t s = DataTypeSize(t);
  return s == 1 || s == 2 || s == 4 || s == 8;
}

bool IsElementwiseLoadable(DataType t) {
  switch (t) {
    case DataType::kFloat32: case DataType::kFloat16: case DataType::kBFloat16: case DataType::kFloat64:
    case DataType::kInt64: case DataType::kInt32: case DataType::kUInt32: case DataType::kInt16:
    case DataType::kUInt16: case DataType::kInt8: case DataType::kUInt8: case DataType::kBool:
      return true;
    default:
      return false;
  }
}

kernels::ElemType ToElemType(DataType t) { return static_cast<kernels::ElemType>(static_cast<int32_t>(t)); }

DataType InputType(const graph::Node& node, size_t i) {
  const graph::Value* v = node.input(i);
  if (v == nullptr || !v->type().is_tensor()) return DataType::kUndefined;
  return v->type().elem_type;
}

DataType OutputType(const graph::Node& node, size_t i) {
  const graph::Value* v = node.output(i);
  if (v == nullptr || !v->type().is_tensor()) return DataType::kUndefined;
  return v->type().elem_type;
}

int64_t InputRank(const graph::Node& node, size_t i) {
  const graph::Value* v = node.input(i);
  return v == nullptr ? -1 : v->type().rank();
}

bool HasInput(const graph::Node& node, size_t i) { return node.input(i) != nullptr; }

bool OutputUsed(const graph::Node& node, size_t i) {
  const graph::Value* v = node.output(i);
  return v != nullptr && (!v->uses().empty() || v->is_graph_output());
}

absl::Status NodeError(const graph::Node& node, const std::string& message) {
  return absl::InvalidArgumentError(absl::StrCat("node '", node.name(), "' (", node.op_type(), "): ", message));
}

absl::Status Unsupported(const graph::Node& node, const std::string& message) {
  return absl::UnimplementedError(absl::StrCat(node.op_type(), ": ", message));
}

const Tensor* ConstantInput(const graph::Node& node, size_t i) {
  const graph::Value* v = node.input(i);
  if (v == nullptr || !v->is_constant() || v->initializer() == nullptr) return nullptr;
  return v->initializer().get();
}

absl::StatusOr<std::vector<int64_t>> ConstantInts(const graph::Node& node, size_t i) {
  const Tensor* t = ConstantInput(node, i);
  if (t == nullptr) return NodeError(node, absl::StrCat("input ", i, " must be a constant"));
  std::vector<int64_t> out;
  if (t->dtype() == DataType::kInt64) {
    for (int64_t v : t->values<int64_t>()) out.push_back(v);
  } else if (t->dtype() == DataType::kInt32) {
    for (int32_t v : t->values<int32_t>()) out.push_back(v);
  } else {
    return NodeError(node, absl::StrCat("input ", i, " must be int32 or int64, not ", DataTypeName(t->dtype())));
  }
  return out;
}

std::optional<float> ConstantScalar(const graph::Node& node, size_t i) {
  const Tensor* t = ConstantInput(node, i);
  if (t == nullptr || t->num_elements() != 1) return std::nullopt;
  switch (t->dtype()) {
    case DataType::kFloat32: return t->data<float>()[0];
    case DataType::kFloat16: return static_cast<float>(t->data<Float16>()[0]);
    case DataType::kBFloat16: return static_cast<float>(t->data<BFloat16>()[0]);
    case DataType::kFloat64: return static_cast<float>(t->data<double>()[0]);
    case DataType::kInt64: return static_cast<float>(t->data<int64_t>()[0]);
    case DataType::kInt32: return static_cast<float>(t->data<int32_t>()[0]);
    default: return std::nullopt;
  }
}

std::vector<int64_t> DenseStrides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d) strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

absl::StatusOr<Shape> BroadcastShapes(const Shape& a, const Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("shapes ", ShapeToString(a), " and ", ShapeToString(b), " do not broadcast"));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::vector<int64_t> BroadcastStrides(const Shape& in, const Shape& out) {
  std::vector<int64_t> dense = DenseStrides(in);
  std::vector<int64_t> strides(out.size(), 0);
  const size_t offset = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i) strides[offset + i] = in[i] == 1 ? 0 : dense[i];
  return strides;
}

absl::StatusOr<int64_t> NormalizeAxis(int64_t axis, int64_t rank, const graph::Node& node) {
  if (axis < -rank || axis >= rank) {
    return NodeError(node, absl::StrCat("axis ", axis, " is out of range for rank ", rank));
  }
  return axis < 0 ? axis + rank : axis;
}

int64_t Product(const Shape& shape, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end && i < shape.size(); ++i) p *= shape[i];
  return p;
}

void CoalesceDims(std::vector<int64_t>& dims, std::vector<int64_t>& src, std::vector<int64_t>& dst) {
  std::vector<int64_t> d2, s2, t2;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 1) continue;  // size-1 dims contribute nothing
    if (!d2.empty() && s2.back() == src[i] * dims[i] && t2.back() == dst[i] * dims[i]) {
      d2.back() *= dims[i];
      s2.back() = src[i];
      t2.back() = dst[i];
      continue;
    }
    d2.push_back(dims[i]);
    s2.push_back(src[i]);
    t2.push_back(dst[i]);
  }
  dims = std::move(d2);
  src = std::move(s2);
  dst = std::move(t2);
}

absl::Status RequireMovable(const graph::Node& node, size_t input) {
  if (!IsMovable(InputType(node, input))) {
    return Unsupported(node, absl::StrCat("input type ", DataTypeName(InputType(node, input))));
  }
  return absl::OkStatus();
}

absl::Status CheckRank(const Tensor& t, int64_t min_rank, int64_t max_rank, const std::string& what,
                       const std::string& step) {
  if (t.rank() < min_rank || t.rank() > max_rank) {
    return absl::InvalidArgumentError(absl::StrCat(step, ": ", what, " has shape ", ShapeToString(t.shape()),
                                                   "; expected rank ", min_rank, "..", max_rank));
  }
  return absl::OkStatus();
}

}  // namespace braid::backends::gpu
