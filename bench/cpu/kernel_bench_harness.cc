#include "bench/cpu/kernel_bench_harness.h"

#include <random>
#include <utility>

#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {

Tensor RandomFloats(const Shape& shape, uint32_t seed, float lo, float hi) {
  Tensor t = Tensor::Create(DataType::kFloat32, shape).value();
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (float& v : t.mutable_values<float>()) v = dist(rng);
  return t;
}

OneNode BuildOneNode(const std::string& op, const std::string& domain, std::vector<BenchInput> ins,
                     std::map<std::string, graph::Attribute> attrs, int threads) {
  OneNode n;
  n.graph = std::make_unique<graph::Graph>();
  graph::Graph& g = *n.graph;
  g.SetOpsetImport("", 17);
  if (!domain.empty()) g.SetOpsetImport(domain, 1);
  graph::NodeSpec spec{.name = "n",
                       .op_type = op,
                       .domain = domain,
                       .opset = domain.empty() ? 17 : 1,
                       .inputs = {},
                       .outputs = {"y"},
                       .attributes = std::move(attrs)};
  for (size_t i = 0; i < ins.size(); ++i) {
    std::string name = "in" + std::to_string(i);
    const Tensor& t = ins[i].tensor;
    if (ins[i].constant) {
      (void)g.AddInitializer(name, std::make_shared<const Tensor>(t)).value();
    } else {
      (void)g.AddInput(name, graph::ValueType::Tensor(t.dtype(), graph::ToSymbolic(t.shape()))).value();
      n.inputs.emplace_back(t);
    }
    spec.inputs.push_back(name);
  }
  graph::Node* node = g.AddNode(spec).value();
  (void)g.AddOutput(node->output(0));
  n.exe = CpuExecutable::Create(g, CpuKernelRegistry(), std::make_shared<const ThreadPool>(threads)).value();
  return n;
}

bool WarmUp(benchmark::State& state, const OneNode& n, std::vector<Value>& out) {
  out.clear();
  absl::Status st = n.exe->Run(n.inputs, out, RunContext{});
  if (!st.ok()) state.SkipWithError(std::string(st.message()).c_str());
  return st.ok();
}

void TimeRuns(benchmark::State& state, const OneNode& n) {
  std::vector<Value> out;
  for (auto _ : state) {
    out.clear();
    absl::Status st = n.exe->Run(n.inputs, out, RunContext{});
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(out);
  }
}

}  // namespace braid::backends::cpu
