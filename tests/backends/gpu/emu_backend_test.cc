// The "emu" backend through the Backend/Device/Executable interface:
// device listing, separate memory, capability claims with reasons, error
// reporting, cancellation and concurrent runs.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "backends/gpu/emulator/emu_backend.h"
#include "backends/gpu/exec/target_gpu_api.h"
#include "tests/backends/gpu/op_harness.h"

namespace braid::backends::gpu::testing {
namespace {

constexpr DataType F32 = DataType::kFloat32;

TEST(EmuBackendTest, ListsTwoPlainlyEmulatedDevices) {
  std::unique_ptr<Backend> backend = CreateEmulatorBackend();
  EXPECT_EQ(backend->name(), "emu");
  EXPECT_TRUE(backend->availability().available);
  std::vector<DeviceInfo> devices = backend->ListDevices();
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(devices[0].name, "emu-amd");
  EXPECT_EQ(devices[0].warp_size, 64);
  EXPECT_EQ(devices[0].vendor, "amd");
  EXPECT_EQ(devices[1].name, "emu-nvidia");
  EXPECT_EQ(devices[1].warp_size, 32);
  EXPECT_EQ(devices[1].vendor, "nvidia");
  for (const DeviceInfo& d : devices) {
    EXPECT_TRUE(d.emulated);
    EXPECT_EQ(d.backend, "emu");
    EXPECT_NE(d.description.find("emulated"), std::string::npos) << d.description;
  }
  absl::StatusOr<std::unique_ptr<Device>> bad = backend->OpenDevice(2);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kNotFound);
}

TEST(EmuBackendTest, DeviceMemoryIsSeparateFromTheHost) {
  std::unique_ptr<Backend> backend = CreateEmulatorBackend();
  std::unique_ptr<Device> device = *backend->OpenDevice(0);
  Tensor host = Tensor::FromVector<float>({1, 2, 3, 4}, {2, 2});
  absl::StatusOr<Tensor> on_device = device->CopyFromHost(host);
  ASSERT_TRUE(on_device.ok()) << on_device.status();
  EXPECT_EQ(on_device->location().device_name, "emu-amd");
  EXPECT_NE(on_device->raw_data(), host.raw_data());
  host.data<float>()[0] = 100;  // must not reach the device copy
  absl::StatusOr<Tensor> back = device->CopyToHost(*on_device);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->location().is_host());
  EXPECT_EQ(back->data<float>()[0], 1.0f);
  EXPECT_EQ(back->data<float>()[3], 4.0f);
  // A tensor of another device is refused by name.
  std::unique_ptr<Device> other = *backend->OpenDevice(1);
  absl::StatusOr<Tensor> wrong = other->CopyToHost(*on_device);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(wrong.status().message().find("emu-amd"), std::string::npos);
}

TEST(EmuBackendTest, CapabilityClaimsExplainRefusals) {
  OpHarness h(0);
  h.Input("a", DataType::kInt64, {3});
  h.Input("b", DataType::kInt64, {3});
  h.Input("s", DataType::kString, {1});
  graph::Node* add = h.Node("Add", {"a", "b"}, {"c"}, {DataType::kInt64});
  graph::Node* custom = h.Node("Custom", {"a"}, {"d"}, {DataType::kInt64});
  graph::Node* topk = h.Node("TopK", {"a", "b"}, {"v", "i"}, {DataType::kInt64, DataType::kInt64});
  absl::Status s = h.device().CanRun(*add);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(s.message().find("int64"), std::string::npos) << s;
  EXPECT_FALSE(h.device().CanRun(*custom).ok());
  EXPECT_NE(h.device().CanRun(*topk).message().find("no GPU kernel"), std::string::npos);
}

TEST(EmuBackendTest, RunRejectsHostInputsAndWrongCounts) {
  OpHarness h(1);
  h.Input("x", F32, {4});
  h.Node("Relu", {"x"}, {"y"}, {F32});
  h.Output("y");
  absl::StatusOr<std::unique_ptr<Executable>> exe = h.device().Compile(h.graph(), CompileOptions{});
  ASSERT_TRUE(exe.ok()) << exe.status();
  std::vector<Value> outputs;
  Tensor host = Tensor::FromVector<float>({1, -1, 2, -2}, {4});
  absl::Status s = (*exe)->Run(std::vector<Value>{Value(host)}, outputs, RunContext{});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("host"), std::string::npos) << s;
  s = (*exe)->Run(std::vector<Value>{}, outputs, RunContext{});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

TEST(EmuBackendTest, CancelledRunStops) {
  OpHarness h(0);
  h.Input("x", F32, {4});
  h.Node("Relu", {"x"}, {"y"}, {F32});
  h.Output("y");
  auto exe = h.device().Compile(h.graph(), CompileOptions{});
  ASSERT_TRUE(exe.ok());
  Tensor d = *h.device().CopyFromHost(Tensor::FromVector<float>({1, 2, 3, 4}, {4}));
  std::atomic<bool> cancelled{true};
  RunContext ctx;
  ctx.cancelled = &cancelled;
  std::vector<Value> outputs;
  EXPECT_EQ((*exe)->Run(std::vector<Value>{Value(d)}, outputs, ctx).code(), absl::StatusCode::kCancelled);
}

TEST(EmuBackendTest, ConcurrentRunsOfOneExecutable) {
  OpHarness h(0);
  h.Input("a", F32, {64, 48});
  h.Input("b", F32, {48, 40});
  h.Node("MatMul", {"a", "b"}, {"m"}, {F32});
  h.Node("Softmax", {"m"}, {"y"}, {F32}, {{"axis", A(-1)}});
  h.Output("y");
  auto exe = h.device().Compile(h.graph(), CompileOptions{});
  ASSERT_TRUE(exe.ok()) << exe.status();
  Random rng(3);
  constexpr int kThreads = 4;
  std::vector<Tensor> as, bs;
  std::vector<Ref> wants;
  for (int t = 0; t < kThreads; ++t) {
    as.push_back(rng.Uniform(F32, {64, 48}));
    bs.push_back(rng.Uniform(F32, {48, 40}));
    wants.push_back(SoftmaxRef(MatMulRef(ToRef(as[t]), ToRef(bs[t])), -1, false));
  }
  std::vector<Tensor> results(kThreads);
  std::vector<absl::Status> statuses(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int rep = 0; rep < 3; ++rep) {
        std::vector<Value> outs;
        std::vector<Value> ins = {Value(*h.device().CopyFromHost(as[t])), Value(*h.device().CopyFromHost(bs[t]))};
        statuses[t] = (*exe)->Run(ins, outs, RunContext{});
        if (!statuses[t].ok()) return;
        results[t] = *h.device().CopyToHost(outs[0].tensor());
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(statuses[t].ok()) << statuses[t];
    ExpectClose(results[t], wants[t], 1e-4, 1e-5, "thread " + std::to_string(t));
  }
}

TEST(EmuGpuApiTest, EventsTimeStreamsAndErrorsNameTheCallSite) {
  target_emu::TargetGpuApi api(1, DeviceInfo{});
  ASSERT_TRUE(api.MakeCurrent().ok());
  absl::StatusOr<void*> stream = api.CreateStream();
  ASSERT_TRUE(stream.ok()) << stream.status();
  absl::StatusOr<void*> start = api.CreateEvent(), stop = api.CreateEvent();
  ASSERT_TRUE(start.ok() && stop.ok());
  // Timing before recording is a vendor error turned into a Status with file:line.
  absl::StatusOr<float> early = api.ElapsedMs(*start, *stop);
  ASSERT_FALSE(early.ok());
  EXPECT_NE(early.status().message().find("emuErrorInvalidResourceHandle"), std::string::npos) << early.status();
  EXPECT_NE(early.status().message().find("target_gpu_api.cc:"), std::string::npos) << early.status();
  ASSERT_TRUE(api.RecordEvent(*start, *stream).ok());
  ASSERT_TRUE(api.RecordEvent(*stop, *stream).ok());
  absl::StatusOr<float> ms = api.ElapsedMs(*start, *stop);
  ASSERT_TRUE(ms.ok()) << ms.status();
  EXPECT_GE(*ms, 0.0f);
  api.DestroyEvent(*start);
  api.DestroyEvent(*stop);
  api.DestroyStream(*stream);
  // Freeing a foreign pointer is refused by the emulated device (no crash).
  int local = 0;
  api.Free(&local);
}

}  // namespace
}  // namespace braid::backends::gpu::testing
