#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/math/math_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

OpTest CastTo(Tensor x, DataType to, int opset = 13) {
  OpTest t = MakeTest("Cast", {std::move(x)}, opset);
  t.attributes["to"] = AttrInt(static_cast<int64_t>(to));
  return t;
}

TEST(Cast, FloatToStringLikeNumpy) {
  auto out = RunOutput(CastTo(F({0.5f, 3.0f, 0.039187793f, 1e-5f, 1.5e20f, -2.25f, kNaN, -kInf, 123456.0f}, {9}),
                              DataType::kString));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, Of<std::string>({"0.5", "3.0", "0.039187793", "1e-05", "1.5e+20", "-2.25", "nan",
                                                 "-inf", "123456.0"},
                                                {9})));
}

TEST(Cast, StringToFloatAcceptsInfAndNaNSpellings) {
  auto out = RunOutput(
      CastTo(Of<std::string>({"0.47892547", "NaN", "INF", "+INF", "-INF", "1e3"}, {6}), DataType::kFloat32));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, F({0.47892547f, kNaN, kInf, kInf, -kInf, 1000.0f}, {6})));
  auto bad = RunOutput(CastTo(Of<std::string>({"12abc"}, {1}), DataType::kFloat32));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("12abc"), std::string::npos);
}

TEST(Cast, StringToIntegersAndBool) {
  auto i = RunOutput(CastTo(Of<std::string>({"-12", "7", "2.9"}, {3}), DataType::kInt32));
  ASSERT_TRUE(i.ok()) << i.status();
  EXPECT_TRUE(Near(*i, Of<int32_t>({-12, 7, 2}, {3})));
  auto b = RunOutput(CastTo(Of<std::string>({"True", "false", "0", "2"}, {4}), DataType::kBool));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_TRUE(Near(*b, Of<bool>({true, false, false, true}, {4})));
  auto s = RunOutput(CastTo(Of<int64_t>({-5, 0}, {2}), DataType::kString));
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(Near(*s, Of<std::string>({"-5", "0"}, {2})));
}

TEST(Cast, FloatToIntegerTruncatesAndBool) {
  auto i = RunOutput(CastTo(F({2.9f, -2.9f, 300.0f}, {3}), DataType::kInt32));
  ASSERT_TRUE(i.ok());
  EXPECT_TRUE(Near(*i, Of<int32_t>({2, -2, 300}, {3})));
  auto u = RunOutput(CastTo(F({300.0f, -1.0f}, {2}), DataType::kUInt8));
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(Near(*u, Of<uint8_t>({44, 255}, {2})));  // wraps
  auto n = RunOutput(CastTo(F({kNaN}, {1}), DataType::kInt64));
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(Near(*n, Of<int64_t>({std::numeric_limits<int64_t>::min()}, {1})));
  auto b = RunOutput(CastTo(F({0.0f, -0.0f, 0.1f, kNaN}, {4}), DataType::kBool));
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(Near(*b, Of<bool>({false, false, true, true}, {4})));
  auto fb = RunOutput(CastTo(Of<bool>({true, false}, {2}), DataType::kFloat16));
  ASSERT_TRUE(fb.ok());
  EXPECT_TRUE(Near(*fb, Of<Float16>({Float16(1.0f), Float16(0.0f)}, {2})));
}

TEST(Cast, BFloat16TruncatesBeforeOpset19AndRoundsAfter) {
  const float v = 0.48033667f;  // 0x3ef5ef..: truncation and rounding differ
  auto trunc = RunOutput(CastTo(F({v}, {1}), DataType::kBFloat16, 13));
  ASSERT_TRUE(trunc.ok());
  auto round = RunOutput(CastTo(F({v}, {1}), DataType::kBFloat16, 19));
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(trunc->data<BFloat16>()[0].bits, 0x3ef5);
  EXPECT_EQ(round->data<BFloat16>()[0].bits, 0x3ef6);
  auto back = RunOutput(CastTo(Of<BFloat16>({BFloat16::FromBits(0x3ef5)}, {1}), DataType::kFloat32));
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(Near(*back, F({0.478515625f}, {1}), 0, 0));
}

TEST(Cast, Float16RoundTripAndSameTypeIsAView) {
  auto h = RunOutput(CastTo(Of<double>({0.1, 65504.0, 1e6}, {3}), DataType::kFloat16));
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(Near(*h, Of<Float16>({Float16(0.1f), Float16(65504.0f), Float16(kInf)}, {3}), 0, 0));
  auto s = RunOutput(CastTo(Of<Float16>({Float16(0.1f)}, {1}), DataType::kString));
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(Near(*s, Of<std::string>({"0.1"}, {1})));
  auto same = RunOutput(CastTo(F({1, 2}, {2}), DataType::kFloat32));
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(Near(*same, F({1, 2}, {2})));
}

TEST(Cast, OpsetOneTakesATypeName) {
  OpTest t = MakeTest("Cast", {F({1.5f}, {1})}, 1);
  t.attributes["to"] = AttrString("INT32");
  auto out = RunOutput(t);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, Of<int32_t>({1}, {1})));
}

TEST(Cast, InvalidTargetIsAnError) {
  EXPECT_FALSE(RunOutput(CastTo(F({1}, {1}), static_cast<DataType>(99))).ok());
}

TEST(CastLike, TakesTheTypeOfTheSecondInput) {
  auto out = RunOutput(MakeTest("CastLike", {F({1.7f, -3.2f}, {2}), Of<int64_t>({0}, {1})}, 15));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(Near(*out, I64({1, -3}, {2})));
}

}  // namespace
}  // namespace braid::backends::cpu::testing
