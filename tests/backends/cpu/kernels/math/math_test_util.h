// Shorthands for the math kernel tests.
#ifndef BRAID_TESTS_BACKENDS_CPU_KERNELS_MATH_MATH_TEST_UTIL_H_
#define BRAID_TESTS_BACKENDS_CPU_KERNELS_MATH_MATH_TEST_UTIL_H_

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "braid/tensor.h"
#include "braid/value.h"
#include "graph/attribute.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {

template <typename T>
Tensor Of(std::vector<T> values, Shape shape) {
  return Tensor::FromVector<T>(values, std::move(shape));
}
inline Tensor F(std::vector<float> values, Shape shape) { return Of<float>(std::move(values), std::move(shape)); }
inline Tensor I64(std::vector<int64_t> values, Shape shape) { return Of<int64_t>(std::move(values), std::move(shape)); }

inline graph::Attribute AttrInt(int64_t v) { return graph::Attribute(v); }
inline graph::Attribute AttrFloat(float v) { return graph::Attribute(v); }
inline graph::Attribute AttrInts(std::vector<int64_t> v) { return graph::Attribute(std::move(v)); }
inline graph::Attribute AttrString(std::string v) { return graph::Attribute(std::move(v)); }

// TensorsNear, except that equal infinities match.
inline ::testing::AssertionResult Near(const Tensor& actual, const Tensor& expected, double rtol = 1e-5,
                                       double atol = 1e-6) {
  if (actual.dtype() == expected.dtype() && actual.shape() == expected.shape() && IsFloatingPoint(actual.dtype())) {
    // Compare infinities exactly, the rest with tolerance.
    std::vector<double> a, e;
    for (int64_t i = 0; i < actual.num_elements(); ++i) {
      double x, y;
      switch (actual.dtype()) {
        case DataType::kFloat32: x = actual.data<float>()[i], y = expected.data<float>()[i]; break;
        case DataType::kFloat64: x = actual.data<double>()[i], y = expected.data<double>()[i]; break;
        case DataType::kFloat16:
          x = static_cast<float>(actual.data<Float16>()[i]), y = static_cast<float>(expected.data<Float16>()[i]);
          break;
        default:
          x = static_cast<float>(actual.data<BFloat16>()[i]), y = static_cast<float>(expected.data<BFloat16>()[i]);
      }
      if (std::isinf(x) || std::isinf(y)) {
        if (x != y) return ::testing::AssertionFailure() << "element " << i << ": " << x << " vs expected " << y;
        x = y = 0;
      }
      a.push_back(x);
      e.push_back(y);
    }
    return TensorsNear(Tensor::FromVector<double>(a, actual.shape()), Tensor::FromVector<double>(e, actual.shape()),
                       rtol, atol);
  }
  return TensorsNear(actual, expected, rtol, atol);
}

// Runs `t` and returns output `index`, or the run's error.
inline absl::StatusOr<Tensor> RunOutput(const OpTest& t, int index = 0) {
  auto out = t.Run();
  if (!out.ok()) return out.status();
  if (index >= static_cast<int>(out->size()) || !(*out)[index].is_tensor()) {
    return absl::InternalError("missing tensor output");
  }
  return (*out)[index].tensor();
}

// One-node test of `op` at `opset` on tensor inputs (no omitted inputs).
inline OpTest MakeTest(std::string op, std::vector<Tensor> inputs, int opset = 17) {
  OpTest t;
  t.op_type = std::move(op);
  t.opset = opset;
  for (Tensor& x : inputs) t.inputs.push_back(Value(std::move(x)));
  return t;
}

}  // namespace braid::backends::cpu::testing

#endif  // BRAID_TESTS_BACKENDS_CPU_KERNELS_MATH_MATH_TEST_UTIL_H_
