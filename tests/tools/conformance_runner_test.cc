#include <filesystem>
#include <fstream>

#include "graph/onnx/tensor_proto.h"
#include "gtest/gtest.h"
#include "tests/testing/onnx_model_builder.h"
#include "tools/conformance/case_runner.h"

namespace braid::tools {
namespace {

namespace fs = std::filesystem;

class ConformanceRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("braid_conf_" + std::to_string(::getpid()));
    fs::create_directories(root_);
    RuntimeOptions options;
    options.load_vendor_modules = false;
    runtime_ = *Runtime::Create(options);
  }
  void TearDown() override { fs::remove_all(root_); }

  // A case computing y = x + x with the given expected output.
  void WriteCase(const std::string& name, const std::vector<float>& expected) {
    fs::path dir = root_ / name;
    fs::create_directories(dir / "test_data_set_0");
    braid::testing::OnnxModelBuilder b;
    b.Input("x", DataType::kFloat32, {3}).Node("Add", {"x", "x"}, {"y"}).Output("y", DataType::kFloat32, {3});
    std::ofstream(dir / "model.onnx", std::ios::binary) << b.Serialize();
    auto write = [&](const std::string& file, const Tensor& t) {
      std::ofstream(dir / "test_data_set_0" / file, std::ios::binary)
          << *graph::onnx_import::SerializeValueProto(Value(t), "");
    };
    write("input_0.pb", Tensor::FromVector<float>({1, 2, 3}, {3}));
    write("output_0.pb", Tensor::FromVector<float>(expected, {3}));
  }

  fs::path root_;
  std::unique_ptr<Runtime> runtime_;
};

TEST_F(ConformanceRunnerTest, PassesMatchingCaseAndFailsWrongOne) {
  WriteCase("test_good", {2, 4, 6});
  WriteCase("test_bad", {2, 4, 7});
  fs::create_directories(root_ / "test_empty");
  std::ofstream(root_ / "test_empty" / "model.onnx") << "x";
  std::vector<fs::path> cases = FindCases(root_, std::regex(".*"));
  ASSERT_EQ(cases.size(), 3u);
  ConformanceOptions options;
  CaseResult bad = RunCase(*runtime_, root_, cases[0], options);
  CaseResult empty = RunCase(*runtime_, root_, cases[1], options);
  CaseResult good = RunCase(*runtime_, root_, cases[2], options);
  EXPECT_EQ(good.outcome, CaseResult::Outcome::kPassed) << good.reason;
  EXPECT_EQ(bad.outcome, CaseResult::Outcome::kFailed);
  EXPECT_NE(bad.reason.find("element 2 is 6, expected 7"), std::string::npos) << bad.reason;
  EXPECT_EQ(empty.outcome, CaseResult::Outcome::kSkipped);
}

TEST_F(ConformanceRunnerTest, FilterSelectsCases) {
  WriteCase("test_a", {2, 4, 6});
  WriteCase("test_b", {2, 4, 6});
  EXPECT_EQ(FindCases(root_, std::regex("_b$")).size(), 1u);
}

TEST_F(ConformanceRunnerTest, GarbageModelFailsWithReason) {
  WriteCase("test_garbage", {2, 4, 6});
  std::ofstream(root_ / "test_garbage" / "model.onnx", std::ios::binary) << "\x08\x96\x01 garbage";
  CaseResult r = RunCase(*runtime_, root_, root_ / "test_garbage", ConformanceOptions{});
  EXPECT_EQ(r.outcome, CaseResult::Outcome::kFailed);
  EXPECT_NE(r.reason.find("load:"), std::string::npos) << r.reason;
}

}  // namespace
}  // namespace braid::tools
