// runtime::OptimizeGraph end to end: the optimized graph computes the same
// outputs on the CPU, and fusions follow the devices' claims.
#include "runtime/optimizer.h"

#include "backends/cpu/cpu_device.h"
#include "backends/cpu/kernel_registry.h"
#include "graph/clone.h"
#include "graph/dump.h"
#include "graph/validate.h"
#include "gtest/gtest.h"
#include "tests/graph/graph_test_util.h"

namespace braid::graph {
namespace {

using testing::F32;
using testing::In;
using testing::Init;
using testing::InitFloats;
using testing::InitInts;
using testing::Op;

Attribute Ints(std::vector<int64_t> v) { return Attribute(std::move(v)); }

// A test double for a GPU-like device: claims what the CPU claims except
// com.braid fused ops. Never registered with a Runtime.
class NoFusedOpsDevice : public Device {
 public:
  explicit NoFusedOpsDevice(Device& cpu) : cpu_(cpu) { info_.name = "test-no-fused"; info_.backend = "test"; }
  const DeviceInfo& info() const override { return info_; }
  absl::Status CanRun(const Node& node) const override {
    if (node.domain() == kBraidDomain) return absl::UnimplementedError("no fused ops here");
    return cpu_.CanRun(node);
  }
  absl::StatusOr<std::unique_ptr<Executable>> Compile(const Graph& g, const CompileOptions& o) override {
    return cpu_.Compile(g, o);
  }
  absl::StatusOr<Tensor> CopyFromHost(const Tensor& t) override { return t; }
  absl::StatusOr<Tensor> CopyToHost(const Tensor& t) override { return t; }

 private:
  Device& cpu_;
  DeviceInfo info_;
};

// x -> Conv -> BN -> Relu -> Conv -> Add(residual) -> Relu -> GlobalAveragePool
//   -> Reshape(shape computed from constants) -> Gemm -> Sigmoid, plus a dead
// branch and a constant subexpression.
std::unique_ptr<Graph> SmallNet() {
  auto g = std::make_unique<Graph>();
  g->set_name("small_net");
  g->SetOpsetImport("", 17);
  In(*g, "x", F32({"N", 3, 8, 8}));
  Init(*g, "w1", testing::RandomTensor({4, 3, 3, 3}, 51));
  Init(*g, "b1", testing::RandomTensor({4}, 52));
  InitFloats(*g, "scale", {1.2f, 0.8f, 1.0f, 0.5f}, {4});
  InitFloats(*g, "shift", {0.1f, -0.1f, 0.0f, 0.2f}, {4});
  InitFloats(*g, "mean", {0.0f, 0.1f, -0.1f, 0.05f}, {4});
  InitFloats(*g, "var", {1.0f, 0.5f, 2.0f, 0.25f}, {4});
  Init(*g, "w2", testing::RandomTensor({4, 4, 3, 3}, 53));
  Init(*g, "fc_w", testing::RandomTensor({2, 4}, 54));
  Init(*g, "fc_b_half", testing::RandomTensor({2}, 55));
  InitInts(*g, "minus_one", {-1});
  Init(*g, "four", Tensor::FromVector<int64_t>({4}, {1}));
  Op(*g, "Conv", {"x", "w1", "b1"}, {"c1"}, {{"pads", Ints({1, 1, 1, 1})}});
  Op(*g, "BatchNormalization", {"c1", "scale", "shift", "mean", "var"}, {"bn"}, {}, 15);
  Op(*g, "Relu", {"bn"}, {"r1"});
  Op(*g, "Conv", {"r1", "w2"}, {"c2"}, {{"pads", Ints({1, 1, 1, 1})}});
  Op(*g, "Add", {"c2", "r1"}, {"res"});
  Op(*g, "Relu", {"res"}, {"r2"});
  Op(*g, "GlobalAveragePool", {"r2"}, {"gap"});
  Op(*g, "Concat", {"minus_one", "four"}, {"flat_shape"}, {{"axis", Attribute(int64_t{0})}});
  Op(*g, "Reshape", {"gap", "flat_shape"}, {"flat"});
  Op(*g, "Add", {"fc_b_half", "fc_b_half"}, {"fc_b"});  // constant subexpression
  Op(*g, "Gemm", {"flat", "fc_w", "fc_b"}, {"fc"}, {{"transB", Attribute(int64_t{1})}});
  Op(*g, "Sigmoid", {"fc"}, {"prob"});
  Op(*g, "Neg", {"r2"}, {"dead"});  // nobody reads it
  EXPECT_TRUE(g->AddOutput(g->FindValue("prob")).ok());
  EXPECT_TRUE(g->AddOutput(g->FindValue("gap")).ok());
  return g;
}

std::string MissingKernels(const Graph& g) {
  std::string missing;
  for (const Node* n : g.nodes()) {
    if (!backends::cpu::CpuKernelRegistry().HasKernel(n->domain(), n->op_type(), n->opset())) {
      missing += " " + n->op_type();
    }
  }
  return missing;
}

TEST(OptimizerTest, OptimizedGraphComputesTheSameOutputs) {
  std::unique_ptr<Graph> g = SmallNet();
  if (std::string missing = MissingKernels(*g); !missing.empty()) {
    GTEST_SKIP() << "the CPU backend lacks kernels for the reference run:" << missing;
  }
  std::unique_ptr<Graph> original = CloneGraph(*g).value();
  backends::cpu::CpuDevice cpu(backends::cpu::CpuKernelRegistry());
  Device* devices[] = {&cpu};
  runtime::OptimizationStats stats;
  absl::Status st = runtime::OptimizeGraph(*g, cpu, devices, &stats);
  ASSERT_TRUE(st.ok()) << st;
  SCOPED_TRACE(DumpGraph(*g));

  EXPECT_EQ(stats.folded_nodes, 2);  // the shape Concat and the bias Add
  EXPECT_EQ(stats.conv_batchnorm, 1);
  EXPECT_GE(stats.dead_nodes, 1);
  EXPECT_GE(stats.dead_initializers, 4);  // BN params and the replaced weights
  EXPECT_EQ(g->FindValue("dead"), nullptr);
  EXPECT_EQ(OpHistogram(*g).count("BatchNormalization"), 0u);
  bool fused_kernels = backends::cpu::CpuKernelRegistry().HasKernel("com.braid", "FusedConv", 1) &&
                       backends::cpu::CpuKernelRegistry().HasKernel("com.braid", "FusedGemm", 1);
  if (fused_kernels) {
    EXPECT_EQ(stats.conv_activation, 2);
    EXPECT_EQ(stats.gemm_activation, 1);
    EXPECT_EQ(OpHistogram(*g)["com.braid::FusedConv"], 2);
  } else {
    EXPECT_EQ(stats.conv_activation + stats.gemm_activation + stats.matmul_bias, 0);
  }
  // Interface and validity are kept.
  ASSERT_EQ(g->inputs().size(), 1u);
  EXPECT_EQ(g->inputs()[0]->name(), "x");
  ASSERT_EQ(g->outputs().size(), 2u);
  EXPECT_EQ(g->outputs()[0]->name(), "prob");
  EXPECT_EQ(g->outputs()[1]->name(), "gap");
  EXPECT_EQ(g->FindValue("prob")->type().ToString(), "float32[N,2]");
  EXPECT_TRUE(ValidateGraph(*g).ok()) << ValidateGraph(*g);
  EXPECT_FALSE(stats.ToString().empty());

  Tensor x = testing::RandomTensor({2, 3, 8, 8}, 56);
  absl::StatusOr<std::vector<Tensor>> want = testing::RunOnCpu(*original, {x});
  absl::StatusOr<std::vector<Tensor>> got = testing::RunOnCpu(*g, {x});
  ASSERT_TRUE(want.ok()) << want.status();
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_TRUE(testing::Near((*got)[0], (*want)[0]));
  EXPECT_TRUE(testing::Near((*got)[1], (*want)[1]));
}

TEST(OptimizerTest, NoFusedOpsWhenSomeDeviceRefusesThem) {
  std::unique_ptr<Graph> g = SmallNet();
  backends::cpu::CpuDevice cpu(backends::cpu::CpuKernelRegistry());
  NoFusedOpsDevice picky(cpu);
  Device* devices[] = {&picky, &cpu};
  runtime::OptimizationStats stats;
  absl::Status st = runtime::OptimizeGraph(*g, cpu, devices, &stats);
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(stats.conv_activation + stats.gemm_activation + stats.matmul_bias, 0);
  EXPECT_EQ(stats.conv_batchnorm, 1);  // not a fused op: always applied
  for (const Node* n : g->nodes()) EXPECT_NE(n->domain(), kBraidDomain) << n->name();
}

}  // namespace
}  // namespace braid::graph
