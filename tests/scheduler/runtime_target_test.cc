// The scheduler running real requests through the runtime API on the CPU
// device and, when the runtime offers it, the emulated AMD GPU.
#include "scheduler/runtime_target.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <future>

#include "scheduler/clock.h"
#include "scheduler/scheduler.h"

namespace braid::scheduler {
namespace {

constexpr const char* kAddModel = "/usr/share/libonnx-testdata/data/node/test_add/model.onnx";

Tensor Filled(float base) {
  std::vector<float> values(3 * 4 * 5);
  for (size_t i = 0; i < values.size(); ++i) values[i] = base + static_cast<float>(i);
  return Tensor::FromVector(values, {3, 4, 5});
}

TEST(RuntimeTargetTest, RealRequestsOnCpuAndEmulatedDevices) {
  if (!std::filesystem::exists(kAddModel)) GTEST_SKIP() << "libonnx-testdata is not installed (" << kAddModel << ")";
  auto runtime = Runtime::Create();
  ASSERT_TRUE(runtime.ok()) << runtime.status();
  auto model = (*runtime)->LoadModel(kAddModel);
  ASSERT_TRUE(model.ok()) << model.status();

  std::vector<std::string> device_names = {"cpu"};
  if ((*runtime)->FindDevice("emu-amd") != nullptr) {
    device_names.push_back("emu-amd");
  } else {
    std::cerr << "note: emu-amd is not offered by this runtime; running on the CPU only\n";
  }
  std::vector<std::unique_ptr<Session>> sessions;
  std::vector<std::unique_ptr<RuntimeTarget>> targets;
  for (const std::string& name : device_names) {
    Device* device = (*runtime)->FindDevice(name);
    ASSERT_NE(device, nullptr) << name;
    SessionOptions options;
    options.devices = {name};
    auto session = (*runtime)->CreateSession(**model, options);
    ASSERT_TRUE(session.ok()) << name << ": " << session.status();
    for (const auto& node : (*session)->placement().nodes) {
      ::testing::Test::RecordProperty("placement_" + name + "_" + node.node, node.device);
      std::cerr << "session on " << name << ": node " << node.node << " (" << node.op_type << ") runs on "
                << node.device << "\n";
    }
    sessions.push_back(std::move(*session));
    auto target = RuntimeTarget::Create(device->info(), {{"add", sessions.back().get()}});
    ASSERT_TRUE(target.ok()) << target.status();
    EXPECT_EQ((*target)->info().name, name);
    const std::optional<ModelCost> cost = (*target)->CostOf("add");
    ASSERT_TRUE(cost.has_value());
    EXPECT_FALSE((*target)->CostOf("other").has_value());
    targets.push_back(std::move(*target));
  }

  RealClock clock;
  auto scheduler = Scheduler::Create(&clock, MakeRoundRobinPolicy()).value();
  ASSERT_TRUE(scheduler->RegisterModel(ModelConfig{"add", 4, Microseconds(200), 64, {}}).ok());
  for (auto& t : targets) ASSERT_TRUE(scheduler->AddDevice(t.get()).ok());

  constexpr int kRequests = 24;
  std::vector<std::future<Response>> futures;
  for (int i = 0; i < kRequests; ++i) {
    Request r;
    r.model = "add";
    r.inputs = {{"x", Value(Filled(static_cast<float>(i)))}, {"y", Value(Filled(1000.0f * i))}};
    futures.push_back(scheduler->Submit(std::move(r)));
  }
  std::vector<int> served(targets.size(), 0);
  for (int i = 0; i < kRequests; ++i) {
    const Response resp = futures[i].get();
    ASSERT_TRUE(resp.status.ok()) << "request " << i << ": " << resp.status;
    ASSERT_EQ(resp.outputs.size(), 1u);
    const Tensor& sum = resp.outputs[0].second.tensor();
    ASSERT_EQ(sum.shape(), (Shape{3, 4, 5}));
    const auto values = sum.values<float>();
    for (size_t k = 0; k < values.size(); ++k) {
      ASSERT_FLOAT_EQ(values[k], static_cast<float>(i) + 1000.0f * i + 2.0f * k) << "request " << i;
    }
    ASSERT_GE(resp.device, 0);
    ++served[resp.device];
  }
  for (size_t d = 0; d < targets.size(); ++d) {
    EXPECT_GT(served[d], 0) << device_names[d];
    EXPECT_EQ(targets[d]->requests_run(), served[d]);
    // The Add model's dimensions are all fixed: nothing to stack.
    EXPECT_EQ(targets[d]->stacked_batches_run(), 0) << device_names[d];
  }

  // A bad input is that request's answer, not a device failure.
  Request bad;
  bad.model = "add";
  bad.inputs = {{"x", Value(Filled(0))}};
  const Response resp = scheduler->Submit(std::move(bad)).get();
  EXPECT_FALSE(resp.status.ok());
  EXPECT_NE(resp.status.code(), absl::StatusCode::kUnavailable) << resp.status;
  for (const DeviceStatus& d : scheduler->Devices()) EXPECT_EQ(d.circuit, CircuitState::kClosed) << d.name;
  scheduler.reset();
}

// A real classifier whose batch dimension is symbolic: a batch of three
// requests runs as one stacked Session::Run, and each request gets the
// answer it would have got alone.
TEST(RuntimeTargetTest, StacksABatchIntoOneRunWhenTheModelHasABatchDimension) {
  const std::string path = std::string(BRAID_SOURCE_DIR) + "/models/ppocr_mobile_v2_cls/model.onnx";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is missing";
  auto runtime = Runtime::Create();
  ASSERT_TRUE(runtime.ok()) << runtime.status();
  auto model = (*runtime)->LoadModel(path);
  ASSERT_TRUE(model.ok()) << model.status();
  auto session = (*runtime)->CreateSession(**model, SessionOptions{});
  ASSERT_TRUE(session.ok()) << session.status();
  const std::string input_name = (*session)->inputs().at(0).name;
  auto image = [](int request) {
    std::vector<float> v(3 * 48 * 192);
    for (size_t i = 0; i < v.size(); ++i) v[i] = std::sin(0.01f * static_cast<float>(i) + static_cast<float>(request));
    return Tensor::FromVector(v, {1, 3, 48, 192});
  };
  BatchJob job;
  job.model = "cls";
  for (int r = 0; r < 3; ++r) job.inputs.push_back({{input_name, Value(image(r))}});

  DeviceInfo cpu;
  cpu.name = "cpu";
  auto target = RuntimeTarget::Create(cpu, {{"cls", session->get()}});
  ASSERT_TRUE(target.ok()) << target.status();
  std::promise<BatchResult> done;
  (*target)->StartBatch(job, [&done](BatchResult r) { done.set_value(std::move(r)); });
  const BatchResult result = done.get_future().get();
  ASSERT_TRUE(result.status.ok()) << result.status;
  ASSERT_EQ(result.outputs.size(), 3u);
  EXPECT_EQ((*target)->stacked_batches_run(), 1);
  EXPECT_EQ((*target)->requests_run(), 3);
  for (int r = 0; r < 3; ++r) {
    ASSERT_TRUE(result.outputs[r].ok()) << result.outputs[r].status();
    absl::StatusOr<NamedValues> alone = (*session)->Run(job.inputs[r]);
    ASSERT_TRUE(alone.ok()) << alone.status();
    ASSERT_EQ(result.outputs[r]->size(), alone->size());
    const Tensor& got = (*result.outputs[r])[0].second.tensor();
    const Tensor& want = (*alone)[0].second.tensor();
    ASSERT_EQ(got.shape(), want.shape()) << "request " << r;
    for (int64_t k = 0; k < want.num_elements(); ++k) {
      EXPECT_NEAR(got.values<float>()[k], want.values<float>()[k], 1e-5) << "request " << r << " element " << k;
    }
  }
}

TEST(RuntimeTargetTest, RejectsBadConstruction) {
  DeviceInfo info;
  info.name = "cpu";
  EXPECT_FALSE(RuntimeTarget::Create(info, {}).ok());
  EXPECT_FALSE(RuntimeTarget::Create(info, {{"m", nullptr}}).ok());
  EXPECT_FALSE(RuntimeTarget::Create(DeviceInfo{}, {{"m", nullptr}}).ok());
}

}  // namespace
}  // namespace braid::scheduler
