#include <thread>

#include "braid/braid.h"
#include "gtest/gtest.h"
#include "tests/testing/onnx_model_builder.h"

namespace braid {
namespace {

using testing::OnnxModelBuilder;

// y = Relu(x + w), x: float32[N,4]
std::string AddReluModel() {
  OnnxModelBuilder b;
  b.Input("x", DataType::kFloat32, {-1, 4})
      .Initializer("w", Tensor::FromVector<float>({1, -2, 3, -4}, {4}))
      .Node("Add", {"x", "w"}, {"s"})
      .Node("Relu", {"s"}, {"y"})
      .Output("y", DataType::kFloat32, {-1, 4});
  return b.Serialize();
}

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RuntimeOptions options;
    options.load_vendor_modules = false;
    auto rt = Runtime::Create(options);
    ASSERT_TRUE(rt.ok()) << rt.status();
    runtime_ = *std::move(rt);
    auto model = runtime_->LoadModelFromBytes(AddReluModel());
    ASSERT_TRUE(model.ok()) << model.status();
    model_ = *std::move(model);
    auto session = runtime_->CreateSession(*model_);
    ASSERT_TRUE(session.ok()) << session.status();
    session_ = *std::move(session);
  }

  std::string ErrorFor(const NamedValues& inputs) {
    auto out = session_->Run(inputs);
    return out.ok() ? "" : std::string(out.status().message());
  }

  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<Session> session_;
};

TEST_F(SessionTest, RunsAndNamesOutputs) {
  auto out = session_->Run({{"x", Tensor::FromVector<float>({0, 0, 0, 0, 1, 1, 1, 1}, {2, 4})}});
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].first, "y");
  const Tensor& y = (*out)[0].second.tensor();
  EXPECT_EQ(y.shape(), (Shape{2, 4}));
  std::vector<float> expect = {1, 0, 3, 0, 2, 0, 4, 0};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(y.data<float>()[i], expect[i]) << i;
}

TEST_F(SessionTest, DescribesInputsAndOutputs) {
  ASSERT_EQ(session_->inputs().size(), 1u);
  EXPECT_EQ(session_->inputs()[0].name, "x");
  EXPECT_EQ(session_->inputs()[0].dtype, DataType::kFloat32);
  EXPECT_EQ(session_->inputs()[0].dims, (std::vector<int64_t>{-1, 4}));
  EXPECT_EQ(model_->outputs()[0].type, "float32[N,4]");
}

TEST_F(SessionTest, MissingInputIsNamed) {
  EXPECT_NE(ErrorFor({}).find("missing input 'x'"), std::string::npos);
}

TEST_F(SessionTest, UnknownInputIsNamed) {
  std::string err = ErrorFor({{"x", Tensor::FromVector<float>({1, 2, 3, 4}, {1, 4})}, {"bogus", Tensor::Scalar(1.0f)}});
  EXPECT_NE(err.find("unknown input 'bogus'"), std::string::npos) << err;
}

TEST_F(SessionTest, WrongDtypeIsNamed) {
  std::string err = ErrorFor({{"x", Tensor::FromVector<int32_t>({1, 2, 3, 4}, {1, 4})}});
  EXPECT_NE(err.find("input 'x': expected element type float32, got int32"), std::string::npos) << err;
}

TEST_F(SessionTest, WrongRankIsNamed) {
  std::string err = ErrorFor({{"x", Tensor::FromVector<float>({1, 2, 3, 4}, {4})}});
  EXPECT_NE(err.find("input 'x': expected rank 2"), std::string::npos) << err;
}

TEST_F(SessionTest, WrongFixedDimIsNamed) {
  std::string err = ErrorFor({{"x", Tensor::FromVector<float>({1, 2, 3}, {1, 3})}});
  EXPECT_NE(err.find("input 'x': dimension 1 must be 4"), std::string::npos) << err;
}

TEST_F(SessionTest, InputGivenTwiceIsAnError) {
  Tensor x = Tensor::FromVector<float>({1, 2, 3, 4}, {1, 4});
  EXPECT_NE(ErrorFor({{"x", x}, {"x", x}}).find("given more than once"), std::string::npos);
}

TEST_F(SessionTest, ConcurrentRunsGiveEachCallerItsOwnResult) {
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        float v = static_cast<float>(t * 1000 + i);
        auto out = session_->Run({{"x", Tensor::FromVector<float>({v, v, v, v}, {1, 4})}});
        if (!out.ok() || (*out)[0].second.tensor().data<float>()[0] != v + 1) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(SessionTest, RunAsyncDeliversTheResult) {
  auto future = session_->RunAsync({{"x", Tensor::FromVector<float>({5, 5, 5, 5}, {1, 4})}});
  auto out = future.get();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].second.tensor().data<float>()[2], 8.0f);
}

TEST_F(SessionTest, RunStatsAreFilled) {
  RunStats stats;
  RunOptions options;
  options.stats = &stats;
  ASSERT_TRUE(session_->Run({{"x", Tensor::FromVector<float>({1, 2, 3, 4}, {1, 4})}}, options).ok());
  EXPECT_GT(stats.wall_ms, 0);
  EXPECT_EQ(stats.copies, 0);
}

TEST_F(SessionTest, EveryNodeRunsOnTheCpuByDefault) {
  const PlacementReport& p = session_->placement();
  ASSERT_EQ(p.nodes.size(), 2u);
  for (const auto& n : p.nodes) EXPECT_EQ(n.device, "cpu");
  EXPECT_EQ(p.partitions, 1);
  EXPECT_EQ(p.boundary_copies, 0);
}

TEST(RuntimeTest, UnknownDeviceListsTheAvailableOnes) {
  RuntimeOptions options;
  options.load_vendor_modules = false;
  auto rt = Runtime::Create(options);
  ASSERT_TRUE(rt.ok());
  auto model = (*rt)->LoadModelFromBytes(AddReluModel());
  ASSERT_TRUE(model.ok());
  SessionOptions so;
  so.devices = {"gpu-that-does-not-exist"};
  auto session = (*rt)->CreateSession(**model, so);
  ASSERT_FALSE(session.ok());
  std::string msg(session.status().message());
  EXPECT_NE(msg.find("no device 'gpu-that-does-not-exist'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("cpu"), std::string::npos) << msg;
}

TEST(RuntimeTest, UnsupportedOperatorsAreListedByNameDomainAndOpset) {
  OnnxModelBuilder b;
  b.Opset("com.example", 2);
  b.Input("x", DataType::kFloat32, {2})
      .Node("Frobnicate", {"x"}, {"a"}, {}, "com.example")
      .Node("Frobnicate", {"a"}, {"y"}, {}, "com.example")
      .Output("y", DataType::kFloat32, {2});
  auto rt = Runtime::Create();
  ASSERT_TRUE(rt.ok());
  auto model = (*rt)->LoadModelFromBytes(b.Serialize());
  ASSERT_TRUE(model.ok()) << model.status();
  auto session = (*rt)->CreateSession(**model);
  ASSERT_FALSE(session.ok());
  std::string msg(session.status().message());
  EXPECT_NE(msg.find("Frobnicate (domain 'com.example', opset 2) at nodes"), std::string::npos) << msg;
}

TEST(RuntimeTest, VendorBackendsWithoutModulesAreUnavailableWithAReason) {
  RuntimeOptions options;
  options.module_dir = "/nonexistent-braid-modules";
  auto rt = Runtime::Create(options);
  ASSERT_TRUE(rt.ok());
  int vendor_backends = 0;
  for (const BackendReport& b : (*rt)->Backends()) {
    if (b.name == "hip" || b.name == "cuda") {
      ++vendor_backends;
      EXPECT_FALSE(b.availability.available);
      EXPECT_NE(b.availability.reason.find("not found"), std::string::npos) << b.availability.reason;
    }
  }
  EXPECT_EQ(vendor_backends, 2);
  EXPECT_NE((*rt)->FindDevice("cpu"), nullptr);
}

}  // namespace
}  // namespace braid
