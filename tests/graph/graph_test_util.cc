#include "tests/graph/graph_test_util.h"

#include <cmath>
#include <random>
#include <string_view>

#include "absl/strings/str_cat.h"

namespace braid::graph::testing {

SymbolicShape Dims(std::initializer_list<DimSpec> dims) {
  SymbolicShape out;
  for (const DimSpec& d : dims) {
    if (std::holds_alternative<int64_t>(d)) {
      out.push_back(Dim::Known(std::get<int64_t>(d)));
    } else if (std::holds_alternative<int>(d)) {
      out.push_back(Dim::Known(std::get<int>(d)));
    } else {
      std::string_view s = std::get<const char*>(d);
      out.push_back(s == "?" ? Dim::Unknown() : Dim::Symbol(std::string(s)));
    }
  }
  return out;
}

ValueType T(DataType dtype, std::initializer_list<DimSpec> dims) { return ValueType::Tensor(dtype, Dims(dims)); }

Value* In(Graph& g, const std::string& name, ValueType type) {
  absl::StatusOr<Value*> v = g.AddInput(name, std::move(type));
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : nullptr;
}

Value* Init(Graph& g, const std::string& name, Tensor data) {
  absl::StatusOr<Value*> v = g.AddInitializer(name, std::make_shared<const Tensor>(std::move(data)));
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : nullptr;
}

Value* InitInts(Graph& g, const std::string& name, std::vector<int64_t> values) {
  int64_t n = static_cast<int64_t>(values.size());
  return Init(g, name, Tensor::FromVector<int64_t>(values, {n}));
}

Value* InitFloats(Graph& g, const std::string& name, std::vector<float> values, Shape shape) {
  return Init(g, name, Tensor::FromVector<float>(values, std::move(shape)));
}

Node* Op(Graph& g, const std::string& op, std::vector<std::string> inputs, std::vector<std::string> outputs,
         std::map<std::string, Attribute> attributes, int opset, const std::string& domain) {
  NodeSpec spec{"", op, domain, opset, std::move(inputs), std::move(outputs), std::move(attributes)};
  absl::StatusOr<Node*> n = g.AddNode(spec);
  EXPECT_TRUE(n.ok()) << n.status();
  return n.ok() ? *n : nullptr;
}

std::vector<float> RandomFloats(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> out(n);
  for (float& x : out) x = dist(rng);
  return out;
}

Tensor RandomTensor(Shape shape, uint32_t seed) {
  int64_t n = ShapeElementCount(shape).value();
  return Tensor::FromVector<float>(RandomFloats(static_cast<size_t>(n), seed), std::move(shape));
}

::testing::AssertionResult Near(const Tensor& actual, const Tensor& expected, double rtol, double atol) {
  if (actual.dtype() != expected.dtype() || actual.shape() != expected.shape()) {
    return ::testing::AssertionFailure() << "got " << DataTypeName(actual.dtype()) << ShapeToString(actual.shape())
                                         << ", expected " << DataTypeName(expected.dtype())
                                         << ShapeToString(expected.shape());
  }
  for (int64_t i = 0; i < actual.num_elements(); ++i) {
    double a = 0, e = 0;
    switch (actual.dtype()) {
      case DataType::kFloat32:
        a = actual.data<float>()[i];
        e = expected.data<float>()[i];
        break;
      case DataType::kInt64:
        a = static_cast<double>(actual.data<int64_t>()[i]);
        e = static_cast<double>(expected.data<int64_t>()[i]);
        break;
      case DataType::kBool:
        a = actual.data<bool>()[i];
        e = expected.data<bool>()[i];
        break;
      default:
        return ::testing::AssertionFailure() << "unsupported dtype " << DataTypeName(actual.dtype());
    }
    if (std::isnan(a) && std::isnan(e)) continue;
    if (!(std::abs(a - e) <= atol + rtol * std::abs(e))) {
      return ::testing::AssertionFailure() << "element " << i << " is " << a << ", expected " << e;
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace braid::graph::testing
