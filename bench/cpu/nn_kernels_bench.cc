// Throughput of the oneDNN-backed nn kernels (Conv, FusedConv, MatMul,
// FusedMatMul, Gemm) run as one-node graphs through CpuExecutable, with
// weights as initializers so that they are pre-packed like in a model.
// Reports GFLOP/s; the benchmark argument is the intra-op thread count.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/cpu/kernel_bench_harness.h"
#include "benchmark/benchmark.h"
#include "graph/graph.h"

namespace braid::backends::cpu {
namespace {

struct In {
  Shape shape;
  bool constant;  // initializer (pre-packed) rather than graph input
};
In X(Shape s) { return {std::move(s), false}; }
In W(Shape s) { return {std::move(s), true}; }

// One node with the given inputs, in order (random values, seeds 1, 2, ...).
OneNode Build(const std::string& op, const std::string& domain, const std::vector<In>& ins,
              std::map<std::string, graph::Attribute> attrs, int threads) {
  std::vector<BenchInput> inputs;
  uint32_t seed = 1;
  for (const In& in : ins) inputs.push_back({RandomFloats(in.shape, seed++), in.constant});
  return BuildOneNode(op, domain, std::move(inputs), std::move(attrs), threads);
}

void RunLoop(benchmark::State& state, OneNode& n, double flops) {
  std::vector<Value> out;
  if (!WarmUp(state, n, out)) return;  // warm-up: primitive creation
  TimeRuns(state, n);
  state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

graph::Attribute Ints(std::vector<int64_t> v) { return graph::Attribute(std::move(v)); }

void BM_Conv3x3_64x64_56(benchmark::State& state) {
  OneNode n = Build("Conv", "", {X({1, 64, 56, 56}), W({64, 64, 3, 3}), W({64})}, {{"pads", Ints({1, 1, 1, 1})}},
                    static_cast<int>(state.range(0)));
  RunLoop(state, n, 2.0 * 64 * 64 * 9 * 56 * 56);
}
BENCHMARK(BM_Conv3x3_64x64_56)->Arg(1)->Arg(2)->UseRealTime();

void BM_FusedConv3x3_64x64_56_Residual_Relu(benchmark::State& state) {
  OneNode n = Build("FusedConv", "com.braid", {X({1, 64, 56, 56}), W({64, 64, 3, 3}), W({64}), X({1, 64, 56, 56})},
                    {{"pads", Ints({1, 1, 1, 1})}, {"activation", graph::Attribute(std::string("Relu"))}},
                    static_cast<int>(state.range(0)));
  RunLoop(state, n, 2.0 * 64 * 64 * 9 * 56 * 56);
}
BENCHMARK(BM_FusedConv3x3_64x64_56_Residual_Relu)->Arg(1)->Arg(2)->UseRealTime();

void BM_Conv3x3_256x256_14(benchmark::State& state) {
  OneNode n = Build("Conv", "", {X({1, 256, 14, 14}), W({256, 256, 3, 3}), W({256})}, {{"pads", Ints({1, 1, 1, 1})}},
                    static_cast<int>(state.range(0)));
  RunLoop(state, n, 2.0 * 256 * 256 * 9 * 14 * 14);
}
BENCHMARK(BM_Conv3x3_256x256_14)->Arg(1)->Arg(2)->UseRealTime();

void BM_Conv3x3_512x512_7(benchmark::State& state) {
  OneNode n = Build("Conv", "", {X({1, 512, 7, 7}), W({512, 512, 3, 3}), W({512})}, {{"pads", Ints({1, 1, 1, 1})}},
                    static_cast<int>(state.range(0)));
  RunLoop(state, n, 2.0 * 512 * 512 * 9 * 7 * 7);
}
BENCHMARK(BM_Conv3x3_512x512_7)->Arg(1)->Arg(2)->UseRealTime();

void BM_Conv7x7s2_3x64_224(benchmark::State& state) {
  OneNode n = Build("Conv", "", {X({1, 3, 224, 224}), W({64, 3, 7, 7}), W({64})},
                    {{"pads", Ints({3, 3, 3, 3})}, {"strides", Ints({2, 2})}}, static_cast<int>(state.range(0)));
  RunLoop(state, n, 2.0 * 64 * 3 * 49 * 112 * 112);
}
BENCHMARK(BM_Conv7x7s2_3x64_224)->Arg(1)->Arg(2)->UseRealTime();

void BM_MatMul_128x768x768(benchmark::State& state) {
  OneNode n = Build("MatMul", "", {X({1, 128, 768}), W({768, 768})}, {}, static_cast<int>(state.range(0)));
  RunLoop(state, n, 2.0 * 128 * 768 * 768);
}
BENCHMARK(BM_MatMul_128x768x768)->Arg(1)->Arg(2)->UseRealTime();

void BM_MatMul_128x768x3072(benchmark::State& state) {
  OneNode n = Build("MatMul", "", {X({1, 128, 768}), W({768, 3072})}, {}, static_cast<int>(state.range(0)));
  RunLoop(state, n, 2.0 * 128 * 768 * 3072);
}
BENCHMARK(BM_MatMul_128x768x3072)->Arg(1)->Arg(2)->UseRealTime();

void BM_FusedMatMul_128x768x3072_Bias(benchmark::State& state) {
  OneNode n = Build("FusedMatMul", "com.braid", {X({1, 128, 768}), W({768, 3072}), W({3072})}, {},
                    static_cast<int>(state.range(0)));
  RunLoop(state, n, 2.0 * 128 * 768 * 3072);
}
BENCHMARK(BM_FusedMatMul_128x768x3072_Bias)->Arg(1)->Arg(2)->UseRealTime();

void BM_MatMul_Attention_12x128x64x128(benchmark::State& state) {
  OneNode n = Build("MatMul", "", {X({1, 12, 128, 64}), X({1, 12, 64, 128})}, {}, static_cast<int>(state.range(0)));
  RunLoop(state, n, 2.0 * 12 * 128 * 64 * 128);
}
BENCHMARK(BM_MatMul_Attention_12x128x64x128)->Arg(1)->Arg(2)->UseRealTime();

void BM_Gemm_1x512x1000_TransB(benchmark::State& state) {
  OneNode n = Build("Gemm", "", {X({1, 512}), W({1000, 512}), W({1000})}, {{"transB", graph::Attribute(int64_t{1})}},
                    static_cast<int>(state.range(0)));
  RunLoop(state, n, 2.0 * 512 * 1000);
}
BENCHMARK(BM_Gemm_1x512x1000_TransB)->Arg(1)->Arg(2)->UseRealTime();

}  // namespace
}  // namespace braid::backends::cpu

BENCHMARK_MAIN();
