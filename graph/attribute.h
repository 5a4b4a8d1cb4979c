// Node attributes: the ONNX attribute kinds, held by value. Graph-valued
// attributes (If/Loop/Scan bodies) own their subgraph.
#ifndef BRAID_GRAPH_ATTRIBUTE_H_
#define BRAID_GRAPH_ATTRIBUTE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "braid/tensor.h"
#include "graph/value_type.h"

namespace braid::graph {

class Graph;

class Attribute {
 public:
  enum class Kind { kFloat, kInt, kString, kTensor, kGraph, kFloats, kInts, kStrings, kTensors, kGraphs, kType };

  Attribute() : data_(int64_t{0}) {}
  explicit Attribute(float v) : data_(v) {}
  explicit Attribute(int64_t v) : data_(v) {}
  explicit Attribute(std::string v) : data_(std::move(v)) {}
  explicit Attribute(Tensor v) : data_(std::move(v)) {}
  explicit Attribute(std::shared_ptr<Graph> g) : data_(std::move(g)) {}
  explicit Attribute(std::vector<float> v) : data_(std::move(v)) {}
  explicit Attribute(std::vector<int64_t> v) : data_(std::move(v)) {}
  explicit Attribute(std::vector<std::string> v) : data_(std::move(v)) {}
  explicit Attribute(std::vector<Tensor> v) : data_(std::move(v)) {}
  explicit Attribute(std::vector<std::shared_ptr<Graph>> v) : data_(std::move(v)) {}
  explicit Attribute(ValueType t) : data_(std::move(t)) {}

  Kind kind() const { return static_cast<Kind>(data_.index()); }

  // Accessors; precondition: kind() matches.
  float f() const { return std::get<float>(data_); }
  int64_t i() const { return std::get<int64_t>(data_); }
  const std::string& s() const { return std::get<std::string>(data_); }
  const Tensor& t() const { return std::get<Tensor>(data_); }
  const std::shared_ptr<Graph>& g() const { return std::get<std::shared_ptr<Graph>>(data_); }
  const std::vector<float>& floats() const { return std::get<std::vector<float>>(data_); }
  const std::vector<int64_t>& ints() const { return std::get<std::vector<int64_t>>(data_); }
  const std::vector<std::string>& strings() const { return std::get<std::vector<std::string>>(data_); }
  const std::vector<Tensor>& tensors() const { return std::get<std::vector<Tensor>>(data_); }
  const std::vector<std::shared_ptr<Graph>>& graphs() const {
    return std::get<std::vector<std::shared_ptr<Graph>>>(data_);
  }
  const ValueType& type() const { return std::get<ValueType>(data_); }

  // Short human-readable form used by the text dump.
  std::string ToString() const;

 private:
  // Order must match Kind.
  std::variant<float, int64_t, std::string, Tensor, std::shared_ptr<Graph>, std::vector<float>,
               std::vector<int64_t>, std::vector<std::string>, std::vector<Tensor>,
               std::vector<std::shared_ptr<Graph>>, ValueType>
      data_;
};

const char* AttributeKindName(Attribute::Kind kind);

}  // namespace braid::graph

#endif  // BRAID_GRAPH_ATTRIBUTE_H_
