// Fused graphs compute what the unfused graphs compute, on the CPU backend.
// The checks need the com.braid fused kernels and skip, saying so, when the
// CPU registry lacks them.
#include <cmath>

#include "backends/cpu/cpu_device.h"
#include "backends/cpu/kernel_registry.h"
#include "graph/clone.h"
#include "graph/passes/fusions.h"
#include "graph/passes/shape_propagation.h"
#include "graph/validate.h"
#include "gtest/gtest.h"
#include "tests/graph/graph_test_util.h"

namespace braid::graph {
namespace {

using testing::F32;
using testing::In;
using testing::Init;
using testing::InitFloats;
using testing::Op;

Attribute Ints(std::vector<int64_t> v) { return Attribute(std::move(v)); }

bool HasCpuKernel(const std::string& domain, const std::string& op, int opset) {
  return backends::cpu::CpuKernelRegistry().HasKernel(domain, op, opset);
}

// What the runtime asks: can the CPU run the fused node?
FusionPredicate CpuClaims() {
  auto cpu = std::make_shared<backends::cpu::CpuDevice>(backends::cpu::CpuKernelRegistry());
  return [cpu](const Node& n) { return cpu->CanRun(n).ok(); };
}

// Runs `g` before and after `fuse` on the same inputs; expects `rewrites`
// rewrites and equal outputs.
void ExpectSameResults(Graph& g, const std::vector<Tensor>& inputs,
                       const std::function<absl::StatusOr<int>(Graph&)>& fuse, int rewrites) {
  ASSERT_TRUE(PropagateShapes(g).ok());
  std::unique_ptr<Graph> original = CloneGraph(g).value();
  absl::StatusOr<std::vector<Tensor>> want = testing::RunOnCpu(*original, inputs);
  ASSERT_TRUE(want.ok()) << want.status();
  absl::StatusOr<int> n = fuse(g);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, rewrites);
  EXPECT_TRUE(ValidateGraph(g).ok()) << ValidateGraph(g);
  absl::StatusOr<std::vector<Tensor>> got = testing::RunOnCpu(g, inputs);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), want->size());
  for (size_t i = 0; i < got->size(); ++i) EXPECT_TRUE(testing::Near((*got)[i], (*want)[i])) << "output " << i;
}

TEST(FusionsNumericTest, ConvBatchNormFoldingMatchesConvThenBatchNorm) {
  // The reference applies BatchNormalization by hand, so no BN kernel is needed.
  Graph g;
  In(g, "x", F32({2, 3, 6, 6}));
  Init(g, "w", testing::RandomTensor({4, 3, 3, 3}, 11));
  Init(g, "b", testing::RandomTensor({4}, 12));
  Op(g, "Conv", {"x", "w", "b"}, {"conv"}, {{"pads", Ints({1, 1, 1, 1})}});
  ASSERT_TRUE(g.AddOutput(g.FindValue("conv")).ok());
  Tensor x = testing::RandomTensor({2, 3, 6, 6}, 13);
  absl::StatusOr<std::vector<Tensor>> conv = testing::RunOnCpu(g, {x});
  ASSERT_TRUE(conv.ok()) << conv.status();

  std::vector<float> scale = {1.5f, 0.5f, 2.0f, 1.0f}, shift = {0.1f, 0.2f, -0.3f, 0.0f};
  std::vector<float> mean = {0.05f, -0.1f, 0.2f, 0.0f}, var = {0.5f, 2.0f, 1.0f, 0.1f};
  const float eps = 1e-3f;
  Tensor want = (*conv)[0].Clone().value();
  float* v = want.data<float>();
  const int64_t plane = 36;
  for (int64_t i = 0; i < want.num_elements(); ++i) {
    int64_t c = (i / plane) % 4;
    v[i] = scale[c] * (v[i] - mean[c]) / std::sqrt(var[c] + eps) + shift[c];
  }

  Graph h;
  In(h, "x", F32({2, 3, 6, 6}));
  Init(h, "w", testing::RandomTensor({4, 3, 3, 3}, 11));
  Init(h, "b", testing::RandomTensor({4}, 12));
  InitFloats(h, "scale", scale, {4});
  InitFloats(h, "shift", shift, {4});
  InitFloats(h, "mean", mean, {4});
  InitFloats(h, "var", var, {4});
  Op(h, "Conv", {"x", "w", "b"}, {"conv"}, {{"pads", Ints({1, 1, 1, 1})}});
  Op(h, "BatchNormalization", {"conv", "scale", "shift", "mean", "var"}, {"y"}, {{"epsilon", Attribute(eps)}}, 15);
  ASSERT_TRUE(h.AddOutput(h.FindValue("y")).ok());
  ASSERT_EQ(FoldConvBatchNorm(h).value(), 1);
  absl::StatusOr<std::vector<Tensor>> got = testing::RunOnCpu(h, {x});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(testing::Near((*got)[0], want));
}

TEST(FusionsNumericTest, FusedConvWithResidualAndEachActivation) {
  if (!HasCpuKernel("com.braid", "FusedConv", 1)) {
    GTEST_SKIP() << "the CPU backend has no com.braid FusedConv kernel; numeric check skipped";
  }
  struct Case {
    std::string op;
    std::map<std::string, Attribute> attrs;
    std::vector<std::string> extra_inputs;
  };
  std::vector<Case> cases = {{"Relu", {}, {}},
                             {"LeakyRelu", {{"alpha", Attribute(0.3f)}}, {}},
                             {"Sigmoid", {}, {}},
                             {"Tanh", {}, {}},
                             {"HardSigmoid", {{"alpha", Attribute(0.3f)}, {"beta", Attribute(0.4f)}}, {}},
                             {"Clip", {}, {"lo", "hi"}}};
  for (bool residual : {false, true}) {
    for (const Case& c : cases) {
      SCOPED_TRACE(c.op + (residual ? " with residual" : ""));
      Graph g;
      In(g, "x", F32({1, 3, 5, 5}));
      In(g, "skip", F32({1, 4, 5, 5}));
      Init(g, "w", testing::RandomTensor({4, 3, 3, 3}, 21));
      Init(g, "b", testing::RandomTensor({4}, 22));
      Init(g, "lo", Tensor::Scalar<float>(-0.2f));
      Init(g, "hi", Tensor::Scalar<float>(0.25f));
      Op(g, "Conv", {"x", "w", "b"}, {"conv"}, {{"pads", Ints({1, 1, 1, 1})}});
      std::string act_in = "conv";
      if (residual) {
        Op(g, "Add", {"conv", "skip"}, {"sum"});
        act_in = "sum";
      }
      std::vector<std::string> ins = {act_in};
      ins.insert(ins.end(), c.extra_inputs.begin(), c.extra_inputs.end());
      Op(g, c.op, ins, {"y"}, c.attrs);
      ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
      std::vector<Tensor> inputs = {testing::RandomTensor({1, 3, 5, 5}, 23), testing::RandomTensor({1, 4, 5, 5}, 24)};
      ExpectSameResults(g, inputs, [](Graph& gr) { return FuseConvActivation(gr, CpuClaims()); }, 1);
      EXPECT_EQ(g.num_nodes(), 1);
    }
  }
}

TEST(FusionsNumericTest, FusedGemmMatchesGemmThenActivation) {
  if (!HasCpuKernel("com.braid", "FusedGemm", 1)) {
    GTEST_SKIP() << "the CPU backend has no com.braid FusedGemm kernel; numeric check skipped";
  }
  Graph g;
  In(g, "a", F32({4, 6}));
  Init(g, "b", testing::RandomTensor({5, 6}, 31));
  Init(g, "c", testing::RandomTensor({5}, 32));
  Op(g, "Gemm", {"a", "b", "c"}, {"gemm"}, {{"transB", Attribute(int64_t{1})}, {"alpha", Attribute(0.7f)}});
  Op(g, "Relu", {"gemm"}, {"y"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  ExpectSameResults(g, {testing::RandomTensor({4, 6}, 33)},
                    [](Graph& gr) { return FuseGemmActivation(gr, CpuClaims()); }, 1);
}

TEST(FusionsNumericTest, FusedMatMulMatchesMatMulBiasActivation) {
  if (!HasCpuKernel("com.braid", "FusedMatMul", 1)) {
    GTEST_SKIP() << "the CPU backend has no com.braid FusedMatMul kernel; numeric check skipped";
  }
  Graph g;
  In(g, "a", F32({2, 3, 8}));
  Init(g, "w", testing::RandomTensor({8, 5}, 41));
  Init(g, "bias", testing::RandomTensor({5}, 42));
  Init(g, "w2", testing::RandomTensor({5, 4}, 43));
  Op(g, "MatMul", {"a", "w"}, {"mm"});
  Op(g, "Add", {"mm", "bias"}, {"sum"});
  Op(g, "Sigmoid", {"sum"}, {"h"});
  Op(g, "MatMul", {"h", "w2"}, {"mm2"});
  Op(g, "Tanh", {"mm2"}, {"y"});
  ASSERT_TRUE(g.AddOutput(g.FindValue("y")).ok());
  ExpectSameResults(g, {testing::RandomTensor({2, 3, 8}, 44)},
                    [](Graph& gr) { return FuseMatMulBias(gr, CpuClaims()); }, 2);
  EXPECT_EQ(g.num_nodes(), 2);
}

}  // namespace
}  // namespace braid::graph
