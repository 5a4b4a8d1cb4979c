// Throughput of the data-movement kernels (Transpose, Concat, Slice, Gather,
// Pad, Expand) run as one-node graphs through CpuExecutable, next to two
// references on the same bytes: memcpy (the bandwidth roof) and a naive
// per-element transpose (index arithmetic with divisions, one thread).
// Reports bytes read + written per second; the argument is the intra-op
// thread count.
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench/cpu/kernel_bench_harness.h"
#include "benchmark/benchmark.h"
#include "graph/graph.h"

namespace braid::backends::cpu {
namespace {

Tensor Random(const Shape& shape, uint32_t seed) { return RandomFloats(shape, seed); }

using In = BenchInput;

OneNode Build(const std::string& op, std::vector<In> ins, std::map<std::string, graph::Attribute> attrs,
              int threads) {
  return BuildOneNode(op, "", std::move(ins), std::move(attrs), threads);
}

// Times runs of `n`; bytes = input bytes read + output bytes written.
void RunLoop(benchmark::State& state, OneNode& n) {
  std::vector<Value> out;
  if (!WarmUp(state, n, out)) return;
  const int64_t bytes = static_cast<int64_t>(out[0].tensor().byte_size()) * 2;
  TimeRuns(state, n);
  state.SetBytesProcessed(state.iterations() * bytes);
}

Tensor I64(std::vector<int64_t> v) { return Tensor::FromVector<int64_t>(v, {static_cast<int64_t>(v.size())}); }

struct TransposeCase {
  const char* name;
  Shape shape;
  std::vector<int64_t> perm;
};
const TransposeCase kTransposes[] = {
    {"bert_heads_0213", {8, 128, 12, 64}, {0, 2, 1, 3}},
    {"bert_keyT_0132", {8, 12, 128, 64}, {0, 1, 3, 2}},
    {"matrix_1024", {1024, 1024}, {1, 0}},
    {"nchw_to_nhwc", {8, 64, 56, 56}, {0, 2, 3, 1}},
    {"nhwc_to_nchw", {8, 56, 56, 64}, {0, 3, 1, 2}},
};

void BM_Transpose(benchmark::State& state, const TransposeCase& c) {
  OneNode n = Build("Transpose", {{Random(c.shape, 1), false}},
                    {{"perm", graph::Attribute(c.perm)}}, static_cast<int>(state.range(0)));
  RunLoop(state, n);
}

// The same permutation done one element at a time with div/mod per element.
void BM_NaiveTranspose(benchmark::State& state, const TransposeCase& c) {
  Tensor in = Random(c.shape, 1);
  Tensor out = Tensor::Create(DataType::kFloat32, c.shape).value();
  const size_t r = c.shape.size();
  std::vector<int64_t> in_strides(r, 1), out_shape(r);
  for (size_t k = r; k-- > 1;) in_strides[k - 1] = in_strides[k] * c.shape[k];
  for (size_t k = 0; k < r; ++k) out_shape[k] = c.shape[c.perm[k]];
  const float* src = in.data<float>();
  float* dst = out.data<float>();
  for (auto _ : state) {
    for (int64_t j = 0; j < in.num_elements(); ++j) {
      int64_t rem = j, off = 0;
      for (size_t k = r; k-- > 0;) {
        off += (rem % out_shape[k]) * in_strides[c.perm[k]];
        rem /= out_shape[k];
      }
      dst[j] = src[off];
    }
    benchmark::DoNotOptimize(dst);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(in.byte_size()) * 2);
}

void BM_Memcpy(benchmark::State& state) {
  Tensor in = Random({8, 12, 128, 64}, 1);
  Tensor out = Tensor::Create(DataType::kFloat32, in.shape()).value();
  for (auto _ : state) {
    std::memcpy(out.raw_data(), in.raw_data(), in.byte_size());
    benchmark::DoNotOptimize(out.raw_data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(in.byte_size()) * 2);
}

void BM_ConcatKvCache(benchmark::State& state) {
  OneNode n = Build("Concat", {{Random({8, 12, 128, 64}, 1), false}, {Random({8, 12, 32, 64}, 2), false}},
                    {{"axis", graph::Attribute(int64_t{2})}}, static_cast<int>(state.range(0)));
  RunLoop(state, n);
}

void BM_SliceStrided(benchmark::State& state) {
  OneNode n = Build("Slice",
                    {{Random({8, 64, 112, 112}, 1), false}, {I64({0, 0}), true}, {I64({112, 112}), true},
                     {I64({2, 3}), true}, {I64({2, 2}), true}},
                    {}, static_cast<int>(state.range(0)));
  RunLoop(state, n);
}

void BM_GatherEmbedding(benchmark::State& state) {
  std::vector<int64_t> ids(8 * 128);
  std::mt19937 rng(3);
  for (int64_t& v : ids) v = static_cast<int64_t>(rng() % 30522);
  OneNode n = Build("Gather", {{Random({30522, 768}, 1), true}, {Tensor::FromVector<int64_t>(ids, {8, 128}), false}},
                    {}, static_cast<int>(state.range(0)));
  RunLoop(state, n);
}

void BM_PadReflect(benchmark::State& state) {
  OneNode n = Build("Pad", {{Random({8, 64, 56, 56}, 1), false}, {I64({0, 0, 3, 3, 0, 0, 3, 3}), true}},
                    {{"mode", graph::Attribute(std::string("reflect"))}}, static_cast<int>(state.range(0)));
  RunLoop(state, n);
}

void BM_PadConstant(benchmark::State& state) {
  OneNode n = Build("Pad", {{Random({8, 64, 56, 56}, 1), false}, {I64({0, 0, 1, 1, 0, 0, 1, 1}), true}}, {},
                    static_cast<int>(state.range(0)));
  RunLoop(state, n);
}

void BM_ExpandMask(benchmark::State& state) {
  OneNode n = Build("Expand", {{Random({8, 1, 1, 128}, 1), false}, {I64({8, 12, 128, 128}), true}}, {},
                    static_cast<int>(state.range(0)));
  RunLoop(state, n);
}

void BM_ExpandColumn(benchmark::State& state) {
  OneNode n = Build("Expand", {{Random({8, 128, 1}, 1), false}, {I64({8, 128, 768}), true}}, {},
                    static_cast<int>(state.range(0)));
  RunLoop(state, n);
}

void RegisterAll() {
  for (const TransposeCase& c : kTransposes) {
    benchmark::RegisterBenchmark((std::string("BM_Transpose/") + c.name).c_str(), BM_Transpose, c)
        ->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((std::string("BM_NaiveTranspose/") + c.name).c_str(), BM_NaiveTranspose, c)
        ->UseRealTime()->Unit(benchmark::kMicrosecond);
  }
}

BENCHMARK(BM_Memcpy)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ConcatKvCache)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SliceStrided)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GatherEmbedding)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PadReflect)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PadConstant)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ExpandMask)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ExpandColumn)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace braid::backends::cpu

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  braid::backends::cpu::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
