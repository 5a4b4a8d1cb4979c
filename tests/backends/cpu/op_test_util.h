// Test helpers: run a single op on the CPU backend and compare tensors.
#ifndef BRAID_TESTS_BACKENDS_CPU_OP_TEST_UTIL_H_
#define BRAID_TESTS_BACKENDS_CPU_OP_TEST_UTIL_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "braid/tensor.h"
#include "braid/value.h"
#include "graph/attribute.h"
#include "gtest/gtest.h"

namespace braid::backends::cpu::testing {

// One node with the given inputs (std::nullopt = omitted optional input),
// attributes and output count, built into a graph and run on the CPU.
struct OpTest {
  std::string op_type;
  int opset = 17;
  std::string domain;
  std::vector<std::optional<Value>> inputs;
  std::map<std::string, graph::Attribute> attributes;
  int num_outputs = 1;
  int threads = 2;

  absl::StatusOr<std::vector<Value>> Run() const;
};

// gtest assertion: same dtype and shape, and every element within
// atol + rtol * |expected| (NaN matches NaN; integers/bools/strings exact).
::testing::AssertionResult TensorsNear(const Tensor& actual, const Tensor& expected, double rtol = 1e-5,
                                       double atol = 1e-6);

}  // namespace braid::backends::cpu::testing

#endif  // BRAID_TESTS_BACKENDS_CPU_OP_TEST_UTIL_H_
