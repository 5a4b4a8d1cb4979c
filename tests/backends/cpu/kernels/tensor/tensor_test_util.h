// Shared helpers for the tensor-family kernel tests.
#ifndef BRAID_TESTS_BACKENDS_CPU_KERNELS_TENSOR_TENSOR_TEST_UTIL_H_
#define BRAID_TESTS_BACKENDS_CPU_KERNELS_TENSOR_TENSOR_TEST_UTIL_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/attribute.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {

inline OpTest Op(std::string op_type, int opset = 17) {
  OpTest t;
  t.op_type = std::move(op_type);
  t.opset = opset;
  return t;
}

inline graph::Attribute Ints(std::vector<int64_t> v) { return graph::Attribute(std::move(v)); }
inline graph::Attribute Int(int64_t v) { return graph::Attribute(v); }
inline graph::Attribute Str(std::string v) { return graph::Attribute(std::move(v)); }

inline Value I64(std::vector<int64_t> v, Shape shape) { return Value(Tensor::FromVector<int64_t>(v, std::move(shape))); }
inline Value I64(std::vector<int64_t> v) {
  Shape s = {static_cast<int64_t>(v.size())};
  return I64(std::move(v), s);
}
inline Value F32(std::vector<float> v, Shape shape) { return Value(Tensor::FromVector<float>(v, std::move(shape))); }

// 0, 1, 2, ... (mod 251) as T; "s0", "s1", ... for strings.
template <typename T>
std::vector<T> Iota(int64_t n) {
  std::vector<T> v(n);
  for (int64_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<T, std::string>) {
      v[i] = absl::StrCat("s", i);
    } else {
      v[i] = static_cast<T>(i % 251);
    }
  }
  return v;
}

}  // namespace braid::backends::cpu::testing

#endif  // BRAID_TESTS_BACKENDS_CPU_KERNELS_TENSOR_TENSOR_TEST_UTIL_H_
