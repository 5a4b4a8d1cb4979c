// One model split across the emulated AMD and NVIDIA GPUs in one process,
// checked against the CPU.
#include <cmath>
#include <random>

#include "braid/braid.h"
#include "gtest/gtest.h"
#include "tests/testing/onnx_model_builder.h"

namespace braid {
namespace {

using testing::AttrInt;
using testing::OnnxModelBuilder;

Tensor Random(Shape shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  Tensor t = *Tensor::Create(DataType::kFloat32, shape);
  for (float& v : t.mutable_values<float>()) v = dist(rng);
  return t;
}

// Two "layers": MatMul + Add + Relu, then MatMul + Softmax. Node names
// carry the layer so pins can split the model.
std::string TwoLayerModel() {
  OnnxModelBuilder b;
  b.Input("x", DataType::kFloat32, {8, 64})
      .Initializer("w0", Random({64, 96}, 1))
      .Initializer("b0", Random({96}, 2))
      .Initializer("w1", Random({96, 48}, 3));
  b.Node("MatMul", {"x", "w0"}, {"h0"}).Node("Add", {"h0", "b0"}, {"h1"}).Node("Relu", {"h1"}, {"h2"});
  b.Node("MatMul", {"h2", "w1"}, {"h3"}).Node("Softmax", {"h3"}, {"y"}, {AttrInt("axis", -1)});
  b.Output("y", DataType::kFloat32, {8, 48});
  auto& g = b.graph();
  const char* names[] = {"layer0/matmul", "layer0/add", "layer0/relu", "layer1/matmul", "layer1/softmax"};
  for (int i = 0; i < g.node_size(); ++i) g.mutable_node(i)->set_name(names[i]);
  return b.Serialize();
}

TEST(CrossVendor, ModelSplitAcrossEmuAmdAndEmuNvidiaMatchesCpu) {
  auto runtime = *Runtime::Create();
  if (runtime->FindDevice("emu-amd") == nullptr || runtime->FindDevice("emu-nvidia") == nullptr) {
    GTEST_SKIP() << "emulated GPUs are not part of this build";
  }
  auto model = *runtime->LoadModelFromBytes(TwoLayerModel());
  SessionOptions split;
  split.devices = {"emu-amd", "cpu"};
  split.pins = {{"layer1/.*", "emu-nvidia"}};
  split.optimize = false;  // keep node names as written
  auto session = runtime->CreateSession(*model, split);
  ASSERT_TRUE(session.ok()) << session.status();
  int on_amd = 0, on_nvidia = 0;
  for (const auto& n : (*session)->placement().nodes) {
    if (n.node.rfind("layer0/", 0) == 0) on_amd += n.device == "emu-amd";
    if (n.node.rfind("layer1/", 0) == 0) on_nvidia += n.device == "emu-nvidia";
  }
  EXPECT_EQ(on_amd, 3);
  EXPECT_EQ(on_nvidia, 2);

  auto cpu_session = *runtime->CreateSession(*model);
  NamedValues inputs = {{"x", Random({8, 64}, 7)}};
  RunStats stats;
  RunOptions options;
  options.stats = &stats;
  auto split_out = (*session)->Run(inputs, options);
  auto cpu_out = cpu_session->Run(inputs);
  ASSERT_TRUE(split_out.ok()) << split_out.status();
  ASSERT_TRUE(cpu_out.ok()) << cpu_out.status();
  EXPECT_GE(stats.copies, 3);  // x to emu-amd, h2 through the host to emu-nvidia, y back
  const Tensor& a = (*split_out)[0].second.tensor();
  const Tensor& e = (*cpu_out)[0].second.tensor();
  ASSERT_EQ(a.shape(), e.shape());
  for (int64_t i = 0; i < a.num_elements(); ++i) {
    EXPECT_NEAR(a.data<float>()[i], e.data<float>()[i], 1e-4 * std::abs(e.data<float>()[i]) + 1e-6) << i;
  }
}

TEST(CrossVendor, PinToAnUnknownDeviceIsAnError) {
  auto runtime = *Runtime::Create();
  auto model = *runtime->LoadModelFromBytes(TwoLayerModel());
  SessionOptions options;
  options.pins = {{"layer1/.*", "tpu:0"}};
  auto session = runtime->CreateSession(*model, options);
  ASSERT_FALSE(session.ok());
  EXPECT_NE(session.status().message().find("no device 'tpu:0'"), std::string::npos) << session.status();
}

TEST(CrossVendor, BadPinRegexIsAnError) {
  auto runtime = *Runtime::Create();
  auto model = *runtime->LoadModelFromBytes(TwoLayerModel());
  SessionOptions options;
  options.pins = {{"layer1/(", "cpu"}};
  auto session = runtime->CreateSession(*model, options);
  ASSERT_FALSE(session.ok());
  EXPECT_NE(session.status().message().find("is not a valid regex"), std::string::npos) << session.status();
}

}  // namespace
}  // namespace braid
