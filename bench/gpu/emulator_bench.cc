// Throughput of the CPU execution emulator on the kernel shapes it sees
// most: block reductions (fibers, barriers, shuffles) and independent
// elementwise launches (no fibers).
#include <benchmark/benchmark.h>

#include <vector>

#include "backends/gpu/vocab/gpu_kernel.h"
#include "backends/gpu/vocab/warp_ops.h"

namespace braid::backends::gpu {
namespace {

using namespace target_emu;  // NOLINT: the kernel vocabulary

BRAID_KERNEL void BlockSum(const float* in, float* out) {
  BRAID_SHARED float scratch[kBlockReduceScratch];
  const float v = in[BlockX() * BlockDimX() + ThreadX()];
  const float s = BlockAllReduce(v, SumOp(), 0.0f, scratch);
  if (ThreadX() == 0) out[BlockX()] = s;
}

BRAID_KERNEL void Scale(const float* in, float* out, int n) {
  const int i = BlockX() * BlockDimX() + ThreadX();
  if (i < n) out[i] = 2.0f * in[i];
}

struct Buffers {
  explicit Buffers(size_t n) {
    (void)Malloc(&in, n * sizeof(float));
    (void)Malloc(&out, n * sizeof(float));
    std::vector<float> host(n, 1.0f);
    (void)MemcpyHtoDAsync(in, host.data(), n * sizeof(float), nullptr);
  }
  ~Buffers() {
    (void)Free(in);
    (void)Free(out);
  }
  void* in = nullptr;
  void* out = nullptr;
};

// Two launches of 2^20 threads in blocks of range(1) threads; 4096 blocks
// x 256 threads is the reference workload.
void BM_BlockReduction(benchmark::State& state) {
  (void)SetDevice(static_cast<int>(state.range(0)));
  const int threads = static_cast<int>(state.range(1));
  const int blocks = (1 << 20) / threads;
  Buffers buf(static_cast<size_t>(blocks) * threads);
  for (auto _ : state) {
    for (int rep = 0; rep < 2; ++rep) {
      (void)Launch(LaunchMode::kCooperative, BlockSum, Dim3(blocks), Dim3(threads), nullptr,
                   static_cast<const float*>(buf.in), static_cast<float*>(buf.out));
    }
  }
  state.SetItemsProcessed(state.iterations() * 2 * blocks * threads);
  state.SetLabel(emu::DeviceConfig(static_cast<int>(state.range(0))).name);
}
BENCHMARK(BM_BlockReduction)->ArgsProduct({{0, 1}, {64, 256, 1024}})->Unit(benchmark::kMillisecond);

void BM_IndependentElementwise(benchmark::State& state) {
  const int n = 1 << 20, threads = 256;
  Buffers buf(n);
  for (auto _ : state) {
    (void)Launch(LaunchMode::kIndependent, Scale, Dim3((n + threads - 1) / threads), Dim3(threads), nullptr,
                 static_cast<const float*>(buf.in), static_cast<float*>(buf.out), n);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_IndependentElementwise)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace braid::backends::gpu

BENCHMARK_MAIN();
