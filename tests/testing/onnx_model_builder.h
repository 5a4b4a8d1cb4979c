// Builds small ONNX models in tests (serialized ModelProto bytes).
#ifndef BRAID_TESTS_TESTING_ONNX_MODEL_BUILDER_H_
#define BRAID_TESTS_TESTING_ONNX_MODEL_BUILDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "braid/tensor.h"
#include "onnx/onnx_pb.h"

namespace braid::testing {

// Dims: -1 makes a symbolic dim named "N".
class OnnxModelBuilder {
 public:
  explicit OnnxModelBuilder(int opset = 17);

  OnnxModelBuilder& Input(const std::string& name, DataType type, const std::vector<int64_t>& dims);
  OnnxModelBuilder& Output(const std::string& name, DataType type, const std::vector<int64_t>& dims);
  OnnxModelBuilder& Initializer(const std::string& name, const Tensor& value);
  OnnxModelBuilder& Node(const std::string& op, const std::vector<std::string>& inputs,
                         const std::vector<std::string>& outputs,
                         const std::vector<onnx::AttributeProto>& attributes = {}, const std::string& domain = "");
  OnnxModelBuilder& Opset(const std::string& domain, int version);

  onnx::ModelProto& proto() { return model_; }
  onnx::GraphProto& graph() { return *model_.mutable_graph(); }
  std::string Serialize() const;

 private:
  onnx::ModelProto model_;
};

onnx::AttributeProto AttrInt(const std::string& name, int64_t v);
onnx::AttributeProto AttrFloat(const std::string& name, float v);
onnx::AttributeProto AttrInts(const std::string& name, const std::vector<int64_t>& v);
onnx::AttributeProto AttrString(const std::string& name, const std::string& v);
onnx::AttributeProto AttrGraph(const std::string& name, const onnx::GraphProto& g);
onnx::AttributeProto AttrTensor(const std::string& name, const Tensor& t);
onnx::TensorProto ToProto(const std::string& name, const Tensor& t);
onnx::ValueInfoProto ValueInfo(const std::string& name, DataType type, const std::vector<int64_t>& dims);

}  // namespace braid::testing

#endif  // BRAID_TESTS_TESTING_ONNX_MODEL_BUILDER_H_
