#include "backends/cpu/cpu_executable.h"

#include <thread>

#include "backends/cpu/kernel_registry.h"
#include "gtest/gtest.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu {
namespace {

using testing::TensorsNear;

// x -> Add(x, x) -> Mul(., x) -> Reshape -> Sub(., c) -> y ; a chain with
// an alias (Reshape) so planned runs must respect view lifetimes.
std::unique_ptr<graph::Graph> ChainGraph() {
  auto g = std::make_unique<graph::Graph>();
  g->SetOpsetImport("", 17);
  g->AddInput("x", graph::ValueType::Tensor(DataType::kFloat32, graph::ToSymbolic({4, 256}))).value();
  g->AddInitializer("shape", std::make_shared<const Tensor>(Tensor::FromVector<int64_t>({1024}, {1}))).value();
  g->AddInitializer("c", std::make_shared<const Tensor>(Tensor::Scalar<float>(1.5f))).value();
  g->AddNode({.name = "add", .op_type = "Add", .inputs = {"x", "x"}, .outputs = {"a"}}).value();
  g->AddNode({.name = "mul", .op_type = "Mul", .inputs = {"a", "x"}, .outputs = {"m"}}).value();
  g->AddNode({.name = "reshape", .op_type = "Reshape", .inputs = {"m", "shape"}, .outputs = {"r"}}).value();
  g->AddNode({.name = "add2", .op_type = "Add", .inputs = {"r", "r"}, .outputs = {"s"}}).value();
  g->AddNode({.name = "sub", .op_type = "Sub", .inputs = {"s", "c"}, .outputs = {"y"}}).value();
  EXPECT_TRUE(g->AddOutput(g->FindValue("y")).ok());
  EXPECT_TRUE(g->AddOutput(g->FindValue("r")).ok());  // an output that is a view
  return g;
}

Tensor Input(float scale) {
  std::vector<float> v(1024);
  for (int i = 0; i < 1024; ++i) v[i] = scale * static_cast<float>(i % 17) - 3.0f;
  return Tensor::FromVector<float>(v, {4, 256});
}

Tensor Expected(const Tensor& x) {
  std::vector<float> y(1024);
  for (int i = 0; i < 1024; ++i) {
    float xv = x.data<float>()[i];
    y[i] = 2 * (2 * xv * xv) - 1.5f;
  }
  return Tensor::FromVector<float>(y, {1024});
}

TEST(CpuExecutable, PlannedRunsMatchFirstRun) {
  auto g = ChainGraph();
  auto exe = CpuExecutable::Create(*g, CpuKernelRegistry(), std::make_shared<const ThreadPool>(2));
  ASSERT_TRUE(exe.ok()) << exe.status();
  for (int run = 0; run < 3; ++run) {
    Tensor x = Input(0.25f * (run + 1));
    std::vector<Value> out;
    ASSERT_TRUE((*exe)->Run(std::vector<Value>{x}, out, RunContext{}).ok());
    ASSERT_EQ(out.size(), 2u);
    EXPECT_TRUE(TensorsNear(out[0].tensor(), Expected(x)));
    EXPECT_EQ(out[1].tensor().shape(), (Shape{1024}));
    if (run > 0) {
      CpuMemoryStats stats = (*exe)->last_memory_stats();
      EXPECT_GT(stats.arena_bytes, 0);
      // Two buffers escape (outputs); the remaining chain needs at most two live 4 KiB buffers.
      EXPECT_LE(stats.arena_bytes, 2 * 4096);
      // The plan sits between the busiest step's live bytes and no reuse at all.
      EXPECT_GT(stats.planned_peak_live_bytes, 0);
      EXPECT_LE(stats.planned_peak_live_bytes, stats.arena_bytes);
      EXPECT_GE(stats.unshared_bytes, stats.arena_bytes);
      EXPECT_EQ((*exe)->PeakLiveBytes(), stats.planned_peak_live_bytes);
      EXPECT_EQ((*exe)->UnsharedIntermediateBytes(), stats.unshared_bytes);
    }
  }
}

TEST(CpuExecutable, ConcurrentRunsAreIndependent) {
  auto g = ChainGraph();
  auto exe = CpuExecutable::Create(*g, CpuKernelRegistry(), std::make_shared<const ThreadPool>(2));
  ASSERT_TRUE(exe.ok()) << exe.status();
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        Tensor x = Input(0.1f * (t + 1));
        std::vector<Value> out;
        if (!(*exe)->Run(std::vector<Value>{x}, out, RunContext{}).ok() || !TensorsNear(out[0].tensor(), Expected(x))) {
          ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(CpuExecutable, CancelledRunStops) {
  auto g = ChainGraph();
  auto exe = CpuExecutable::Create(*g, CpuKernelRegistry(), std::make_shared<const ThreadPool>(1));
  ASSERT_TRUE(exe.ok());
  std::atomic<bool> cancel{true};
  std::vector<Value> out;
  absl::Status st = (*exe)->Run(std::vector<Value>{Input(1)}, out, RunContext{&cancel});
  EXPECT_EQ(st.code(), absl::StatusCode::kCancelled);
}

TEST(CpuExecutable, UnknownOpNamesOpDomainAndOpset) {
  graph::Graph g;
  g.SetOpsetImport("com.example", 3);
  g.AddInput("x", graph::ValueType::Tensor(DataType::kFloat32)).value();
  g.AddNode({.name = "n", .op_type = "Frobnicate", .domain = "com.example", .inputs = {"x"}, .outputs = {"y"}}).value();
  auto exe = CpuExecutable::Create(g, CpuKernelRegistry(), std::make_shared<const ThreadPool>(1));
  ASSERT_FALSE(exe.ok());
  std::string msg(exe.status().message());
  EXPECT_NE(msg.find("Frobnicate"), std::string::npos) << msg;
  EXPECT_NE(msg.find("com.example"), std::string::npos) << msg;
  EXPECT_NE(msg.find("opset 3"), std::string::npos) << msg;
}

}  // namespace
}  // namespace braid::backends::cpu
