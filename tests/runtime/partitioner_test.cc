#include "runtime/partitioner.h"

#include "braid/braid.h"
#include "gtest/gtest.h"
#include "tests/runtime/test_device.h"
#include "tests/testing/onnx_model_builder.h"

namespace braid {
namespace {

using testing::OnnxModelBuilder;
using testing::TestBackend;

// x -> Neg -> Relu -> Abs -> Relu -> y
std::string ChainModel() {
  OnnxModelBuilder b;
  b.Input("x", DataType::kFloat32, {2, 3})
      .Node("Neg", {"x"}, {"a"})
      .Node("Relu", {"a"}, {"b"})
      .Node("Abs", {"b"}, {"c"})
      .Node("Relu", {"c"}, {"y"})
      .Output("y", DataType::kFloat32, {2, 3});
  return b.Serialize();
}

class PartitionTest : public ::testing::Test {
 protected:
  void Init(bool fail_compile) {
    RuntimeOptions options;
    options.load_vendor_modules = false;
    runtime_ = *Runtime::Create(options);
    ASSERT_TRUE(runtime_->RegisterBackend(std::make_unique<TestBackend>("accel", std::set<std::string>{"Relu"},
                                                                        fail_compile))
                    .ok());
    model_ = *runtime_->LoadModelFromBytes(ChainModel());
    SessionOptions so;
    so.devices = {"accel", "cpu"};
    auto session = runtime_->CreateSession(*model_, so);
    ASSERT_TRUE(session.ok()) << session.status();
    session_ = *std::move(session);
  }
  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<Session> session_;
};

TEST_F(PartitionTest, NodesGoToTheFirstDeviceThatClaimsThem) {
  Init(false);
  const PlacementReport& p = session_->placement();
  ASSERT_EQ(p.nodes.size(), 4u);
  EXPECT_EQ(p.nodes[0].device, "cpu");
  EXPECT_NE(p.nodes[0].reason.find("test device does not run Neg"), std::string::npos) << p.nodes[0].reason;
  EXPECT_EQ(p.nodes[1].device, "accel");
  EXPECT_EQ(p.nodes[2].device, "cpu");
  EXPECT_EQ(p.nodes[3].device, "accel");
  EXPECT_EQ(p.partitions, 4);
  // a -> accel, b -> cpu, c -> accel, y -> host: four copies of 24 bytes.
  EXPECT_EQ(p.boundary_copies, 4);
  EXPECT_EQ(p.boundary_bytes, 4 * 24);
}

TEST_F(PartitionTest, SplitExecutionMatchesAndCopiesAreCounted) {
  Init(false);
  RunStats stats;
  RunOptions options;
  options.stats = &stats;
  auto out = session_->Run({{"x", Tensor::FromVector<float>({1, -2, 3, -4, 5, -6}, {2, 3})}}, options);
  ASSERT_TRUE(out.ok()) << out.status();
  const Tensor& y = (*out)[0].second.tensor();
  EXPECT_TRUE(y.location().is_host());
  std::vector<float> expect = {0, 2, 0, 4, 0, 6};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(y.data<float>()[i], expect[i]);
  EXPECT_EQ(stats.copies, 4);
}

TEST_F(PartitionTest, CompileFailureFallsBackToTheCpu) {
  Init(true);
  for (const auto& n : session_->placement().nodes) {
    EXPECT_EQ(n.device, "cpu") << n.node;
    if (n.op_type == "Relu") EXPECT_NE(n.reason.find("compile failed"), std::string::npos) << n.reason;
  }
  auto out = session_->Run({{"x", Tensor::FromVector<float>({1, -2, 3, -4, 5, -6}, {2, 3})}});
  ASSERT_TRUE(out.ok()) << out.status();
}

TEST(ExtractSubgraph, BoundaryValuesBecomeInputsAndOutputs) {
  auto rt = *Runtime::Create();
  auto model = *rt->LoadModelFromBytes(ChainModel());
  const graph::Graph& g = model->graph();
  std::vector<const graph::Node*> middle = {g.nodes()[1], g.nodes()[2]};
  std::vector<std::string> ins, outs;
  auto sub = runtime::ExtractSubgraph(g, middle, ins, outs);
  EXPECT_EQ(ins, (std::vector<std::string>{"a"}));
  EXPECT_EQ(outs, (std::vector<std::string>{"c"}));
  EXPECT_EQ(sub->num_nodes(), 2);
}

}  // namespace
}  // namespace braid
