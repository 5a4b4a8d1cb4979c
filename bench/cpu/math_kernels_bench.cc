// Throughput of the hot math kernels (activations, softmax, reductions,
// broadcast Add) run as one-node graphs through CpuExecutable, next to plain
// scalar libm loops over the same data for scale. Reports elements/s; the
// benchmark argument is the intra-op thread count.
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/cpu/kernel_bench_harness.h"
#include "benchmark/benchmark.h"
#include "graph/graph.h"

namespace braid::backends::cpu {
namespace {

// One node reading random graph inputs of `shapes` (values in [-4, 4), seeds 1, 2, ...).
OneNode Build(const std::string& op, const std::vector<Shape>& shapes, std::map<std::string, graph::Attribute> attrs,
              int threads) {
  std::vector<BenchInput> inputs;
  for (size_t i = 0; i < shapes.size(); ++i) {
    inputs.push_back({RandomFloats(shapes[i], static_cast<uint32_t>(i + 1), -4.0f, 4.0f), false});
  }
  return BuildOneNode(op, "", std::move(inputs), std::move(attrs), threads);
}

void Run(benchmark::State& state, const std::string& op, const std::vector<Shape>& shapes,
         std::map<std::string, graph::Attribute> attrs = {}) {
  OneNode n = Build(op, shapes, std::move(attrs), static_cast<int>(state.range(0)));
  std::vector<Value> out;
  if (!WarmUp(state, n, out)) return;
  TimeRuns(state, n);
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
  Tensor x = RandomFloats({kRows, kCols}, 1, -4.0f, 4.0f);
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
