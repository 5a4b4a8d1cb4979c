// Unit tests of the CPU execution emulator: barriers, shared memory, warp
// shuffles, ballots, warp/block reductions and atomics, on both emulated
// warp sizes (emu-amd wave64, emu-nvidia wave32).
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "backends/gpu/vocab/gpu_kernel.h"
#include "backends/gpu/vocab/warp_ops.h"

namespace braid::backends::gpu {
namespace {

using namespace target_emu;  // NOLINT: the kernel vocabulary, as kernel sources see it

// ---------------------------------------------------------------- kernels

BRAID_KERNEL void ReverseThroughShared(const float* in, float* out) {
  BRAID_SHARED float tile[kMaxBlockThreads];
  const int t = ThreadX();
  const int n = BlockDimX();
  const int base = BlockX() * n;
  tile[t] = in[base + t];
  SyncThreads();
  out[base + t] = tile[n - 1 - t];
}

// Hillis-Steele inclusive scan: needs every barrier to order reads and writes.
BRAID_KERNEL void BlockScan(const int* in, int* out) {
  BRAID_SHARED int buf[2][kMaxBlockThreads];
  const int t = ThreadX();
  const int n = BlockDimX();
  int cur = 0;
  buf[cur][t] = in[t];
  SyncThreads();
  for (int offset = 1; offset < n; offset *= 2) {
    const int v = buf[cur][t] + (t >= offset ? buf[cur][t - offset] : 0);
    buf[1 - cur][t] = v;
    cur = 1 - cur;
    SyncThreads();
  }
  out[t] = buf[cur][t];
}

struct ShuffleOut {
  int* down;
  int* up;
  int* xor_;
  int* idx;
  int* warp_size;
  int* lane;
};

BRAID_KERNEL void Shuffles(ShuffleOut o) {
  const int t = LinearThreadId();
  const int v = 1000 + t;
  o.down[t] = ShflDown(v, 3);
  o.up[t] = ShflUp(v, 5);
  o.xor_[t] = ShflXor(v, 1);
  o.idx[t] = Shfl(v, 7);
  o.warp_size[t] = WarpSize();
  o.lane[t] = LaneId();
}

BRAID_KERNEL void FloatShuffle(const float* in, float* out) {
  const int t = ThreadX();
  out[t] = ShflXor(in[t], 2);
}

BRAID_KERNEL void Ballots(uint64_t* out) {
  const int t = ThreadX();
  const uint64_t mask = Ballot(t % 3 == 0);
  if (LaneId() == 0) out[WarpId()] = mask;
}

BRAID_KERNEL void Reductions(const float* in, float* warp_sum, float* block_max, float* block_sum) {
  BRAID_SHARED float scratch[kBlockReduceScratch];
  const int t = ThreadX();
  const float v = in[BlockX() * BlockDimX() + t];
  const float ws = WarpAllReduce(v, SumOp());
  if (LaneId() == 0) warp_sum[BlockX() * (BlockDimX() / WarpSize()) + WarpId()] = ws;
  const float bm = BlockAllReduce(v, MaxOp(), -kFloatMax, scratch);
  const float bs = BlockAllReduce(v, SumOp(), 0.0f, scratch);
  if (t == 0) {
    block_max[BlockX()] = bm;
    block_sum[BlockX()] = bs;
  }
}

BRAID_KERNEL void Atomics(int* counter, int* maximum, unsigned long long* wide, int* cas_target) {
  const int g = BlockX() * BlockDimX() + ThreadX();
  AtomicAdd(counter, 1);
  AtomicMax(maximum, g);
  AtomicAdd(wide, static_cast<unsigned long long>(g));
  // A CAS loop implementing add, the way float atomics are built.
  int old = AtomicAdd(cas_target, 0);
  for (;;) {
    const int found = AtomicCAS(cas_target, old, old + 2);
    if (found == old) break;
    old = found;
  }
}

BRAID_KERNEL void BlockIdentity(int* out) {
  // Every block stores its id in shared memory, then checks nobody else
  // overwrote it while its threads were interleaved.
  BRAID_SHARED int owner;
  if (ThreadX() == 0) owner = BlockX();
  SyncThreads();
  SyncThreads();
  if (ThreadX() == BlockDimX() - 1) out[BlockX()] = owner == BlockX() ? 1 : 0;
}

BRAID_KERNEL void EarlyExit(int* out) {
  const int t = ThreadX();
  if (t % 4 == 3) return;  // these threads leave before the barrier
  BRAID_SHARED int count;
  if (t == 0) count = 0;
  SyncThreads();
  AtomicAdd(&count, 1);
  SyncThreads();
  out[t] = count;
}

BRAID_KERNEL void Indices(int* out) {
  const int bx = BlockX() + GridDimX() * (BlockY() + GridDimY() * BlockZ());
  const int t = LinearThreadId();
  const int g = bx * BlockThreads() + t;
  out[g] = g;
}

BRAID_KERNEL void BarrierInIndependentLaunch() { SyncThreads(); }

// ---------------------------------------------------------------- fixture

class EmulatorTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    ASSERT_EQ(SetDevice(GetParam()), kSuccess);
    ASSERT_EQ(StreamCreate(&stream_), kSuccess);
    warp_ = emu::DeviceConfig(GetParam()).warp_size;
  }
  void TearDown() override { EXPECT_EQ(StreamDestroy(stream_), kSuccess); }

  // Device buffer initialised from `host`, freed at test end.
  template <typename T>
  T* ToDevice(const std::vector<T>& host) {
    void* p = nullptr;
    EXPECT_EQ(Malloc(&p, host.size() * sizeof(T)), kSuccess);
    EXPECT_EQ(MemcpyHtoDAsync(p, host.data(), host.size() * sizeof(T), stream_), kSuccess);
    buffers_.push_back(std::shared_ptr<void>(p, [](void* q) { (void)Free(q); }));
    return static_cast<T*>(p);
  }
  template <typename T>
  std::vector<T> ToHost(const T* dev, size_t n) {
    std::vector<T> host(n);
    EXPECT_EQ(MemcpyDtoHAsync(host.data(), dev, n * sizeof(T), stream_), kSuccess);
    EXPECT_EQ(StreamSynchronize(stream_), kSuccess);
    return host;
  }

  Stream stream_ = nullptr;
  int warp_ = 0;
  std::vector<std::shared_ptr<void>> buffers_;
};

TEST_P(EmulatorTest, DeviceWarpSize) { EXPECT_EQ(warp_, GetParam() == 0 ? 64 : 32); }

TEST_P(EmulatorTest, SharedMemoryAndBarrier) {
  for (int threads : {256, 100, 1}) {
    const int blocks = 37;
    std::vector<float> in(blocks * threads);
    std::iota(in.begin(), in.end(), 0.0f);
    float* din = ToDevice(in);
    float* dout = ToDevice(std::vector<float>(in.size(), -1.0f));
    ASSERT_EQ(Launch(LaunchMode::kCooperative, ReverseThroughShared, Dim3(blocks), Dim3(threads), stream_, din, dout),
              kSuccess);
    std::vector<float> out = ToHost(dout, in.size());
    for (int b = 0; b < blocks; ++b) {
      for (int t = 0; t < threads; ++t) {
        ASSERT_EQ(out[b * threads + t], in[b * threads + threads - 1 - t]) << "threads=" << threads;
      }
    }
  }
}

TEST_P(EmulatorTest, RepeatedBarriersOrderAScan) {
  for (int threads : {1024, 300, 64}) {
    std::vector<int> in(threads);
    for (int i = 0; i < threads; ++i) in[i] = (i * 7) % 11 - 3;
    int* din = ToDevice(in);
    int* dout = ToDevice(std::vector<int>(threads, 0));
    ASSERT_EQ(Launch(LaunchMode::kCooperative, BlockScan, Dim3(1), Dim3(threads), stream_, din, dout), kSuccess);
    std::vector<int> out = ToHost(dout, threads);
    int sum = 0;
    for (int i = 0; i < threads; ++i) {
      sum += in[i];
      ASSERT_EQ(out[i], sum) << "i=" << i;
    }
  }
}

TEST_P(EmulatorTest, ShufflesFollowTheWarpSize) {
  const int threads = 256;
  std::vector<int*> outs;
  for (int i = 0; i < 6; ++i) outs.push_back(ToDevice(std::vector<int>(threads, -1)));
  ShuffleOut o{outs[0], outs[1], outs[2], outs[3], outs[4], outs[5]};
  ASSERT_EQ(Launch(LaunchMode::kCooperative, Shuffles, Dim3(1), Dim3(16, 16), stream_, o), kSuccess);
  std::vector<int> down = ToHost(o.down, threads), up = ToHost(o.up, threads), x = ToHost(o.xor_, threads),
                   idx = ToHost(o.idx, threads), ws = ToHost(o.warp_size, threads), lane = ToHost(o.lane, threads);
  for (int t = 0; t < threads; ++t) {
    const int l = t % warp_;
    const int warp_base = t - l;
    EXPECT_EQ(ws[t], warp_);
    EXPECT_EQ(lane[t], l);
    EXPECT_EQ(down[t], 1000 + (l + 3 < warp_ ? t + 3 : t)) << t;
    EXPECT_EQ(up[t], 1000 + (l >= 5 ? t - 5 : t)) << t;
    EXPECT_EQ(x[t], 1000 + (t ^ 1)) << t;
    EXPECT_EQ(idx[t], 1000 + warp_base + 7) << t;
  }
}

TEST_P(EmulatorTest, FloatShuffleKeepsBits) {
  std::vector<float> in(128);
  for (int i = 0; i < 128; ++i) in[i] = 0.1f * i - 3.3f;
  float* din = ToDevice(in);
  float* dout = ToDevice(std::vector<float>(128, 0));
  ASSERT_EQ(Launch(LaunchMode::kCooperative, FloatShuffle, Dim3(1), Dim3(128), stream_, din, dout), kSuccess);
  std::vector<float> out = ToHost(dout, 128);
  for (int i = 0; i < 128; ++i) EXPECT_EQ(out[i], in[i ^ 2]);
}

TEST_P(EmulatorTest, BallotSetsOneBitPerLane) {
  const int threads = 192;  // 3 wave64 or 6 wave32 warps
  const int warps = threads / warp_;
  uint64_t* dout = ToDevice(std::vector<uint64_t>(warps, 0));
  ASSERT_EQ(Launch(LaunchMode::kCooperative, Ballots, Dim3(1), Dim3(threads), stream_, dout), kSuccess);
  std::vector<uint64_t> out = ToHost(dout, warps);
  for (int w = 0; w < warps; ++w) {
    uint64_t want = 0;
    for (int l = 0; l < warp_; ++l) {
      if ((w * warp_ + l) % 3 == 0) want |= uint64_t{1} << l;
    }
    EXPECT_EQ(out[w], want) << "warp " << w;
  }
}

TEST_P(EmulatorTest, WarpAndBlockReductions) {
  const int threads = 256, blocks = 9;
  std::vector<float> in(threads * blocks);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<float>((i * 37) % 101) - 50.0f;
  float* din = ToDevice(in);
  const int warps_per_block = threads / warp_;
  float* dwarp = ToDevice(std::vector<float>(blocks * warps_per_block, 0));
  float* dmax = ToDevice(std::vector<float>(blocks, 0));
  float* dsum = ToDevice(std::vector<float>(blocks, 0));
  ASSERT_EQ(Launch(LaunchMode::kCooperative, Reductions, Dim3(blocks), Dim3(threads), stream_, din, dwarp, dmax, dsum),
            kSuccess);
  std::vector<float> wsum = ToHost(dwarp, blocks * warps_per_block), bmax = ToHost(dmax, blocks),
                     bsum = ToHost(dsum, blocks);
  for (int b = 0; b < blocks; ++b) {
    float m = -1e30f, s = 0;
    for (int t = 0; t < threads; ++t) {
      m = std::max(m, in[b * threads + t]);
      s += in[b * threads + t];
    }
    EXPECT_EQ(bmax[b], m);
    EXPECT_EQ(bsum[b], s);  // small integers: exact in any order
    for (int w = 0; w < warps_per_block; ++w) {
      float ws = 0;
      for (int l = 0; l < warp_; ++l) ws += in[b * threads + w * warp_ + l];
      EXPECT_EQ(wsum[b * warps_per_block + w], ws);
    }
  }
}

TEST_P(EmulatorTest, AtomicsAcrossConcurrentBlocks) {
  const int blocks = 512, threads = 128;  // large enough to use several workers
  int* counter = ToDevice(std::vector<int>{0});
  int* maximum = ToDevice(std::vector<int>{-1});
  unsigned long long* wide = ToDevice(std::vector<unsigned long long>{0});
  int* cas = ToDevice(std::vector<int>{0});
  ASSERT_EQ(Launch(LaunchMode::kIndependent, Atomics, Dim3(blocks), Dim3(threads), stream_, counter, maximum, wide, cas),
            kSuccess);
  const long long n = int64_t{blocks} * threads;
  EXPECT_EQ(ToHost(counter, 1)[0], n);
  EXPECT_EQ(ToHost(maximum, 1)[0], n - 1);
  EXPECT_EQ(ToHost(wide, 1)[0], static_cast<unsigned long long>(n * (n - 1) / 2));
  EXPECT_EQ(ToHost(cas, 1)[0], 2 * n);
}

TEST_P(EmulatorTest, SharedMemoryIsPerBlock) {
  const int blocks = 2000;
  int* dout = ToDevice(std::vector<int>(blocks, 0));
  ASSERT_EQ(Launch(LaunchMode::kCooperative, BlockIdentity, Dim3(blocks), Dim3(64), stream_, dout), kSuccess);
  std::vector<int> out = ToHost(dout, blocks);
  for (int b = 0; b < blocks; ++b) ASSERT_EQ(out[b], 1) << "block " << b;
}

TEST_P(EmulatorTest, ExitedThreadsDoNotBlockBarriers) {
  const int threads = 128;
  int* dout = ToDevice(std::vector<int>(threads, -1));
  ASSERT_EQ(Launch(LaunchMode::kCooperative, EarlyExit, Dim3(1), Dim3(threads), stream_, dout), kSuccess);
  std::vector<int> out = ToHost(dout, threads);
  for (int t = 0; t < threads; ++t) EXPECT_EQ(out[t], t % 4 == 3 ? -1 : threads / 4 * 3) << t;
}

TEST_P(EmulatorTest, MultiDimensionalGridAndBlockIndices) {
  const Dim3 grid(3, 4, 2), block(8, 4, 2);
  const int n = 3 * 4 * 2 * 8 * 4 * 2;
  int* dout = ToDevice(std::vector<int>(n, -1));
  ASSERT_EQ(Launch(LaunchMode::kIndependent, Indices, grid, block, stream_, dout), kSuccess);
  std::vector<int> out = ToHost(dout, n);
  for (int i = 0; i < n; ++i) ASSERT_EQ(out[i], i);
}

TEST_P(EmulatorTest, InvalidLaunchConfigurationIsAnError) {
  int* dout = ToDevice(std::vector<int>(1, 0));
  EXPECT_NE(Launch(LaunchMode::kIndependent, Indices, Dim3(1), Dim3(2048), stream_, dout), kSuccess);
  EXPECT_EQ(GetLastError(), emu::kEmuErrorInvalidConfiguration);
  EXPECT_EQ(GetLastError(), kSuccess);  // cleared after reading
}

TEST_P(EmulatorTest, BarrierInIndependentLaunchIsCaught) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH((void)Launch(LaunchMode::kIndependent, BarrierInIndependentLaunch, Dim3(1), Dim3(32), stream_),
               "SyncThreads called from a kernel launched as LaunchMode::kIndependent");
}

INSTANTIATE_TEST_SUITE_P(WarpSizes, EmulatorTest, ::testing::Values(0, 1),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(info.param == 0 ? "Wave64" : "Wave32");
                         });

TEST(EmulatorHostApiTest, MemoryAndEvents) {
  void* p = nullptr;
  ASSERT_EQ(emu::Malloc(&p, 1000), emu::kEmuSuccess);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 256, 0u);
  int local = 0;
  EXPECT_EQ(emu::Free(&local), emu::kEmuErrorInvalidValue);  // not a device pointer
  EXPECT_EQ(emu::Free(p), emu::kEmuSuccess);
  EXPECT_EQ(emu::Free(p), emu::kEmuErrorInvalidValue);  // double free
  emu::EventImpl *a = nullptr, *b = nullptr;
  ASSERT_EQ(emu::EventCreate(&a), emu::kEmuSuccess);
  ASSERT_EQ(emu::EventCreate(&b), emu::kEmuSuccess);
  float ms = -1;
  EXPECT_EQ(emu::EventElapsedMs(&ms, a, b), emu::kEmuErrorInvalidResourceHandle);  // not recorded
  EXPECT_EQ(emu::EventRecord(a, nullptr), emu::kEmuSuccess);
  EXPECT_EQ(emu::EventRecord(b, nullptr), emu::kEmuSuccess);
  EXPECT_EQ(emu::EventElapsedMs(&ms, a, b), emu::kEmuSuccess);
  EXPECT_GE(ms, 0.0f);
  EXPECT_EQ(emu::EventDestroy(a), emu::kEmuSuccess);
  EXPECT_EQ(emu::EventDestroy(b), emu::kEmuSuccess);
  EXPECT_EQ(emu::SetDevice(2), emu::kEmuErrorInvalidDevice);
  EXPECT_STREQ(emu::ErrorName(emu::kEmuErrorInvalidDevice), "emuErrorInvalidDevice");
}

}  // namespace
}  // namespace braid::backends::gpu
