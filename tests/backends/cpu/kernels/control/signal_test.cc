#include <cmath>
#include <complex>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/control/graph_builder.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

using graph::Attribute;
using Complex = std::complex<double>;

// Direct O(n^2) DFT of `x` (zero-padded/truncated to n).
std::vector<Complex> NaiveDft(const std::vector<Complex>& x, int64_t n, bool inverse) {
  std::vector<Complex> out(n);
  double sign = inverse ? 1 : -1;
  for (int64_t k = 0; k < n; ++k) {
    Complex s = 0;
    for (int64_t j = 0; j < n && j < static_cast<int64_t>(x.size()); ++j) {
      s += x[j] * std::polar(1.0, sign * 2 * M_PI * static_cast<double>(j * k) / static_cast<double>(n));
    }
    out[k] = inverse ? s / static_cast<double>(n) : s;
  }
  return out;
}

std::vector<Complex> Signal(int64_t n) {
  std::vector<Complex> x(n);
  for (int64_t i = 0; i < n; ++i) x[i] = {std::sin(0.3 * i) + 0.1 * i, std::cos(0.7 * i)};
  return x;
}

Tensor ComplexTensor(const std::vector<Complex>& x, int64_t keep, Shape shape) {
  std::vector<float> v;
  for (const Complex& c : x) {
    v.push_back(static_cast<float>(c.real()));
    if (keep == 2) v.push_back(static_cast<float>(c.imag()));
  }
  return Tensor::FromVector<float>(v, std::move(shape));
}

// Lengths exercise radix-2 (16), the direct path (12) and Bluestein (100).
class DftLengths : public ::testing::TestWithParam<int64_t> {};

TEST_P(DftLengths, MatchesTheDirectSumForComplexAndInverse) {
  int64_t n = GetParam();
  std::vector<Complex> x = Signal(n);
  for (bool inverse : {false, true}) {
    OpTest t = MakeOp("DFT", 17);
    t.inputs = {Value(ComplexTensor(x, 2, {1, n, 2}))};
    t.attributes.emplace("inverse", Attribute(int64_t{inverse}));
    auto out = t.Run();
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_TRUE(TensorsNear((*out)[0].tensor(), ComplexTensor(NaiveDft(x, n, inverse), 2, {1, n, 2}), 1e-4, 1e-4))
        << "n=" << n << " inverse=" << inverse;
  }
}

INSTANTIATE_TEST_SUITE_P(Lengths, DftLengths, ::testing::Values(16, 12, 100));

TEST(DftKernel, OnesidedRealInputWithPaddingAlongAxis2) {
  // Input [1, 2, 5, 1]: DFT over axis 2 with dft_length 8 (zero padding).
  std::vector<float> raw = {1, 2, 3, 4, 5, -1, 0, 2, 7, 3};
  OpTest t = MakeOp("DFT", 17);
  t.inputs = {Value(Tensor::FromVector<float>(raw, {1, 2, 5, 1})), Value(Tensor::Scalar<int64_t>(8))};
  t.attributes.emplace("axis", Attribute(int64_t{2}));
  t.attributes.emplace("onesided", Attribute(int64_t{1}));
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  std::vector<Complex> expected;
  for (int row = 0; row < 2; ++row) {
    std::vector<Complex> x(raw.begin() + row * 5, raw.begin() + row * 5 + 5);
    std::vector<Complex> full = NaiveDft(x, 8, false);
    expected.insert(expected.end(), full.begin(), full.begin() + 5);
  }
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), ComplexTensor(expected, 2, {1, 2, 5, 2}), 1e-4, 1e-4));
}

TEST(DftKernel, TruncatesToDftLengthAndRejectsTheLastAxis) {
  OpTest t = MakeOp("DFT", 17);
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4}, {1, 4, 1})), Value(Tensor::Scalar<int64_t>(2))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({3, 0, -1, 0}, {1, 2, 2})));
  OpTest bad = MakeOp("DFT", 17);
  bad.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4}, {1, 4, 1}))};
  bad.attributes.emplace("axis", Attribute(int64_t{2}));
  out = bad.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("not a signal axis"), std::string::npos) << out.status();
}

TEST(StftKernel, WindowedFramesMatchTheDirectSum) {
  int64_t length = 20, n = 6, step = 4;
  std::vector<float> sig(length);
  for (int64_t i = 0; i < length; ++i) sig[i] = static_cast<float>(std::sin(0.5 * i) + 0.05 * i);
  std::vector<float> window = {0.1f, 0.5f, 1.0f, 1.0f, 0.5f, 0.1f};
  OpTest t = MakeOp("STFT", 17);
  t.inputs = {Value(Tensor::FromVector<float>(sig, {1, length, 1})), Value(Tensor::Scalar<int64_t>(step)),
              Value(Tensor::FromVector<float>(window, {n}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  int64_t frames = (length - n) / step + 1;
  std::vector<Complex> expected;
  for (int64_t f = 0; f < frames; ++f) {
    std::vector<Complex> frame(n);
    for (int64_t k = 0; k < n; ++k) frame[k] = sig[f * step + k] * window[k];
    std::vector<Complex> full = NaiveDft(frame, n, false);
    expected.insert(expected.end(), full.begin(), full.begin() + n / 2 + 1);
  }
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), ComplexTensor(expected, 2, {1, frames, n / 2 + 1, 2}), 1e-4, 1e-4));
}

TEST(StftKernel, WindowAndFrameLengthMustAgree) {
  OpTest t = MakeOp("STFT", 17);
  t.inputs = {Value(Tensor::FromVector<float>(std::vector<float>(16, 1.0f), {1, 16, 1})),
              Value(Tensor::Scalar<int64_t>(4)), Value(Tensor::FromVector<float>({1, 1, 1}, {3})),
              Value(Tensor::Scalar<int64_t>(4))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("window has 3 entries but frame_length is 4"), std::string::npos)
      << out.status();
}

TEST(WindowKernels, PeriodicAndSymmetricHannAndBlackman) {
  OpTest hann = MakeOp("HannWindow", 17);
  hann.inputs = {Value(Tensor::Scalar<int32_t>(4))};
  auto out = hann.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({0, 0.5f, 1, 0.5f}, {4})));
  hann.attributes.emplace("periodic", Attribute(int64_t{0}));
  hann.inputs = {Value(Tensor::Scalar<int64_t>(5))};
  out = hann.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({0, 0.5f, 1, 0.5f, 0}, {5})));

  OpTest blackman = MakeOp("BlackmanWindow", 17);
  blackman.inputs = {Value(Tensor::Scalar<int32_t>(4))};
  blackman.attributes.emplace("output_datatype", Attribute(int64_t{11}));
  out = blackman.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<double>({0, 0.34, 1, 0.34}, {4}), 1e-9, 1e-9));
}

TEST(WindowKernels, HammingCoefficients) {
  OpTest t = MakeOp("HammingWindow", 17);
  t.inputs = {Value(Tensor::Scalar<int32_t>(2))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({4.0f / 46.0f, 1.0f}, {2})));
}

TEST(MelWeightMatrix, MatchesTheOnnxReferenceLayout) {
  OpTest t = MakeOp("MelWeightMatrix", 17);
  t.inputs = {Value(Tensor::Scalar<int32_t>(8)), Value(Tensor::Scalar<int32_t>(16)),
              Value(Tensor::Scalar<int32_t>(8192)), Value(Tensor::Scalar<float>(0)),
              Value(Tensor::Scalar<float>(4096))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // Rows 0..8 (spectrogram bins) x 8 mel bins, from the ONNX test case.
  std::vector<float> expected(9 * 8, 0.0f);
  auto at = [&](int r, int c) -> float& { return expected[r * 8 + c]; };
  at(0, 0) = 1, at(0, 1) = 1, at(1, 2) = 1, at(1, 3) = 1, at(2, 4) = 1, at(3, 5) = 1, at(4, 6) = 1, at(5, 7) = 1;
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(expected, {9, 8})));
}

}  // namespace
}  // namespace braid::backends::cpu::testing
