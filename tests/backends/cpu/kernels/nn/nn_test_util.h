// Helpers for the nn kernel tests: random tensors and attribute shorthands.
#ifndef BRAID_TESTS_BACKENDS_CPU_KERNELS_NN_NN_TEST_UTIL_H_
#define BRAID_TESTS_BACKENDS_CPU_KERNELS_NN_NN_TEST_UTIL_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "braid/tensor.h"
#include "graph/attribute.h"

namespace braid::backends::cpu::testing {

inline std::vector<float> RandomFloats(int64_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

inline int64_t NumElements(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

inline Tensor RandomTensor(const Shape& s, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  return Tensor::FromVector<float>(RandomFloats(NumElements(s), seed, lo, hi), s);
}

inline graph::Attribute Ints(std::vector<int64_t> v) { return graph::Attribute(std::move(v)); }
inline graph::Attribute Floats(std::vector<float> v) { return graph::Attribute(std::move(v)); }
inline graph::Attribute Int(int64_t v) { return graph::Attribute(v); }
inline graph::Attribute Float(float v) { return graph::Attribute(v); }
inline graph::Attribute Str(std::string v) { return graph::Attribute(std::move(v)); }

// Converts a float tensor to another floating type (double, Float16).
template <typename T>
Tensor ConvertFloat(const Tensor& t) {
  std::vector<T> v(t.num_elements());
  for (int64_t i = 0; i < t.num_elements(); ++i) v[i] = static_cast<T>(t.data<float>()[i]);
  return Tensor::FromVector<T>(v, t.shape());
}

}  // namespace braid::backends::cpu::testing

#endif  // BRAID_TESTS_BACKENDS_CPU_KERNELS_NN_NN_TEST_UTIL_H_
