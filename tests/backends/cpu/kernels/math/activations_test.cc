#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/math/math_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

TEST(Activations, ReluPassesNaNAndWorksOnIntegers) {
  auto out = RunOutput(MakeTest("Relu", {F({-1.0f, 0.0f, 2.5f, kNaN}, {4})}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, F({0.0f, 0.0f, 2.5f, kNaN}, {4})));
  auto i = RunOutput(MakeTest("Relu", {Of<int8_t>({-3, 4}, {2})}));
  ASSERT_TRUE(i.ok()) << i.status();
  EXPECT_TRUE(Near(*i, Of<int8_t>({0, 4}, {2})));
}

TEST(Activations, ParametricDefaultsAndAttributes) {
  const Tensor x = F({-2.0f, -0.5f, 0.0f, 1.0f, 3.0f}, {5});
  auto leaky = RunOutput(MakeTest("LeakyRelu", {x}));
  ASSERT_TRUE(leaky.ok());
  EXPECT_TRUE(Near(*leaky, F({-0.02f, -0.005f, 0.0f, 1.0f, 3.0f}, {5})));

  OpTest elu = MakeTest("Elu", {x});
  elu.attributes["alpha"] = AttrFloat(2.0f);
  auto e = RunOutput(elu);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(Near(*e, F({2.0f * std::expm1(-2.0f), 2.0f * std::expm1(-0.5f), 0.0f, 1.0f, 3.0f}, {5})));

  auto selu = RunOutput(MakeTest("Selu", {x}));
  ASSERT_TRUE(selu.ok());
  const float a = 1.67326319217681884765625f, g = 1.05070102214813232421875f;
  EXPECT_TRUE(Near(*selu, F({g * a * std::expm1(-2.0f), g * a * std::expm1(-0.5f), 0.0f, g, 3.0f * g}, {5})));

  OpTest celu = MakeTest("Celu", {x});
  celu.attributes["alpha"] = AttrFloat(2.0f);
  auto c = RunOutput(celu);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(Near(*c, F({2.0f * std::expm1(-1.0f), 2.0f * std::expm1(-0.25f), 0.0f, 1.0f, 3.0f}, {5})));

  auto hs = RunOutput(MakeTest("HardSigmoid", {x}));
  ASSERT_TRUE(hs.ok());
  EXPECT_TRUE(Near(*hs, F({0.1f, 0.4f, 0.5f, 0.7f, 1.0f}, {5})));

  auto hsw = RunOutput(MakeTest("HardSwish", {F({-4.0f, -1.0f, 0.0f, 1.0f, 4.0f}, {5})}));
  ASSERT_TRUE(hsw.ok());
  EXPECT_TRUE(Near(*hsw, F({0.0f, -1.0f / 3.0f, 0.0f, 2.0f / 3.0f, 4.0f}, {5})));

  OpTest tr = MakeTest("ThresholdedRelu", {x});
  tr.attributes["alpha"] = AttrFloat(1.0f);
  auto t = RunOutput(tr);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(Near(*t, F({0.0f, 0.0f, 0.0f, 0.0f, 3.0f}, {5})));

  auto ss = RunOutput(MakeTest("Softsign", {x}));
  ASSERT_TRUE(ss.ok());
  EXPECT_TRUE(Near(*ss, F({-2.0f / 3.0f, -0.5f / 1.5f, 0.0f, 0.5f, 0.75f}, {5})));
}

TEST(Activations, SoftplusDoesNotOverflow) {
  auto out = RunOutput(MakeTest("Softplus", {F({-100.0f, 0.0f, 100.0f, 1000.0f}, {4})}));
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(Near(*out, F({std::exp(-100.0f), std::log(2.0f), 100.0f, 1000.0f}, {4})));
}

TEST(Activations, ShrinkOnFloatsAndIntegers) {
  OpTest t = MakeTest("Shrink", {F({-2.0f, -1.0f, 0.0f, 1.0f, 2.0f}, {5})});
  t.attributes["lambd"] = AttrFloat(1.5f);
  t.attributes["bias"] = AttrFloat(1.5f);
  auto out = RunOutput(t);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(Near(*out, F({-0.5f, 0.0f, 0.0f, 0.0f, 0.5f}, {5})));
  OpTest ti = MakeTest("Shrink", {Of<int32_t>({-5, 0, 5}, {3})});
  ti.attributes["lambd"] = AttrFloat(1.0f);
  ti.attributes["bias"] = AttrFloat(2.0f);
  auto oi = RunOutput(ti);
  ASSERT_TRUE(oi.ok()) << oi.status();
  EXPECT_TRUE(Near(*oi, Of<int32_t>({-3, 0, 3}, {3})));
}

TEST(Activations, PReluBroadcastsSlope) {
  auto out = RunOutput(MakeTest("PRelu", {F({-1, 2, -3, 4, -5, 6}, {2, 3}), F({0.1f, 0.2f, 0.3f}, {3})}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, F({-0.1f, 2, -0.9f, 4, -1.0f, 6}, {2, 3})));
  // A slope that would grow the output is rejected.
  auto bad = RunOutput(MakeTest("PRelu", {F({-1, 2}, {2}), F({0.1f, 0.2f, 0.3f, 0.4f}, {2, 2})}));
  EXPECT_FALSE(bad.ok());
}

TEST(Activations, ClipFromAttributesBeforeOpset11) {
  OpTest t = MakeTest("Clip", {F({-5.0f, 0.0f, 5.0f, kNaN}, {4})}, 6);
  t.attributes["min"] = AttrFloat(-1.0f);
  t.attributes["max"] = AttrFloat(2.0f);
  auto out = RunOutput(t);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, F({-1.0f, 0.0f, 2.0f, kNaN}, {4})));
  // No attributes: unbounded.
  auto none = RunOutput(MakeTest("Clip", {F({-1e30f, 1e30f}, {2})}, 6));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(Near(*none, F({-1e30f, 1e30f}, {2})));
}

TEST(Activations, ClipFromOptionalInputs) {
  OpTest t;
  t.op_type = "Clip";
  t.opset = 13;
  t.inputs = {Value(Of<int8_t>({-100, 0, 100}, {3})), std::nullopt, Value(Of<int8_t>({50}, {}))};
  auto out = RunOutput(t);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, Of<int8_t>({-100, 0, 50}, {3})));
  auto both = RunOutput(MakeTest("Clip", {F({-5.0f, 0.5f, 5.0f}, {3}), F({0.0f}, {}), F({1.0f}, {})}, 11));
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_TRUE(Near(*both, F({0.0f, 0.5f, 1.0f}, {3})));
  auto bad = RunOutput(MakeTest("Clip", {F({1.0f}, {1}), F({0.0f, 1.0f}, {2})}, 13));
  EXPECT_FALSE(bad.ok());
}

}  // namespace
}  // namespace braid::backends::cpu::testing

namespace braid::backends::cpu::testing {
namespace {

TEST(Activations, PReluBeforeOpset7AppliesOneSlopePerChannel) {
  std::vector<float> x(2 * 3 * 2, -1.0f);
  auto out = RunOutput(MakeTest("PRelu", {F(x, {2, 3, 2}), F({0.1f, 0.2f, 0.3f}, {3})}, 6));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, F({-0.1f, -0.1f, -0.2f, -0.2f, -0.3f, -0.3f, -0.1f, -0.1f, -0.2f, -0.2f, -0.3f, -0.3f},
                           {2, 3, 2})));
}

}  // namespace
}  // namespace braid::backends::cpu::testing
