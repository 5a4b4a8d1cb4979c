#include "tests/backends/gpu/op_harness.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "backends/gpu/emulator/emu_backend.h"
#include "backends/gpu/exec/executable.h"

namespace braid::backends::gpu::testing {

OpHarness::OpHarness(int ordinal, int opset) : backend_(CreateEmulatorBackend()) {
  absl::StatusOr<std::unique_ptr<Device>> d = backend_->OpenDevice(ordinal);
  EXPECT_TRUE(d.ok()) << d.status();
  if (d.ok()) device_ = *std::move(d);
  graph_.SetOpsetImport("", opset);
}

void OpHarness::Input(const std::string& name, DataType dtype, const Shape& shape) {
  absl::StatusOr<graph::Value*> v = graph_.AddInput(name, graph::ValueType::Tensor(dtype, graph::ToSymbolic(shape)));
  ASSERT_TRUE(v.ok()) << v.status();
}

void OpHarness::Constant(const std::string& name, const Tensor& value) {
  absl::StatusOr<graph::Value*> v = graph_.AddInitializer(name, std::make_shared<const Tensor>(value));
  ASSERT_TRUE(v.ok()) << v.status();
}

graph::Node* OpHarness::Node(const std::string& op, std::vector<std::string> inputs, std::vector<std::string> outputs,
                             std::vector<DataType> output_types, Attrs attrs, int opset) {
  graph::NodeSpec spec;
  spec.name = outputs.empty() ? op : outputs[0];
  spec.op_type = op;
  spec.opset = opset;
  spec.inputs = std::move(inputs);
  spec.outputs = std::move(outputs);
  spec.attributes = std::move(attrs);
  absl::StatusOr<graph::Node*> n = graph_.AddNode(spec);
  EXPECT_TRUE(n.ok()) << n.status();
  if (!n.ok()) return nullptr;
  for (size_t i = 0; i < output_types.size() && i < (*n)->outputs().size(); ++i) {
    (*n)->output(i)->set_type(graph::ValueType::Tensor(output_types[i]));
  }
  return *n;
}

void OpHarness::Output(const std::string& name) {
  absl::Status s = graph_.AddOutput(graph_.FindValue(name));
  ASSERT_TRUE(s.ok()) << s;
}

absl::StatusOr<std::vector<Tensor>> OpHarness::Run(const std::vector<Tensor>& feeds) {
  for (const graph::Node* node : graph_.nodes()) {
    absl::Status claim = device_->CanRun(*node);
    if (!claim.ok()) return claim;
  }
  absl::StatusOr<std::unique_ptr<Executable>> exe = device_->Compile(graph_, CompileOptions{});
  if (!exe.ok()) return exe.status();
  if (auto* g = dynamic_cast<GpuExecutable*>(exe->get())) last_num_steps_ = g->num_steps();
  std::vector<Value> inputs;
  for (const Tensor& t : feeds) {
    absl::StatusOr<Tensor> d = device_->CopyFromHost(t);
    if (!d.ok()) return d.status();
    EXPECT_EQ(d->location().device_name, device_->info().name);
    inputs.emplace_back(*d);
  }
  std::vector<Value> outputs;
  absl::Status s = (*exe)->Run(inputs, outputs, RunContext{});
  if (!s.ok()) return s;
  std::vector<Tensor> host;
  for (const Value& v : outputs) {
    absl::StatusOr<Tensor> h = device_->CopyToHost(v.tensor());
    if (!h.ok()) return h.status();
    host.push_back(*std::move(h));
  }
  return host;
}

Tensor Random::Uniform(DataType dtype, const Shape& shape, float lo, float hi) {
  std::uniform_real_distribution<float> dist(lo, hi);
  Ref r;
  r.shape = shape;
  r.v.resize(ShapeElementCount(shape).value());
  for (double& x : r.v) x = dist(gen_);
  return FromRef(r, dtype);
}

Tensor Random::Ints(DataType dtype, const Shape& shape, int64_t lo, int64_t hi) {
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  Ref r;
  r.shape = shape;
  r.v.resize(ShapeElementCount(shape).value());
  for (double& x : r.v) x = static_cast<double>(dist(gen_));
  return FromRef(r, dtype);
}

Tensor Random::Bools(const Shape& shape) {
  std::bernoulli_distribution dist(0.5);
  Ref r;
  r.shape = shape;
  r.v.resize(ShapeElementCount(shape).value());
  for (double& x : r.v) x = dist(gen_) ? 1.0 : 0.0;
  return FromRef(r, DataType::kBool);
}

double DefaultRtol(DataType t) {
  switch (t) {
    case DataType::kFloat16: return 2e-3;
    case DataType::kBFloat16: return 1.6e-2;
    default: return 1e-4;
  }
}

double DefaultAtol(DataType t) {
  switch (t) {
    case DataType::kFloat16: return 2e-3;
    case DataType::kBFloat16: return 1.6e-2;
    default: return 1e-5;
  }
}

void ExpectClose(const Tensor& actual, const Ref& expected, double rtol, double atol, const std::string& what) {
  ASSERT_EQ(actual.shape(), expected.shape) << what << ": shape " << ShapeToString(actual.shape()) << " vs expected "
                                            << ShapeToString(expected.shape);
  const Ref a = ToRef(actual);
  const bool exact = !IsFloatingPoint(actual.dtype());
  int failures = 0;
  for (size_t i = 0; i < a.v.size(); ++i) {
    const double x = a.v[i], e = expected.v[i];
    bool ok;
    if (std::isnan(e)) ok = std::isnan(x);
    else if (std::isinf(e)) ok = x == e;
    else if (exact) ok = x == e;
    else ok = std::fabs(x - e) <= atol + rtol * std::fabs(e);
    if (!ok && ++failures <= 5) {
      ADD_FAILURE() << what << ": element " << i << " of " << ShapeToString(actual.shape()) << " is " << x
                    << ", expected " << e << " (" << DataTypeName(actual.dtype()) << ")";
    }
  }
  if (failures > 5) ADD_FAILURE() << what << ": " << failures << " mismatches in total";
}

std::string WarpName(const ::testing::TestParamInfo<int>& info) {
  return info.param == 0 ? "Wave64" : "Wave32";
}

}  // namespace braid::backends::gpu::testing
