// Kernel-library ops on the emulated devices through the Device interface
// (compile once, run many times): GEMM, Conv, Softmax, LayerNorm, a fused
// elementwise chain and fused attention. Emulator speed only; real GPU
// numbers come from `braid bench` on hip/cuda devices.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backends/gpu/emulator/emu_backend.h"
#include "graph/graph.h"

namespace braid::backends::gpu {
namespace {

using graph::Attribute;

struct Case {
  std::unique_ptr<Backend> backend = CreateEmulatorBackend();
  std::unique_ptr<Device> device;
  graph::Graph g;
  std::vector<Value> inputs;
  std::unique_ptr<Executable> exe;

  explicit Case(int ordinal) {
    device = *backend->OpenDevice(ordinal);
    g.SetOpsetImport("", 17);
  }
  void Input(const std::string& name, const Shape& shape) {
    (void)g.AddInput(name, graph::ValueType::Tensor(DataType::kFloat32, graph::ToSymbolic(shape)));
    Tensor t = *Tensor::Create(DataType::kFloat32, shape);
    std::mt19937 gen(7);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (float& v : t.mutable_values<float>()) v = dist(gen);
    inputs.emplace_back(*device->CopyFromHost(t));
  }
  void Node(const std::string& op, std::vector<std::string> in, const std::string& out,
            std::map<std::string, Attribute> attrs = {}) {
    graph::NodeSpec spec;
    spec.op_type = op;
    spec.inputs = std::move(in);
    spec.outputs = {out};
    spec.attributes = std::move(attrs);
    graph::Node* n = *g.AddNode(spec);
    n->output(0)->set_type(graph::ValueType::Tensor(DataType::kFloat32));
  }
  bool Compile(const std::string& output, benchmark::State& state) {
    (void)g.AddOutput(g.FindValue(output));
    absl::StatusOr<std::unique_ptr<Executable>> e = device->Compile(g, CompileOptions{});
    if (!e.ok()) {
      state.SkipWithError(std::string(e.status().message()).c_str());
      return false;
    }
    exe = *std::move(e);
    return true;
  }
  void Run(benchmark::State& state) {
    std::vector<Value> outputs;
    for (auto _ : state) {
      absl::Status s = exe->Run(inputs, outputs, RunContext{});
      if (!s.ok()) {
        state.SkipWithError(std::string(s.message()).c_str());
        return;
      }
    }
    state.SetLabel(device->info().name);
  }
};

void BM_MatMul(benchmark::State& state) {
  Case c(static_cast<int>(state.range(0)));
  const int64_t n = state.range(1);
  c.Input("a", {n, n});
  c.Input("b", {n, n});
  c.Node("MatMul", {"a", "b"}, "y");
  if (!c.Compile("y", state)) return;
  c.Run(state);
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate,
                                                 benchmark::Counter::kIs1000);
}
BENCHMARK(BM_MatMul)->ArgsProduct({{0, 1}, {128, 256}})->Unit(benchmark::kMillisecond);

void BM_Conv3x3(benchmark::State& state) {
  Case c(static_cast<int>(state.range(0)));
  c.Input("x", {1, 32, 28, 28});
  c.Input("w", {32, 32, 3, 3});
  c.Node("Conv", {"x", "w"}, "c", {{"pads", Attribute(std::vector<int64_t>{1, 1, 1, 1})}});
  c.Node("Relu", {"c"}, "y");
  if (!c.Compile("y", state)) return;
  c.Run(state);
}
BENCHMARK(BM_Conv3x3)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_SoftmaxRows(benchmark::State& state) {
  Case c(static_cast<int>(state.range(0)));
  c.Input("x", {128, 1024});
  c.Node("Softmax", {"x"}, "y", {{"axis", Attribute(int64_t{-1})}});
  if (!c.Compile("y", state)) return;
  c.Run(state);
}
BENCHMARK(BM_SoftmaxRows)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_LayerNorm(benchmark::State& state) {
  Case c(static_cast<int>(state.range(0)));
  c.Input("x", {128, 768});
  c.Input("s", {768});
  c.Node("LayerNormalization", {"x", "s"}, "y");
  if (!c.Compile("y", state)) return;
  c.Run(state);
}
BENCHMARK(BM_LayerNorm)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_FusedElementwiseChain(benchmark::State& state) {
  Case c(0);
  c.Input("a", {1 << 20});
  c.Input("b", {1 << 20});
  c.Node("Add", {"a", "b"}, "t");
  c.Node("Mul", {"t", "a"}, "u");
  c.Node("Tanh", {"u"}, "y");
  if (!c.Compile("y", state)) return;
  c.Run(state);
  state.SetItemsProcessed(state.iterations() * (1 << 20));
}
BENCHMARK(BM_FusedElementwiseChain)->Unit(benchmark::kMillisecond);

void BM_FusedAttention(benchmark::State& state) {
  Case c(static_cast<int>(state.range(0)));
  c.Input("q", {8, 64, 64});
  c.Input("kt", {8, 64, 128});
  c.Input("v", {8, 128, 64});
  c.Node("MatMul", {"q", "kt"}, "s");
  c.Node("Softmax", {"s"}, "p", {{"axis", Attribute(int64_t{-1})}});
  c.Node("MatMul", {"p", "v"}, "y");
  if (!c.Compile("y", state)) return;
  c.Run(state);
}
BENCHMARK(BM_FusedAttention)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace braid::backends::gpu

BENCHMARK_MAIN();
