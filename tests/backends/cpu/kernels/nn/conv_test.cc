#include <cmath>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/nn/nn_test_util.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

struct ConvCase {
  Shape x, w;  // NC..., M C/g k...
  int64_t group = 1;
  std::vector<int64_t> strides, dilations, pads;  // explicit (begin..., end...)
};

// Direct N-D convolution in double, the test's independent reference.
std::vector<float> DirectConv(const ConvCase& c, const std::vector<float>& x, const std::vector<float>& w,
                              const std::vector<float>* bias, Shape* out_shape) {
  const int nd = static_cast<int>(c.x.size()) - 2;
  const int64_t n = c.x[0], cin = c.x[1], m = c.w[0], cg = cin / c.group, mg = m / c.group;
  std::vector<int64_t> out(nd);
  for (int d = 0; d < nd; ++d) {
    int64_t ext = (c.w[2 + d] - 1) * c.dilations[d] + 1;
    out[d] = (c.x[2 + d] + c.pads[d] + c.pads[d + nd] - ext) / c.strides[d] + 1;
  }
  *out_shape = {n, m};
  out_shape->insert(out_shape->end(), out.begin(), out.end());
  int64_t osz = 1, isz = 1, ksz = 1;
  for (int d = 0; d < nd; ++d) {
    osz *= out[d];
    isz *= c.x[2 + d];
    ksz *= c.w[2 + d];
  }
  std::vector<float> y(n * m * osz);
  std::vector<int64_t> o(nd), k(nd);
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t oc = 0; oc < m; ++oc) {
      int64_t g = oc / mg;
      for (int64_t of = 0; of < osz; ++of) {
        int64_t r = of;
        for (int d = nd - 1; d >= 0; --d) {
          o[d] = r % out[d];
          r /= out[d];
        }
        double acc = bias ? (*bias)[oc] : 0.0;
        for (int64_t ic = 0; ic < cg; ++ic) {
          for (int64_t kf = 0; kf < ksz; ++kf) {
            int64_t rk = kf;
            for (int d = nd - 1; d >= 0; --d) {
              k[d] = rk % c.w[2 + d];
              rk /= c.w[2 + d];
            }
            int64_t off = 0;
            bool inside = true;
            for (int d = 0; d < nd; ++d) {
              int64_t i = o[d] * c.strides[d] - c.pads[d] + k[d] * c.dilations[d];
              if (i < 0 || i >= c.x[2 + d]) inside = false;
              off = off * c.x[2 + d] + i;
            }
            if (!inside) continue;
            acc += static_cast<double>(x[(b * cin + g * cg + ic) * isz + off]) *
                   w[(oc * cg + ic) * ksz + kf];
          }
        }
        y[(b * m + oc) * osz + of] = static_cast<float>(acc);
      }
    }
  }
  return y;
}

void CheckConv(const ConvCase& c, bool with_bias) {
  std::vector<float> x = RandomFloats(NumElements(c.x), 1), w = RandomFloats(NumElements(c.w), 2);
  std::vector<float> b = RandomFloats(c.w[0], 3);
  Shape ys;
  std::vector<float> expect = DirectConv(c, x, w, with_bias ? &b : nullptr, &ys);
  OpTest t = MakeOp("Conv", 11);
  t.inputs = {Value(Tensor::FromVector<float>(x, c.x)), Value(Tensor::FromVector<float>(w, c.w))};
  if (with_bias) t.inputs.push_back(Value(Tensor::FromVector<float>(b, {c.w[0]})));
  t.attributes = {{"group", Int(c.group)}, {"strides", Ints(c.strides)}, {"dilations", Ints(c.dilations)},
                  {"pads", Ints(c.pads)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(expect, ys), 1e-4, 1e-4));
  // The reference path (double) must agree too.
  OpTest td = t;
  for (auto& in : td.inputs) in = Value(ConvertFloat<double>(in->tensor()));
  auto outd = td.Run();
  ASSERT_TRUE(outd.ok()) << outd.status();
  EXPECT_TRUE(TensorsNear((*outd)[0].tensor(), ConvertFloat<double>(Tensor::FromVector<float>(expect, ys)), 1e-4,
                          1e-4));
}

TEST(Conv, TwoDimensionalPaddedStrided) {
  CheckConv({.x = {2, 8, 9, 11}, .w = {16, 8, 3, 3}, .strides = {2, 1}, .dilations = {1, 1}, .pads = {1, 0, 2, 1}},
            true);
}

TEST(Conv, OneDimensionalDilated) {
  CheckConv({.x = {1, 4, 20}, .w = {6, 4, 3}, .strides = {1}, .dilations = {3}, .pads = {2, 1}}, false);
}

TEST(Conv, ThreeDimensionalGrouped) {
  CheckConv({.x = {1, 4, 5, 6, 7}, .w = {6, 2, 2, 3, 2}, .group = 2, .strides = {1, 2, 1}, .dilations = {1, 1, 2},
             .pads = {0, 1, 1, 1, 0, 0}},
            true);
}

TEST(Conv, Depthwise) {
  CheckConv({.x = {2, 16, 12, 12}, .w = {16, 1, 3, 3}, .group = 16, .strides = {1, 1}, .dilations = {1, 1},
             .pads = {1, 1, 1, 1}},
            true);
}

TEST(Conv, DepthwiseWithMultiplier) {
  CheckConv({.x = {1, 4, 7, 7}, .w = {8, 1, 3, 3}, .group = 4, .strides = {2, 2}, .dilations = {1, 1},
             .pads = {0, 0, 0, 0}},
            false);
}

TEST(Conv, PointwiseLargeChannels) {
  CheckConv({.x = {1, 64, 14, 14}, .w = {128, 64, 1, 1}, .strides = {1, 1}, .dilations = {1, 1},
             .pads = {0, 0, 0, 0}},
            true);
}

TEST(Conv, AutoPadSameUpperAndLowerDiffer) {
  // 1x1x4x4 input, 2x2 kernel of ones, stride 1: total pad 1 per dim,
  // SAME_UPPER pads at the end, SAME_LOWER at the beginning.
  std::vector<float> x(16);
  for (int i = 0; i < 16; ++i) x[i] = static_cast<float>(i);
  auto run = [&](const char* mode) {
    OpTest t = MakeOp("Conv");
    t.inputs = {Value(Tensor::FromVector<float>(x, {1, 1, 4, 4})),
                Value(Tensor::FromVector<float>({1, 1, 1, 1}, {1, 1, 2, 2}))};
    t.attributes = {{"auto_pad", Str(mode)}};
    return t.Run();
  };
  auto upper = run("SAME_UPPER");
  ASSERT_TRUE(upper.ok()) << upper.status();
  auto lower = run("SAME_LOWER");
  ASSERT_TRUE(lower.ok()) << lower.status();
  const Tensor& u = (*upper)[0].tensor();
  const Tensor& l = (*lower)[0].tensor();
  ASSERT_EQ(u.shape(), (Shape{1, 1, 4, 4}));
  EXPECT_FLOAT_EQ(u.data<float>()[0], 0 + 1 + 4 + 5);  // window at (0,0) fully inside
  EXPECT_FLOAT_EQ(u.data<float>()[15], 15);             // last window hangs over the end
  EXPECT_FLOAT_EQ(l.data<float>()[0], 0);               // first window hangs over the start
  EXPECT_FLOAT_EQ(l.data<float>()[15], 10 + 11 + 14 + 15);
  auto valid = run("VALID");
  ASSERT_TRUE(valid.ok());
  EXPECT_EQ((*valid)[0].tensor().shape(), (Shape{1, 1, 3, 3}));
}

TEST(Conv, Float16MatchesFloat) {
  ConvCase c{.x = {1, 3, 6, 6}, .w = {4, 3, 3, 3}, .strides = {1, 1}, .dilations = {1, 1}, .pads = {1, 1, 1, 1}};
  std::vector<float> x = RandomFloats(NumElements(c.x), 5), w = RandomFloats(NumElements(c.w), 6);
  Shape ys;
  std::vector<float> expect = DirectConv(c, x, w, nullptr, &ys);
  OpTest t = MakeOp("Conv");
  t.inputs = {Value(ConvertFloat<Float16>(Tensor::FromVector<float>(x, c.x))),
              Value(ConvertFloat<Float16>(Tensor::FromVector<float>(w, c.w)))};
  t.attributes = {{"pads", Ints(c.pads)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), ConvertFloat<Float16>(Tensor::FromVector<float>(expect, ys)), 2e-2,
                          2e-2));
}

TEST(Conv, ChannelMismatchIsAnError) {
  OpTest t = MakeOp("Conv");
  t.inputs = {Value(RandomTensor({1, 3, 5, 5}, 1)), Value(RandomTensor({2, 4, 3, 3}, 2))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("input channels"), std::string::npos) << out.status();
}

TEST(Conv, KernelLargerThanInputIsAnError) {
  OpTest t = MakeOp("Conv");
  t.inputs = {Value(RandomTensor({1, 1, 2, 2}, 1)), Value(RandomTensor({1, 1, 3, 3}, 2))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("does not fit"), std::string::npos) << out.status();
}

TEST(Conv, EmptyKernelDimIsAnError) {
  OpTest t = MakeOp("Conv");
  t.inputs = {Value(RandomTensor({1, 1, 4, 4}, 1)), Value(Tensor::Create(DataType::kFloat32, {1, 1, 0, 2}).value())};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("not positive"), std::string::npos) << out.status();
}

// FusedConv must equal Conv -> Add(Z) -> activation computed separately.
void CheckFused(const std::string& act, std::vector<float> params, bool with_z) {
  ConvCase c{.x = {2, 16, 10, 10}, .w = {16, 16, 3, 3}, .strides = {1, 1}, .dilations = {1, 1},
             .pads = {1, 1, 1, 1}};
  std::vector<float> x = RandomFloats(NumElements(c.x), 7), w = RandomFloats(NumElements(c.w), 8, -0.3f, 0.3f);
  std::vector<float> b = RandomFloats(16, 9);
  Shape ys;
  std::vector<float> conv = DirectConv(c, x, w, &b, &ys);
  std::vector<float> z = RandomFloats(NumElements(ys), 10);
  std::vector<float> expect(conv.size());
  for (size_t i = 0; i < conv.size(); ++i) {
    float v = conv[i] + (with_z ? z[i] : 0.0f);
    if (act == "Relu") v = std::max(v, 0.0f);
    if (act == "LeakyRelu") v = v >= 0 ? v : params[0] * v;
    if (act == "Sigmoid") v = 1.0f / (1.0f + std::exp(-v));
    if (act == "Tanh") v = std::tanh(v);
    if (act == "Clip") v = std::min(std::max(v, params[0]), params[1]);
    if (act == "HardSigmoid") v = std::min(std::max(params[0] * v + params[1], 0.0f), 1.0f);
    expect[i] = v;
  }
  OpTest t = MakeOp("FusedConv", 1, "com.braid");
  t.inputs = {Value(Tensor::FromVector<float>(x, c.x)), Value(Tensor::FromVector<float>(w, c.w)),
              Value(Tensor::FromVector<float>(b, {16}))};
  if (with_z) t.inputs.push_back(Value(Tensor::FromVector<float>(z, ys)));
  t.attributes = {{"pads", Ints(c.pads)}, {"activation", Str(act)}, {"activation_params", Floats(params)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(expect, ys), 1e-4, 1e-4)) << act;
  // Same through the double reference path.
  for (auto& in : t.inputs) in = Value(ConvertFloat<double>(in->tensor()));
  auto outd = t.Run();
  ASSERT_TRUE(outd.ok()) << outd.status();
  EXPECT_TRUE(TensorsNear((*outd)[0].tensor(), ConvertFloat<double>(Tensor::FromVector<float>(expect, ys)), 1e-4,
                          1e-4))
      << act;
}

TEST(FusedConv, ResidualRelu) { CheckFused("Relu", {}, true); }
TEST(FusedConv, LeakyRelu) { CheckFused("LeakyRelu", {0.2f}, false); }
TEST(FusedConv, Sigmoid) { CheckFused("Sigmoid", {}, true); }
TEST(FusedConv, Tanh) { CheckFused("Tanh", {}, false); }
TEST(FusedConv, Clip) { CheckFused("Clip", {-0.5f, 0.7f}, true); }
TEST(FusedConv, HardSigmoid) { CheckFused("HardSigmoid", {0.3f, 0.4f}, false); }
TEST(FusedConv, ResidualWithoutActivation) { CheckFused("", {}, true); }

TEST(FusedConv, UnknownActivationIsAnError) {
  OpTest t = MakeOp("FusedConv", 1, "com.braid");
  t.inputs = {Value(RandomTensor({1, 1, 3, 3}, 1)), Value(RandomTensor({1, 1, 1, 1}, 2))};
  t.attributes = {{"activation", Str("Gelu")}};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("Gelu"), std::string::npos) << out.status();
}

TEST(FusedConv, ResidualShapeMismatchIsAnError) {
  OpTest t = MakeOp("FusedConv", 1, "com.braid");
  t.inputs = {Value(RandomTensor({1, 1, 3, 3}, 1)), Value(RandomTensor({1, 1, 1, 1}, 2)), std::nullopt,
              Value(RandomTensor({1, 1, 2, 2}, 3))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("residual"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace braid::backends::cpu::testing
