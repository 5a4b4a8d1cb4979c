// Shared harness of the CPU kernel benchmarks: one ONNX node compiled by the
// CPU backend on seeded inputs, warmed up once, then timed run by run.
#ifndef BRAID_BENCH_CPU_KERNEL_BENCH_HARNESS_H_
#define BRAID_BENCH_CPU_KERNEL_BENCH_HARNESS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/cpu/cpu_executable.h"
#include "benchmark/benchmark.h"
#include "graph/graph.h"

namespace braid::backends::cpu {

// float32 values uniform in [lo, hi), the same for the same seed.
Tensor RandomFloats(const Shape& shape, uint32_t seed, float lo = -1.0f, float hi = 1.0f);

struct BenchInput {
  Tensor tensor;
  bool constant = false;  // an initializer (kernels may pre-pack it) rather than a graph input
};

struct OneNode {
  std::unique_ptr<graph::Graph> graph;
  std::unique_ptr<CpuExecutable> exe;
  std::vector<Value> inputs;  // the graph inputs, in order
};

// A graph of one node `op` (default domain at opset 17, any other domain at
// opset 1) reading `ins` in order and writing one output, compiled for
// `threads` threads. Aborts the benchmark program on failure (benchmark
// set-up, not user input).
OneNode BuildOneNode(const std::string& op, const std::string& domain, std::vector<BenchInput> ins,
                     std::map<std::string, graph::Attribute> attrs, int threads);

// Runs `n` once untimed (primitive creation, memory planning). On failure
// marks the benchmark skipped with the error and returns false. `out`
// receives the outputs.
bool WarmUp(benchmark::State& state, const OneNode& n, std::vector<Value>& out);

// The timed loop: one run of `n` per iteration.
void TimeRuns(benchmark::State& state, const OneNode& n);

}  // namespace braid::backends::cpu

#endif  // BRAID_BENCH_CPU_KERNEL_BENCH_HARNESS_H_
