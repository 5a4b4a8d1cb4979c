#include <cmath>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/control/graph_builder.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

using graph::Attribute;

constexpr const char* kDomain = "ai.onnx.preview.training";

Value F(std::vector<float> v) {
  Shape s{static_cast<int64_t>(v.size())};
  return Value(Tensor::FromVector<float>(v, s));
}

TEST(TrainingKernels, AdagradUpdatesTwoTensors) {
  OpTest t = MakeOp("Adagrad", 1, kDomain);
  t.inputs = {Value(Tensor::Scalar<float>(0.1f)), Value(Tensor::Scalar<int64_t>(2)), F({1.0f}), F({2.0f, -1.0f}),
              F({-1.0f}), F({0.5f, 0.25f}), F({2.0f}), F({0.0f, 1.0f})};
  t.attributes.emplace("decay_factor", Attribute(0.1f));
  t.attributes.emplace("epsilon", Attribute(1e-5f));
  t.attributes.emplace("norm_coefficient", Attribute(0.001f));
  t.num_outputs = 4;
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  auto step = [](double x, double g, double h, double& h_new) {
    double r = 0.1 / (1 + 2 * 0.1);
    double gr = 0.001 * x + g;
    h_new = h + gr * gr;
    return x - r * gr / (std::sqrt(h_new) + 1e-5);
  };
  double h1, h2a, h2b;
  float x1 = static_cast<float>(step(1.0, -1.0, 2.0, h1));
  float x2a = static_cast<float>(step(2.0, 0.5, 0.0, h2a));
  float x2b = static_cast<float>(step(-1.0, 0.25, 1.0, h2b));
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({x1}, {1})));
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<float>({x2a, x2b}, {2})));
  EXPECT_TRUE(TensorsNear((*out)[2].tensor(), Tensor::FromVector<float>({static_cast<float>(h1)}, {1})));
  EXPECT_TRUE(TensorsNear((*out)[3].tensor(),
                          Tensor::FromVector<float>({static_cast<float>(h2a), static_cast<float>(h2b)}, {2})));
}

TEST(TrainingKernels, AdamAppliesBiasCorrectionAfterTheFirstStep) {
  OpTest t = MakeOp("Adam", 1, kDomain);
  t.inputs = {Value(Tensor::Scalar<float>(0.1f)), Value(Tensor::Scalar<int64_t>(3)), F({1.2f}), F({-0.5f}),
              F({0.3f}), F({0.04f})};
  t.attributes.emplace("alpha", Attribute(0.9f));
  t.attributes.emplace("beta", Attribute(0.99f));
  t.attributes.emplace("epsilon", Attribute(1e-7f));
  t.attributes.emplace("norm_coefficient", Attribute(0.01f));
  t.attributes.emplace("norm_coefficient_post", Attribute(0.02f));
  t.num_outputs = 3;
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  double alpha = static_cast<double>(0.9f), beta = static_cast<double>(0.99f);
  double x = static_cast<double>(1.2f), g = static_cast<double>(-0.5f);
  double gr = static_cast<double>(0.01f) * x + g;
  double v = alpha * static_cast<double>(0.3f) + (1 - alpha) * gr;
  double h = beta * static_cast<double>(0.04f) + (1 - beta) * gr * gr;
  double r = static_cast<double>(0.1f) * std::sqrt(1 - std::pow(beta, 3)) / (1 - std::pow(alpha, 3));
  double x_new = (1 - static_cast<double>(0.02f)) * (x - r * v / (std::sqrt(h) + static_cast<double>(1e-7f)));
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({static_cast<float>(x_new)}, {1})));
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<float>({static_cast<float>(v)}, {1})));
  EXPECT_TRUE(TensorsNear((*out)[2].tensor(), Tensor::FromVector<float>({static_cast<float>(h)}, {1})));
}

TEST(TrainingKernels, MomentumStandardAndNesterov) {
  for (std::string mode : {"standard", "nesterov"}) {
    for (int64_t step : {0, 5}) {
      OpTest t = MakeOp("Momentum", 1, kDomain);
      t.inputs = {Value(Tensor::Scalar<double>(0.1)), Value(Tensor::Scalar<int64_t>(step)),
                  Value(Tensor::FromVector<double>({1.0}, {1})), Value(Tensor::FromVector<double>({-2.0}, {1})),
                  Value(Tensor::FromVector<double>({0.5}, {1}))};
      t.attributes.emplace("alpha", Attribute(0.95f));
      t.attributes.emplace("beta", Attribute(0.25f));
      t.attributes.emplace("norm_coefficient", Attribute(0.01f));
      t.attributes.emplace("mode", Attribute(mode));
      t.num_outputs = 2;
      auto out = t.Run();
      ASSERT_TRUE(out.ok()) << out.status();
      double alpha = static_cast<double>(0.95f), beta = step > 0 ? static_cast<double>(0.25f) : 1.0;
      double gr = static_cast<double>(0.01f) * 1.0 - 2.0;
      double v = alpha * 0.5 + beta * gr;
      double x = mode == "standard" ? 1.0 - 0.1 * v : 1.0 - 0.1 * (gr + alpha * v);
      EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<double>({x}, {1}), 1e-12, 1e-12)) << mode;
      EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<double>({v}, {1}), 1e-12, 1e-12)) << mode;
    }
  }
}

TEST(TrainingKernels, MismatchedGroupShapesAreRejected) {
  OpTest t = MakeOp("Momentum", 1, kDomain);
  t.inputs = {Value(Tensor::Scalar<float>(0.1f)), Value(Tensor::Scalar<int64_t>(1)), F({1, 2}), F({1}), F({1, 2})};
  t.attributes.emplace("alpha", Attribute(0.9f));
  t.attributes.emplace("beta", Attribute(0.1f));
  t.attributes.emplace("norm_coefficient", Attribute(0.0f));
  t.attributes.emplace("mode", Attribute(std::string("standard")));
  t.num_outputs = 2;
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("does not match X"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace braid::backends::cpu::testing
