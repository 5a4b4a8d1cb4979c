// oneDNN-backed kernels are shared by concurrent runs: primitives are
// cached per shape and use per-thread scratch memory.
#include <thread>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/nn/nn_test_util.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

TEST(NnConcurrency, ConcurrentRunsOfOneExecutableAgree) {
  graph::Graph g;
  g.SetOpsetImport("", 17);
  g.SetOpsetImport("com.braid", 1);
  ASSERT_TRUE(g.AddInput("x", graph::ValueType::Tensor(DataType::kFloat32, graph::ToSymbolic({1, 8, 12, 12}))).ok());
  ASSERT_TRUE(g.AddInitializer("w", std::make_shared<const Tensor>(RandomTensor({16, 8, 3, 3}, 2))).ok());
  ASSERT_TRUE(g.AddInitializer("b", std::make_shared<const Tensor>(RandomTensor({16}, 3))).ok());
  ASSERT_TRUE(g.AddInitializer("m", std::make_shared<const Tensor>(RandomTensor({12, 5}, 4))).ok());
  graph::NodeSpec conv;
  conv.op_type = "FusedConv";
  conv.domain = "com.braid";
  conv.opset = 1;
  conv.inputs = {"x", "w", "b"};
  conv.outputs = {"c"};
  conv.attributes = {{"pads", Ints({1, 1, 1, 1})}, {"activation", Str("Relu")}};
  ASSERT_TRUE(g.AddNode(conv).ok());
  graph::NodeSpec mm;
  mm.op_type = "MatMul";
  mm.opset = 17;
  mm.inputs = {"c", "m"};
  mm.outputs = {"y"};
  auto node = g.AddNode(mm);
  ASSERT_TRUE(node.ok());
  ASSERT_TRUE(g.AddOutput((*node)->output(0)).ok());
  auto exe = CpuExecutable::Create(g, CpuKernelRegistry(), std::make_shared<const ThreadPool>(2));
  ASSERT_TRUE(exe.ok()) << exe.status();

  constexpr int kThreads = 4, kRuns = 20;
  std::vector<Tensor> inputs, expected;
  for (int i = 0; i < kThreads; ++i) {
    inputs.push_back(RandomTensor({1, 8, 12, 12}, 100 + i));
    std::vector<Value> in = {Value(inputs[i])}, out;
    ASSERT_TRUE((*exe)->Run(in, out, RunContext{}).ok());
    expected.push_back(out[0].tensor());
  }
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int r = 0; r < kRuns; ++r) {
        std::vector<Value> in = {Value(inputs[i])}, out;
        absl::Status st = (*exe)->Run(in, out, RunContext{});
        if (!st.ok() || !TensorsNear(out[0].tensor(), expected[i], 0, 0)) ++mismatches[i];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) EXPECT_EQ(mismatches[i], 0) << "thread " << i;
}

}  // namespace
}  // namespace braid::backends::cpu::testing
