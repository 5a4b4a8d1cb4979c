// Shorthands for building IR graphs in tests and running them on the CPU.
#ifndef BRAID_TESTS_GRAPH_GRAPH_TEST_UTIL_H_
#define BRAID_TESTS_GRAPH_GRAPH_TEST_UTIL_H_

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "braid/tensor.h"
#include "graph/graph.h"
#include "gtest/gtest.h"

namespace braid::graph::testing {

// A symbolic shape from ints (known dims), strings (symbols) and "?" (unknown).
using DimSpec = std::variant<int64_t, int, const char*>;
SymbolicShape Dims(std::initializer_list<DimSpec> dims);

// Tensor types.
ValueType T(DataType dtype, std::initializer_list<DimSpec> dims);
inline ValueType F32(std::initializer_list<DimSpec> dims) { return T(DataType::kFloat32, dims); }
inline ValueType I64(std::initializer_list<DimSpec> dims) { return T(DataType::kInt64, dims); }

// Adds a graph input / initializer; fails the test on error.
Value* In(Graph& g, const std::string& name, ValueType type);
Value* Init(Graph& g, const std::string& name, Tensor data);
Value* InitInts(Graph& g, const std::string& name, std::vector<int64_t> values);  // 1-D int64
Value* InitFloats(Graph& g, const std::string& name, std::vector<float> values, Shape shape);

// Adds a node (ONNX domain, opset 17 unless given); fails the test on error.
Node* Op(Graph& g, const std::string& op, std::vector<std::string> inputs, std::vector<std::string> outputs,
         std::map<std::string, Attribute> attributes = {}, int opset = 17, const std::string& domain = "");

// Deterministic pseudo-random floats in [-1, 1).
std::vector<float> RandomFloats(size_t n, uint32_t seed);
Tensor RandomTensor(Shape shape, uint32_t seed);

// Runs `g` once on the CPU backend with `inputs` (graph-input order) and
// returns its outputs as tensors.
absl::StatusOr<std::vector<Tensor>> RunOnCpu(const Graph& g, const std::vector<Tensor>& inputs);

// Same dtype and shape, elements within atol + rtol * |expected|.
::testing::AssertionResult Near(const Tensor& actual, const Tensor& expected, double rtol = 1e-4,
                                double atol = 1e-5);

}  // namespace braid::graph::testing

#endif  // BRAID_TESTS_GRAPH_GRAPH_TEST_UTIL_H_
