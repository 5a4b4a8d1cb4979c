// Throughput of the hot math kernels (activations, softmax, reductions,
// broadcast Add) run as one-node graphs through CpuExecutable, next to plain
// scalar libm loops over the same data for scale. Reports elements/s; the
// benchmark argument is the intra-op thread count.
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backends/cpu/cpu_executable.h"
#include "backends/cpu/kernel_registry.h"
#include "benchmark/benchmark.h"
#include "graph/graph.h"

namespace braid::backends::cpu {
namespace {

Tensor Random(const Shape& shape, uint32_t seed) {
  Tensor t = Tensor::Create(DataType::kFloat32, shape).value();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-4.0f, 4.0f);
  for (float& v : t.mutable_values<float>()) v = dist(rng);
  return t;
}

struct OneNode {
  std::unique_ptr<graph::Graph> graph;
  std::unique_ptr<CpuExecutable> exe;
  std::vector<Value> inputs;
};

OneNode Build(const std::string& op, const std::vector<Shape>& shapes, std::map<std::string, graph::Attribute> attrs,
              int threads) {
  OneNode n;
  n.graph = std::make_unique<graph::Graph>();
  graph::Graph& g = *n.graph;
  g.SetOpsetImport("", 17);
  graph::NodeSpec spec{.name = "n", .op_type = op, .domain = "", .opset = 17, .inputs = {}, .outputs = {}, .attributes = {}};
  for (size_t i = 0; i < shapes.size(); ++i) {
    std::string name = "in" + std::to_string(i);
    Tensor t = Random(shapes[i], static_cast<uint32_t>(i + 1));
    (void)g.AddInput(name, graph::ValueType::Tensor(DataType::kFloat32, graph::ToSymbolic(t.shape()))).value();
    n.inputs.emplace_back(t);
    spec.inputs.push_back(name);
  }
  spec.outputs = {"y"};
  spec.attributes = std::move(attrs);
  graph::Node* node = g.AddNode(spec).value();
  (void)g.AddOutput(node->output(0));
  n.exe = CpuExecutable::Create(g, CpuKernelRegistry(), std::make_shared<const ThreadPool>(threads)).value();
  return n;
}

void Run(benchmark::State& state, const std::string& op, const std::vector<Shape>& shapes,
         std::map<std::string, graph::Attribute> attrs = {}) {
  OneNode n = Build(op, shapes, std::move(attrs), static_cast<int>(state.range(0)));
  std::vector<Value> out;
  absl::Status st = n.exe->Run(n.inputs, out, RunContext{});
  if (!st.ok()) {
    state.SkipWithError(std::string(st.message()).c_str());
    return;
  }
  for (auto _ : state) {
    out.clear();
    st = n.exe->Run(n.inputs, out, RunContext{});
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * n.inputs[0].tensor().num_elements());
}

constexpr int64_t kRows = 512, kCols = 1024;  // 512K floats (2 MiB)

void BM_Relu(benchmark::State& s) { Run(s, "Relu", {{kRows, kCols}}); }
void BM_Exp(benchmark::State& s) { Run(s, "Exp", {{kRows, kCols}}); }
void BM_Sigmoid(benchmark::State& s) { Run(s, "Sigmoid", {{kRows, kCols}}); }
void BM_Tanh(benchmark::State& s) { Run(s, "Tanh", {{kRows, kCols}}); }
void BM_Erf(benchmark::State& s) { Run(s, "Erf", {{kRows, kCols}}); }
void BM_SoftmaxLastAxis(benchmark::State& s) { Run(s, "Softmax", {{kRows, kCols}}); }
void BM_SoftmaxAxis0(benchmark::State& s) {
  Run(s, "Softmax", {{kRows, kCols}}, {{"axis", graph::Attribute(int64_t{0})}});
}
void BM_ReduceMeanAxis0(benchmark::State& s) {
  Run(s, "ReduceMean", {{kRows, kCols}}, {{"axes", graph::Attribute(std::vector<int64_t>{0})}});
}
void BM_ReduceMaxLastAxis(benchmark::State& s) {
  Run(s, "ReduceMax", {{kRows, kCols}}, {{"axes", graph::Attribute(std::vector<int64_t>{1})}});
}
void BM_AddRowBroadcast(benchmark::State& s) { Run(s, "Add", {{kRows, kCols}, {kCols}}); }

// Scalar libm loops over the same element count, single-threaded.
template <float (*kFn)(float)>
void BM_ScalarLoop(benchmark::State& state) {
  Tensor x = Random({kRows, kCols}, 1);
  std::vector<float> y(static_cast<size_t>(x.num_elements()));
  const float* px = x.data<float>();
  for (auto _ : state) {
    for (size_t i = 0; i < y.size(); ++i) y[i] = kFn(px[i]);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(state.iterations() * x.num_elements());
}
float LibmExp(float v) { return std::exp(v); }
float LibmTanh(float v) { return std::tanh(v); }
float LibmErf(float v) { return std::erf(v); }
float LibmSigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

#define BRAID_THREADS Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)
BENCHMARK(BM_Relu)->BRAID_THREADS;
BENCHMARK(BM_Exp)->BRAID_THREADS;
BENCHMARK(BM_Sigmoid)->BRAID_THREADS;
BENCHMARK(BM_Tanh)->BRAID_THREADS;
BENCHMARK(BM_Erf)->BRAID_THREADS;
BENCHMARK(BM_SoftmaxLastAxis)->BRAID_THREADS;
BENCHMARK(BM_SoftmaxAxis0)->BRAID_THREADS;
BENCHMARK(BM_ReduceMeanAxis0)->BRAID_THREADS;
BENCHMARK(BM_ReduceMaxLastAxis)->BRAID_THREADS;
BENCHMARK(BM_AddRowBroadcast)->BRAID_THREADS;
BENCHMARK(BM_ScalarLoop<LibmExp>)->Name("BM_LibmExpLoop")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ScalarLoop<LibmTanh>)->Name("BM_LibmTanhLoop")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ScalarLoop<LibmErf>)->Name("BM_LibmErfLoop")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ScalarLoop<LibmSigmoid>)->Name("BM_LibmSigmoidLoop")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace braid::backends::cpu

BENCHMARK_MAIN();
