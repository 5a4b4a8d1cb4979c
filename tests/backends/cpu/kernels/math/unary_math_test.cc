#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/math/math_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(UnaryMath, AbsAndNegOnIntegersWrapAtTheMinimum) {
  auto abs = RunOutput(MakeTest("Abs", {Of<int8_t>({-128, -5, 0, 7}, {4})}));
  ASSERT_TRUE(abs.ok()) << abs.status();
  EXPECT_TRUE(Near(*abs, Of<int8_t>({-128, 5, 0, 7}, {4})));
  auto neg = RunOutput(MakeTest("Neg", {Of<int32_t>({INT32_MIN, -5, 0, 7}, {4})}));
  ASSERT_TRUE(neg.ok()) << neg.status();
  EXPECT_TRUE(Near(*neg, Of<int32_t>({INT32_MIN, 5, 0, -7}, {4})));
  auto uabs = RunOutput(MakeTest("Abs", {Of<uint16_t>({65535, 1}, {2})}));
  ASSERT_TRUE(uabs.ok()) << uabs.status();
  EXPECT_TRUE(Near(*uabs, Of<uint16_t>({65535, 1}, {2})));
}

TEST(UnaryMath, NegRejectsUnsigned) {
  auto out = RunOutput(MakeTest("Neg", {Of<uint8_t>({1}, {1})}));
  EXPECT_FALSE(out.ok());
}

TEST(UnaryMath, RoundHalfToEven) {
  auto out = RunOutput(MakeTest("Round", {F({0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4f, -2.6f, kNaN}, {8})}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, F({0.0f, 2.0f, 2.0f, -0.0f, -2.0f, 2.0f, -3.0f, kNaN}, {8})));
}

TEST(UnaryMath, SignKeepsNaNAndHandlesUnsigned) {
  auto out = RunOutput(MakeTest("Sign", {F({-3.0f, 0.0f, 2.0f, kNaN}, {4})}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, F({-1.0f, 0.0f, 1.0f, kNaN}, {4})));
  auto u = RunOutput(MakeTest("Sign", {Of<uint8_t>({0, 9}, {2})}));
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_TRUE(Near(*u, Of<uint8_t>({0, 1}, {2})));
}

TEST(UnaryMath, TranscendentalsMatchLibm) {
  const std::vector<float> x = {-0.9f, -0.3f, 0.0f, 0.4f, 0.8f};
  struct Case {
    const char* op;
    double (*fn)(double);
  };
  const Case cases[] = {{"Sin", std::sin},   {"Cos", std::cos},   {"Tan", std::tan},     {"Asin", std::asin},
                        {"Acos", std::acos}, {"Atan", std::atan}, {"Sinh", std::sinh},   {"Cosh", std::cosh},
                        {"Asinh", std::asinh}, {"Atanh", std::atanh}, {"Exp", std::exp}, {"Erf", std::erf},
                        {"Tanh", std::tanh}};
  for (const Case& c : cases) {
    std::vector<float> expect;
    for (float v : x) expect.push_back(static_cast<float>(c.fn(v)));
    auto out = RunOutput(MakeTest(c.op, {F(x, {5})}));
    ASSERT_TRUE(out.ok()) << c.op << ": " << out.status();
    EXPECT_TRUE(Near(*out, F(expect, {5}))) << c.op;
  }
  auto acosh = RunOutput(MakeTest("Acosh", {F({1.0f, 2.0f, 10.0f}, {3})}));
  ASSERT_TRUE(acosh.ok());
  EXPECT_TRUE(Near(*acosh, F({0.0f, std::acosh(2.0f), std::acosh(10.0f)}, {3})));
}

TEST(UnaryMath, LogSqrtReciprocalEdgeValues) {
  auto log = RunOutput(MakeTest("Log", {F({0.0f, -1.0f, 1.0f, kInf}, {4})}));
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE(Near(*log, F({-kInf, kNaN, 0.0f, kInf}, {4})));
  auto sqrt = RunOutput(MakeTest("Sqrt", {Of<double>({4.0, -1.0}, {2})}));
  ASSERT_TRUE(sqrt.ok());
  EXPECT_TRUE(Near(*sqrt, Of<double>({2.0, std::nan("")}, {2})));
  auto rec = RunOutput(MakeTest("Reciprocal", {F({0.0f, -4.0f}, {2})}));
  ASSERT_TRUE(rec.ok());
  EXPECT_TRUE(Near(*rec, F({kInf, -0.25f}, {2})));
}

TEST(UnaryMath, SigmoidIsStableForLargeInputs) {
  auto out = RunOutput(MakeTest("Sigmoid", {Of<double>({-800.0, 800.0, 0.0}, {3})}));
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(Near(*out, Of<double>({0.0, 1.0, 0.5}, {3})));
}

TEST(UnaryMath, HalfPrecisionComputesInFloat) {
  auto out = RunOutput(MakeTest("Exp", {Of<Float16>({Float16(0.0f), Float16(1.0f), Float16(-2.0f)}, {3})}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, Of<Float16>({Float16(1.0f), Float16(std::exp(1.0f)), Float16(std::exp(-2.0f))}, {3}),
                          1e-3, 0));
  auto bf = RunOutput(MakeTest("Tanh", {Of<BFloat16>({BFloat16(0.5f)}, {1})}));
  ASSERT_TRUE(bf.ok()) << bf.status();
  EXPECT_TRUE(Near(*bf, Of<BFloat16>({BFloat16(std::tanh(0.5f))}, {1}), 1e-2, 0));
}

TEST(UnaryMath, LargeTensorUsesAllElements) {
  // Spans several parallel chunks; every element must be written.
  const int64_t n = 100003;
  std::vector<float> x(n), e(n);
  for (int64_t i = 0; i < n; ++i) {
    x[i] = static_cast<float>(i % 200) * 0.05f - 5.0f;
    e[i] = static_cast<float>(std::erf(static_cast<double>(x[i])));
  }
  auto out = RunOutput(MakeTest("Erf", {F(x, {n})}));
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(Near(*out, F(e, {n}), 1e-6, 1e-7));
}

TEST(UnaryMath, EmptyTensor) {
  auto out = RunOutput(MakeTest("Exp", {F({}, {0, 3})}));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->shape(), (Shape{0, 3}));
}

TEST(UnaryMath, Predicates) {
  auto nan = RunOutput(MakeTest("IsNaN", {F({1.0f, kNaN, kInf}, {3})}));
  ASSERT_TRUE(nan.ok());
  EXPECT_TRUE(Near(*nan, Of<bool>({false, true, false}, {3})));
  const Tensor x = F({-kInf, 1.0f, kInf, kNaN}, {4});
  auto both = RunOutput(MakeTest("IsInf", {x}));
  ASSERT_TRUE(both.ok());
  EXPECT_TRUE(Near(*both, Of<bool>({true, false, true, false}, {4})));
  OpTest pos = MakeTest("IsInf", {x});
  pos.attributes["detect_negative"] = AttrInt(0);
  auto p = RunOutput(pos);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(Near(*p, Of<bool>({false, false, true, false}, {4})));
  OpTest neg = MakeTest("IsInf", {x});
  neg.attributes["detect_positive"] = AttrInt(0);
  auto n = RunOutput(neg);
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(Near(*n, Of<bool>({true, false, false, false}, {4})));
  auto no = RunOutput(MakeTest("Not", {Of<bool>({true, false}, {2})}));
  ASSERT_TRUE(no.ok());
  EXPECT_TRUE(Near(*no, Of<bool>({false, true}, {2})));
  EXPECT_FALSE(RunOutput(MakeTest("Not", {F({1.0f}, {1})})).ok());
}

TEST(UnaryMath, UnsupportedTypeNamesTheNode) {
  auto out = RunOutput(MakeTest("Sqrt", {Of<int32_t>({4}, {1})}));
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("Sqrt"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace braid::backends::cpu::testing
