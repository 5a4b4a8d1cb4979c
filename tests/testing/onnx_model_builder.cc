#include "tests/testing/onnx_model_builder.h"

namespace braid::testing {

onnx::ValueInfoProto ValueInfo(const std::string& name, DataType type, const std::vector<int64_t>& dims) {
  onnx::ValueInfoProto vi;
  vi.set_name(name);
  auto* tt = vi.mutable_type()->mutable_tensor_type();
  tt->set_elem_type(static_cast<int32_t>(type));
  auto* shape = tt->mutable_shape();
  for (int64_t d : dims) {
    if (d < 0) {
      shape->add_dim()->set_dim_param("N");
    } else {
      shape->add_dim()->set_dim_value(d);
    }
  }
  return vi;
}

onnx::TensorProto ToProto(const std::string& name, const Tensor& t) {
  onnx::TensorProto p;
  p.set_name(name);
  p.set_data_type(static_cast<int32_t>(t.dtype()));
  for (int64_t d : t.shape()) p.add_dims(d);
  if (t.dtype() == DataType::kString) {
    for (const std::string& s : t.values<std::string>()) p.add_string_data(s);
  } else {
    p.set_raw_data(t.raw_data(), t.byte_size());
  }
  return p;
}

OnnxModelBuilder::OnnxModelBuilder(int opset) {
  model_.set_ir_version(8);
  model_.set_producer_name("braid-tests");
  auto* id = model_.add_opset_import();
  id->set_domain("");
  id->set_version(opset);
  model_.mutable_graph()->set_name("test_graph");
}

OnnxModelBuilder& OnnxModelBuilder::Input(const std::string& name, DataType type, const std::vector<int64_t>& dims) {
  *graph().add_input() = ValueInfo(name, type, dims);
  return *this;
}

OnnxModelBuilder& OnnxModelBuilder::Output(const std::string& name, DataType type, const std::vector<int64_t>& dims) {
  *graph().add_output() = ValueInfo(name, type, dims);
  return *this;
}

OnnxModelBuilder& OnnxModelBuilder::Initializer(const std::string& name, const Tensor& value) {
  *graph().add_initializer() = ToProto(name, value);
  return *this;
}

OnnxModelBuilder& OnnxModelBuilder::Node(const std::string& op, const std::vector<std::string>& inputs,
                                         const std::vector<std::string>& outputs,
                                         const std::vector<onnx::AttributeProto>& attributes,
                                         const std::string& domain) {
  onnx::NodeProto* n = graph().add_node();
  n->set_op_type(op);
  n->set_domain(domain);
  n->set_name(op + "_" + std::to_string(graph().node_size()));
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  for (const auto& a : attributes) *n->add_attribute() = a;
  return *this;
}

OnnxModelBuilder& OnnxModelBuilder::Opset(const std::string& domain, int version) {
  auto* id = model_.add_opset_import();
  id->set_domain(domain);
  id->set_version(version);
  return *this;
}

std::string OnnxModelBuilder::Serialize() const {
  std::string out;
  model_.SerializeToString(&out);
  return out;
}

onnx::AttributeProto AttrInt(const std::string& name, int64_t v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(v);
  return a;
}

onnx::AttributeProto AttrFloat(const std::string& name, float v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOAT);
  a.set_f(v);
  return a;
}

onnx::AttributeProto AttrInts(const std::string& name, const std::vector<int64_t>& v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a.add_ints(x);
  return a;
}

onnx::AttributeProto AttrString(const std::string& name, const std::string& v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::STRING);
  a.set_s(v);
  return a;
}

onnx::AttributeProto AttrGraph(const std::string& name, const onnx::GraphProto& g) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::GRAPH);
  *a.mutable_g() = g;
  return a;
}

onnx::AttributeProto AttrTensor(const std::string& name, const Tensor& t) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::TENSOR);
  *a.mutable_t() = ToProto("", t);
  return a;
}

}  // namespace braid::testing
