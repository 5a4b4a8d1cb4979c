// Op suite, elementwise family: every op on both emulated warp sizes
// against the C++ reference, with broadcasting, odd sizes, fused chains,
// Cast, Where and BatchNormalization.
#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "tests/backends/gpu/op_harness.h"

namespace braid::backends::gpu::testing {
namespace {

constexpr DataType F32 = DataType::kFloat32;
constexpr DataType BOOL = DataType::kBool;

class ElementwiseTest : public ::testing::TestWithParam<int> {};

struct UnaryCase {
  const char* op;
  std::function<double(double)> ref;
  Attrs attrs;
  float lo = -3.0f, hi = 3.0f;
};

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

std::vector<UnaryCase> UnaryCases() {
  return {
      {"Abs", [](double x) { return std::fabs(x); }, {}},
      {"Neg", [](double x) { return -x; }, {}},
      {"Exp", [](double x) { return std::exp(x); }, {}},
      {"Log", [](double x) { return std::log(x); }, {}, 0.01f, 5.0f},
      {"Sqrt", [](double x) { return std::sqrt(x); }, {}, 0.0f, 5.0f},
      {"Reciprocal", [](double x) { return 1.0 / x; }, {}, 0.5f, 4.0f},
      {"Relu", [](double x) { return x > 0 ? x : 0; }, {}},
      {"Sigmoid", Sigmoid, {}},
      {"Tanh", [](double x) { return std::tanh(x); }, {}},
      {"Erf", [](double x) { return std::erf(x); }, {}},
      {"Floor", [](double x) { return std::floor(x); }, {}},
      {"Ceil", [](double x) { return std::ceil(x); }, {}},
      {"Round", [](double x) { return std::nearbyint(x); }, {}},
      {"Sin", [](double x) { return std::sin(x); }, {}},
      {"Cos", [](double x) { return std::cos(x); }, {}},
      {"Tan", [](double x) { return std::tan(x); }, {}, -1.2f, 1.2f},
      {"Sign", [](double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); }, {}},
      {"Softplus", [](double x) { return std::log1p(std::exp(x)); }, {}},
      {"Softsign", [](double x) { return x / (1 + std::fabs(x)); }, {}},
      {"LeakyRelu", [](double x) { return x >= 0 ? x : 0.1 * x; }, {{"alpha", A(0.1f)}}},
      {"Elu", [](double x) { return x >= 0 ? x : 0.5 * std::expm1(x); }, {{"alpha", A(0.5f)}}},
      {"Selu",
       [](double x) {
         const double a = 1.67326319217681884765625, g = 1.05070102214813232421875;
         return x > 0 ? g * x : g * (a * std::exp(x) - a);
       },
       {}},
      {"Celu", [](double x) { return std::max(0.0, x) + std::min(0.0, 2.0 * std::expm1(x / 2.0)); },
       {{"alpha", A(2.0f)}}},
      {"HardSigmoid", [](double x) { return std::clamp(0.2 * x + 0.5, 0.0, 1.0); }, {}},
      {"HardSwish", [](double x) { return x * std::clamp(x / 6 + 0.5, 0.0, 1.0); }, {}},
      {"Gelu", [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }, {}},
      {"Gelu",
       [](double x) { return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x))); },
       {{"approximate", A("tanh")}}},
      {"Mish", [](double x) { return x * std::tanh(std::log1p(std::exp(x))); }, {}},
      {"ThresholdedRelu", [](double x) { return x > 1.0 ? x : 0.0; }, {}},
  };
}

TEST_P(ElementwiseTest, UnaryOpsMatchReference) {
  Random rng(7);
  for (const UnaryCase& c : UnaryCases()) {
    for (const Shape& shape : {Shape{}, Shape{7}, Shape{3, 5, 17}, Shape{2, 3, 129}}) {
      OpHarness h(GetParam(), 20);
      h.Input("x", F32, shape);
      h.Node(c.op, {"x"}, {"y"}, {F32}, c.attrs);
      h.Output("y");
      Tensor x = rng.Uniform(F32, shape, c.lo, c.hi);
      auto out = h.Run({x});
      ASSERT_TRUE(out.ok()) << c.op << ": " << out.status();
      ExpectClose((*out)[0], Map(ToRef(x), c.ref), 1e-4, 1e-5, std::string(c.op) + ShapeToString(shape));
    }
  }
}

struct BinaryCase {
  const char* op;
  std::function<double(double, double)> ref;
  float lo = -2.0f, hi = 2.0f;
  Attrs attrs = {};
};

TEST_P(ElementwiseTest, BinaryOpsBroadcast) {
  const std::vector<BinaryCase> cases = {
      {"Add", [](double a, double b) { return a + b; }},
      {"Sub", [](double a, double b) { return a - b; }},
      {"Mul", [](double a, double b) { return a * b; }},
      {"Div", [](double a, double b) { return a / b; }, 0.5f, 2.0f},
      {"Pow", [](double a, double b) { return std::pow(a, b); }, 0.1f, 2.0f},
      {"PRelu", [](double a, double b) { return a >= 0 ? a : a * b; }},
      {"Mod", [](double a, double b) { return std::fmod(a, b); }, 0.3f, 2.0f, {{"fmod", A(1)}}},
  };
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{5, 7}, {5, 7}}, {{3, 1, 5}, {4, 5}}, {{2, 3, 4}, {}}, {{1}, {6, 1, 3}}, {{65, 3}, {65, 1}}};
  Random rng(11);
  for (const BinaryCase& c : cases) {
    for (const auto& [sa, sb] : shapes) {
      if (std::string(c.op) == "PRelu" && sb.size() > sa.size()) continue;  // slope broadcasts to X only
      OpHarness h(GetParam());
      h.Input("a", F32, sa);
      h.Input("b", F32, sb);
      h.Node(c.op, {"a", "b"}, {"y"}, {F32}, c.attrs);
      h.Output("y");
      Tensor a = rng.Uniform(F32, sa, c.lo, c.hi), b = rng.Uniform(F32, sb, c.lo, c.hi);
      auto out = h.Run({a, b});
      ASSERT_TRUE(out.ok()) << c.op << ": " << out.status();
      Ref ra = ToRef(a), rb = ToRef(b);
      Ref want = Broadcast({&ra, &rb}, [&](const std::vector<double>& v) { return c.ref(v[0], v[1]); });
      ExpectClose((*out)[0], want, 1e-4, 1e-5, std::string(c.op) + ShapeToString(sa) + ShapeToString(sb));
    }
  }
}

TEST_P(ElementwiseTest, LegacyPReluSlopeIsPerChannel) {
  Random rng(31);
  for (const Shape& slope_shape : {Shape{3}, Shape{1}}) {
    OpHarness h(GetParam(), 6);
    h.Input("x", F32, {2, 3, 4, 5});
    h.Input("s", F32, slope_shape);
    h.Node("PRelu", {"x", "s"}, {"y"}, {F32});
    h.Output("y");
    Tensor x = rng.Uniform(F32, {2, 3, 4, 5}), s = rng.Uniform(F32, slope_shape);
    auto out = h.Run({x, s});
    ASSERT_TRUE(out.ok()) << out.status();
    Ref rx = ToRef(x), rs = ToRef(s), want = rx;
    for (int64_t i = 0; i < rx.size(); ++i) {
      const double slope = rs.v[rs.size() == 1 ? 0 : (i / 20) % 3];
      want.v[i] = rx.v[i] >= 0 ? rx.v[i] : rx.v[i] * slope;
    }
    ExpectClose((*out)[0], want, 1e-4, 1e-5, "PRelu opset 6 slope " + ShapeToString(slope_shape));
  }
}

TEST_P(ElementwiseTest, VariadicOps) {
  Random rng(3);
  const Shape s0{4, 1, 6}, s1{3, 6}, s2{1};
  Tensor a = rng.Uniform(F32, s0), b = rng.Uniform(F32, s1), c = rng.Uniform(F32, s2);
  Ref ra = ToRef(a), rb = ToRef(b), rc = ToRef(c);
  const std::vector<std::pair<const char*, std::function<double(const std::vector<double>&)>>> cases = {
      {"Sum", [](const std::vector<double>& v) { return v[0] + v[1] + v[2]; }},
      {"Mean", [](const std::vector<double>& v) { return (v[0] + v[1] + v[2]) / 3; }},
      {"Max", [](const std::vector<double>& v) { return std::max({v[0], v[1], v[2]}); }},
      {"Min", [](const std::vector<double>& v) { return std::min({v[0], v[1], v[2]}); }},
  };
  for (const auto& [op, fn] : cases) {
    OpHarness h(GetParam());
    h.Input("a", F32, s0);
    h.Input("b", F32, s1);
    h.Input("c", F32, s2);
    h.Node(op, {"a", "b", "c"}, {"y"}, {F32});
    h.Output("y");
    auto out = h.Run({a, b, c});
    ASSERT_TRUE(out.ok()) << op << ": " << out.status();
    ExpectClose((*out)[0], Broadcast({&ra, &rb, &rc}, fn), 1e-4, 1e-5, op);
  }
}

TEST_P(ElementwiseTest, ComparisonsLogicAndWhere) {
  Random rng(5);
  const Shape sa{3, 4, 5}, sb{4, 1};
  // Small integers make ties (Equal, <=) actually occur.
  Tensor a = rng.Ints(F32, sa, -2, 2), b = rng.Ints(F32, sb, -2, 2);
  Ref ra = ToRef(a), rb = ToRef(b);
  const std::vector<std::pair<const char*, std::function<bool(double, double)>>> cmp = {
      {"Equal", [](double x, double y) { return x == y; }},
      {"Less", [](double x, double y) { return x < y; }},
      {"LessOrEqual", [](double x, double y) { return x <= y; }},
      {"Greater", [](double x, double y) { return x > y; }},
      {"GreaterOrEqual", [](double x, double y) { return x >= y; }},
  };
  for (const auto& [op, fn] : cmp) {
    OpHarness h(GetParam());
    h.Input("a", F32, sa);
    h.Input("b", F32, sb);
    h.Node(op, {"a", "b"}, {"y"}, {BOOL});
    h.Output("y");
    auto out = h.Run({a, b});
    ASSERT_TRUE(out.ok()) << op << ": " << out.status();
    ExpectClose((*out)[0], Broadcast({&ra, &rb}, [&](const std::vector<double>& v) { return fn(v[0], v[1]) ? 1 : 0; }),
                0, 0, op);
  }
  Tensor p = rng.Bools(sa), q = rng.Bools({5});
  Ref rp = ToRef(p), rq = ToRef(q);
  const std::vector<std::pair<const char*, std::function<bool(bool, bool)>>> logic = {
      {"And", [](bool x, bool y) { return x && y; }},
      {"Or", [](bool x, bool y) { return x || y; }},
      {"Xor", [](bool x, bool y) { return x != y; }},
  };
  for (const auto& [op, fn] : logic) {
    OpHarness h(GetParam());
    h.Input("p", BOOL, sa);
    h.Input("q", BOOL, {5});
    h.Node(op, {"p", "q"}, {"y"}, {BOOL});
    h.Output("y");
    auto out = h.Run({p, q});
    ASSERT_TRUE(out.ok()) << op << ": " << out.status();
    ExpectClose((*out)[0],
                Broadcast({&rp, &rq}, [&](const std::vector<double>& v) { return fn(v[0] != 0, v[1] != 0) ? 1 : 0; }),
                0, 0, op);
  }
  {
    OpHarness h(GetParam());
    h.Input("p", BOOL, sa);
    h.Node("Not", {"p"}, {"y"}, {BOOL});
    h.Output("y");
    auto out = h.Run({p});
    ASSERT_TRUE(out.ok()) << out.status();
    ExpectClose((*out)[0], Map(rp, [](double v) { return v != 0 ? 0 : 1; }), 0, 0, "Not");
  }
  {
    OpHarness h(GetParam());
    h.Input("c", BOOL, {5});
    h.Input("a", F32, sa);
    h.Input("b", F32, sb);
    h.Node("Where", {"c", "a", "b"}, {"y"}, {F32});
    h.Output("y");
    auto out = h.Run({q, a, b});
    ASSERT_TRUE(out.ok()) << out.status();
    ExpectClose((*out)[0], Broadcast({&rq, &ra, &rb}, [](const std::vector<double>& v) { return v[0] != 0 ? v[1] : v[2]; }),
                0, 0, "Where");
  }
}

TEST_P(ElementwiseTest, IsNaNIsInfAndClip) {
  Tensor x = Tensor::FromVector<float>({1.0f, NAN, INFINITY, -INFINITY, -0.5f, 7.0f, -7.0f}, {7});
  Ref rx = ToRef(x);
  {
    OpHarness h(GetParam());
    h.Input("x", F32, {7});
    h.Node("IsNaN", {"x"}, {"n"}, {BOOL});
    h.Node("IsInf", {"x"}, {"i"}, {BOOL}, {{"detect_negative", A(0)}});
    h.Output("n");
    h.Output("i");
    auto out = h.Run({x});
    ASSERT_TRUE(out.ok()) << out.status();
    ExpectClose((*out)[0], Map(rx, [](double v) { return std::isnan(v) ? 1 : 0; }), 0, 0, "IsNaN");
    ExpectClose((*out)[1], Map(rx, [](double v) { return std::isinf(v) && v > 0 ? 1 : 0; }), 0, 0, "IsInf");
  }
  {
    OpHarness h(GetParam());
    h.Input("x", F32, {7});
    h.Constant("lo", Tensor::Scalar<float>(-1.0f));
    h.Constant("hi", Tensor::Scalar<float>(2.0f));
    h.Node("Clip", {"x", "lo", "hi"}, {"y"}, {F32});
    h.Output("y");
    auto out = h.Run({x});
    ASSERT_TRUE(out.ok()) << out.status();
    ExpectClose((*out)[0], Map(rx, [](double v) { return std::isnan(v) ? v : std::clamp(v, -1.0, 2.0); }), 0, 0,
                "Clip");
  }
}

TEST_P(ElementwiseTest, CastBetweenTypes) {
  // Conversions match the CPU backend: float -> integer truncates, and NaN or
  // out-of-range values follow x86/numpy (INT_MIN, narrow types wrap).
  Random rng(9);
  const Shape shape{3, 67};
  const std::vector<std::pair<DataType, DataType>> pairs = {
      {F32, DataType::kFloat16}, {F32, DataType::kBFloat16}, {F32, DataType::kInt32},  {F32, DataType::kInt64},
      {F32, DataType::kInt8},    {F32, DataType::kUInt8},    {F32, BOOL},              {DataType::kFloat16, F32},
      {DataType::kInt64, F32},   {DataType::kInt32, F32},    {BOOL, F32},              {DataType::kUInt8, DataType::kFloat16},
      {F32, DataType::kFloat64}, {DataType::kInt8, DataType::kInt32}, {F32, DataType::kInt16}, {F32, DataType::kUInt16},
  };
  for (const auto& [from, to] : pairs) {
    Tensor x = IsFloatingPoint(from) ? rng.Uniform(from, shape, -300.0f, 300.0f)
                                     : (from == BOOL ? rng.Bools(shape) : rng.Ints(from, shape, -100, 100));
    if (from == DataType::kUInt8) x = rng.Ints(from, shape, 0, 255);
    if (from == F32) {  // specials: NaN, infinities, beyond int32
      x.data<float>()[0] = NAN;
      x.data<float>()[1] = INFINITY;
      x.data<float>()[2] = -3e9f;
      x.data<float>()[3] = 70000.5f;
    }
    OpHarness h(GetParam(), 19);
    h.Input("x", from, shape);
    h.Node("Cast", {"x"}, {"y"}, {to}, {{"to", A(static_cast<int64_t>(to))}});
    h.Output("y");
    auto out = h.Run({x});
    ASSERT_TRUE(out.ok()) << DataTypeName(from) << "->" << DataTypeName(to) << ": " << out.status();
    // The reference conversion is FromRef's (round to nearest even / numpy integer rules).
    ExpectClose((*out)[0], ToRef(FromRef(ToRef(x), to)), 0, 0,
                std::string("Cast ") + DataTypeName(from) + "->" + DataTypeName(to));
  }
}

TEST_P(ElementwiseTest, CastToBFloat16TruncatesBeforeOpset19) {
  Tensor x = Tensor::FromVector<float>({0.478516f + 0.003f, -1.00390625f + 0.0039f, NAN, 3.0f}, {4});
  OpHarness h(GetParam(), 13);
  h.Input("x", F32, {4});
  h.Node("Cast", {"x"}, {"y"}, {DataType::kBFloat16}, {{"to", A(static_cast<int64_t>(DataType::kBFloat16))}});
  h.Output("y");
  auto out = h.Run({x});
  ASSERT_TRUE(out.ok()) << out.status();
  for (int i = 0; i < 4; ++i) {
    uint32_t bits;
    const float f = x.data<float>()[i];
    std::memcpy(&bits, &f, sizeof(bits));
    const uint16_t want = std::isnan(f) ? 0x7fc0 : static_cast<uint16_t>(bits >> 16);
    EXPECT_EQ((*out)[0].data<BFloat16>()[i].bits, want) << i;
  }
}

TEST_P(ElementwiseTest, FusedChainRunsAsOneStep) {
  // y = Sigmoid(Relu((a + b) * c) - 0.25), with broadcasting at each stage.
  Random rng(13);
  const Shape sa{2, 3, 33}, sb{33}, sc{3, 1};
  OpHarness h(GetParam());
  h.Input("a", F32, sa);
  h.Input("b", F32, sb);
  h.Input("c", F32, sc);
  h.Constant("k", Tensor::Scalar<float>(0.25f));
  h.Node("Add", {"a", "b"}, {"t1"}, {F32});
  h.Node("Mul", {"t1", "c"}, {"t2"}, {F32});
  h.Node("Relu", {"t2"}, {"t3"}, {F32});
  h.Node("Sub", {"t3", "k"}, {"t4"}, {F32});
  h.Node("Sigmoid", {"t4"}, {"y"}, {F32});
  h.Output("y");
  Tensor a = rng.Uniform(F32, sa), b = rng.Uniform(F32, sb), c = rng.Uniform(F32, sc);
  auto out = h.Run({a, b, c});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(h.last_num_steps(), 1u);
  Ref ra = ToRef(a), rb = ToRef(b), rc = ToRef(c);
  Ref want = Broadcast({&ra, &rb, &rc}, [](const std::vector<double>& v) {
    return Sigmoid(std::max(0.0, (v[0] + v[1]) * v[2]) - 0.25);
  });
  ExpectClose((*out)[0], want, 1e-4, 1e-5, "fused chain");
}

TEST_P(ElementwiseTest, SharedIntermediateIsMaterialized) {
  // t is used twice, by different nodes: it cannot stay private.
  Random rng(17);
  OpHarness h(GetParam());
  h.Input("a", F32, {40});
  h.Node("Exp", {"a"}, {"t"}, {F32});
  h.Node("Sqrt", {"t"}, {"u"}, {F32});
  h.Node("Add", {"t", "u"}, {"v"}, {F32});
  h.Node("Mul", {"v", "t"}, {"y"}, {F32});
  h.Output("y");
  h.Output("t");
  Tensor a = rng.Uniform(F32, {40});
  auto out = h.Run({a});
  ASSERT_TRUE(out.ok()) << out.status();
  Ref ra = ToRef(a);
  ExpectClose((*out)[0], Map(ra, [](double x) { return (std::exp(x) + std::exp(x / 2)) * std::exp(x); }), 1e-4,
              1e-5, "y");
  ExpectClose((*out)[1], Map(ra, [](double x) { return std::exp(x); }), 1e-4, 1e-5, "t");
}

TEST_P(ElementwiseTest, BatchNormalizationInferenceWithFusedRelu) {
  Random rng(19);
  for (const Shape& xs : {Shape{2, 5, 7, 3}, Shape{3, 4}, Shape{1, 3, 65}}) {
    const int64_t c = xs[1];
    OpHarness h(GetParam(), 15);
    h.Input("x", F32, xs);
    Tensor scale = rng.Uniform(F32, {c}), bias = rng.Uniform(F32, {c}), mean = rng.Uniform(F32, {c}),
           var = rng.Uniform(F32, {c}, 0.1f, 2.0f);
    h.Constant("s", scale);
    h.Constant("b", bias);
    h.Constant("m", mean);
    h.Constant("v", var);
    h.Node("BatchNormalization", {"x", "s", "b", "m", "v"}, {"bn"}, {F32}, {{"epsilon", A(1e-3f)}});
    h.Node("Relu", {"bn"}, {"y"}, {F32});
    h.Output("y");
    Tensor x = rng.Uniform(F32, xs);
    auto out = h.Run({x});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(h.last_num_steps(), 1u);
    Ref rx = ToRef(x), want = rx;
    const Ref rs = ToRef(scale), rb = ToRef(bias), rm = ToRef(mean), rv = ToRef(var);
    int64_t inner = 1;
    for (size_t d = 2; d < xs.size(); ++d) inner *= xs[d];
    for (int64_t i = 0; i < rx.size(); ++i) {
      const int64_t ch = (i / inner) % c;
      const double y = (rx.v[i] - rm.v[ch]) / std::sqrt(rv.v[ch] + 1e-3f) * rs.v[ch] + rb.v[ch];
      want.v[i] = std::max(0.0, y);
    }
    ExpectClose((*out)[0], want, 1e-4, 1e-5, "BatchNormalization" + ShapeToString(xs));
  }
}

TEST_P(ElementwiseTest, HalfPrecisionStorage) {
  Random rng(23);
  for (DataType t : {DataType::kFloat16, DataType::kBFloat16}) {
    OpHarness h(GetParam());
    h.Input("a", t, {5, 33});
    h.Input("b", t, {33});
    h.Node("Mul", {"a", "b"}, {"m"}, {t});
    h.Node("Tanh", {"m"}, {"y"}, {t});
    h.Output("y");
    Tensor a = rng.Uniform(t, {5, 33}), b = rng.Uniform(t, {33});
    auto out = h.Run({a, b});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ((*out)[0].dtype(), t);
    Ref ra = ToRef(a), rb = ToRef(b);
    Ref want = Broadcast({&ra, &rb}, [](const std::vector<double>& v) { return std::tanh(v[0] * v[1]); });
    ExpectClose((*out)[0], want, DefaultRtol(t), DefaultAtol(t), DataTypeName(t));
  }
}

INSTANTIATE_TEST_SUITE_P(WarpSizes, ElementwiseTest, ::testing::Values(0, 1), WarpName);

}  // namespace
}  // namespace braid::backends::gpu::testing
