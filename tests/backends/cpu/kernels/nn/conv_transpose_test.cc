#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/nn/nn_test_util.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

// Direct scatter form of a 2-D transposed convolution.
std::vector<float> DirectConvTranspose(const Shape& xs, const Shape& ws, int64_t group, const std::vector<float>& x,
                                       const std::vector<float>& w, std::vector<int64_t> stride,
                                       std::vector<int64_t> dil, std::vector<int64_t> pads,
                                       std::vector<int64_t> out_pad, Shape* ys) {
  const int64_t n = xs[0], c = xs[1], h = xs[2], wd = xs[3], mg = ws[1], m = mg * group, cg = c / group;
  const int64_t kh = ws[2], kw = ws[3];
  const int64_t oh = stride[0] * (h - 1) + out_pad[0] + (kh - 1) * dil[0] + 1 - pads[0] - pads[2];
  const int64_t ow = stride[1] * (wd - 1) + out_pad[1] + (kw - 1) * dil[1] + 1 - pads[1] - pads[3];
  *ys = {n, m, oh, ow};
  std::vector<double> y(n * m * oh * ow, 0.0);
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t ic = 0; ic < c; ++ic) {
      const int64_t g = ic / cg;
      for (int64_t i = 0; i < h; ++i) {
        for (int64_t j = 0; j < wd; ++j) {
          for (int64_t om = 0; om < mg; ++om) {
            for (int64_t a = 0; a < kh; ++a) {
              for (int64_t e = 0; e < kw; ++e) {
                const int64_t r = i * stride[0] - pads[0] + a * dil[0], q = j * stride[1] - pads[1] + e * dil[1];
                if (r < 0 || r >= oh || q < 0 || q >= ow) continue;
                y[((b * m + g * mg + om) * oh + r) * ow + q] +=
                    static_cast<double>(x[((b * c + ic) * h + i) * wd + j]) * w[((ic * mg + om) * kh + a) * kw + e];
              }
            }
          }
        }
      }
    }
  }
  return std::vector<float>(y.begin(), y.end());
}

struct Case {
  Shape xs, ws;
  int64_t group;
  std::vector<int64_t> stride, dil, pads, out_pad;
};

void Check(const Case& c) {
  std::vector<float> x = RandomFloats(NumElements(c.xs), 1), w = RandomFloats(NumElements(c.ws), 2);
  Shape ys;
  std::vector<float> expect = DirectConvTranspose(c.xs, c.ws, c.group, x, w, c.stride, c.dil, c.pads, c.out_pad, &ys);
  OpTest t = MakeOp("ConvTranspose", 11);
  t.inputs = {Value(Tensor::FromVector<float>(x, c.xs)), Value(Tensor::FromVector<float>(w, c.ws))};
  t.attributes = {{"group", Int(c.group)}, {"strides", Ints(c.stride)}, {"dilations", Ints(c.dil)},
                  {"pads", Ints(c.pads)}, {"output_padding", Ints(c.out_pad)}};
  for (bool constant : {false, true}) {
    auto out = constant ? RunWithConstants(t, {1}) : t.Run();
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(expect, ys), 1e-4, 1e-4));
  }
  OpTest td = t;
  for (auto& in : td.inputs) in = Value(ConvertFloat<double>(in->tensor()));
  auto outd = td.Run();
  ASSERT_TRUE(outd.ok()) << outd.status();
  EXPECT_TRUE(TensorsNear((*outd)[0].tensor(), ConvertFloat<double>(Tensor::FromVector<float>(expect, ys)), 1e-4, 1e-4));
}

TEST(ConvTranspose, StridesPadsAndOutputPadding) {
  Check({{2, 3, 4, 5}, {3, 4, 3, 3}, 1, {2, 3}, {1, 1}, {1, 0, 1, 2}, {1, 2}});
}
TEST(ConvTranspose, GroupsAndDilations) { Check({{1, 4, 5, 5}, {4, 3, 2, 3}, 2, {1, 2}, {2, 1}, {0, 1, 0, 1}, {0, 0}}); }
// Output padding larger than the end padding: oneDNN cannot express it, the
// reference path must.
TEST(ConvTranspose, OutputPaddingBeyondEndPadding) {
  Check({{1, 2, 3, 3}, {2, 2, 3, 3}, 1, {3, 2}, {1, 1}, {0, 0, 0, 0}, {2, 1}});
}

TEST(ConvTranspose, OutputShapeAndAutoPad) {
  Tensor x = Tensor::FromVector<float>({1, 2, 3}, {1, 1, 3});
  Tensor w = Tensor::FromVector<float>({1, 1, 1}, {1, 1, 3});
  OpTest t = MakeOp("ConvTranspose");
  t.inputs = {Value(x), Value(w)};
  t.attributes = {{"strides", Ints({2})}, {"auto_pad", Str("SAME_UPPER")}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // Full output (length 7): {1,1,3,2,5,3,3}; SAME: length 6, total pad 1,
  // SAME_UPPER puts it at the end.
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 1, 3, 2, 5, 3}, {1, 1, 6})));
  t.attributes["auto_pad"] = Str("SAME_LOWER");
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 3, 2, 5, 3, 3}, {1, 1, 6})));
  t.attributes = {{"strides", Ints({2})}, {"output_shape", Ints({8})}};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // Larger than the full output: the extra element is zero.
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({1, 1, 3, 2, 5, 3, 3, 0}, {1, 1, 8})));
}

TEST(ConvTranspose, ChannelMismatchIsAnError) {
  OpTest t = MakeOp("ConvTranspose");
  t.inputs = {Value(RandomTensor({1, 3, 4, 4}, 1)), Value(RandomTensor({2, 2, 3, 3}, 2))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("input channels"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace braid::backends::cpu::testing
