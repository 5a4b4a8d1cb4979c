#include <cmath>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/nn/nn_test_util.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

// Reference batched matmul with numpy broadcasting of batch dims (rank-3 max).
std::vector<float> RefMatMul(const std::vector<float>& a, const Shape& as, const std::vector<float>& b,
                             const Shape& bs, Shape* out) {
  const int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  const int64_t ba = as.size() == 3 ? as[0] : 1, bb = bs.size() == 3 ? bs[0] : 1, nb = std::max(ba, bb);
  std::vector<float> y(nb * m * n);
  for (int64_t bi = 0; bi < nb; ++bi) {
    const float* ap = a.data() + (ba == 1 ? 0 : bi) * m * k;
    const float* bp = b.data() + (bb == 1 ? 0 : bi) * k * n;
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t p = 0; p < k; ++p) acc += static_cast<double>(ap[i * k + p]) * bp[p * n + j];
        y[(bi * m + i) * n + j] = static_cast<float>(acc);
      }
    }
  }
  *out = as.size() == 3 || bs.size() == 3 ? Shape{nb, m, n} : Shape{m, n};
  return y;
}

void CheckMatMul(const Shape& as, const Shape& bs, bool const_b) {
  std::vector<float> a = RandomFloats(NumElements(as), 1), b = RandomFloats(NumElements(bs), 2);
  Shape ys;
  std::vector<float> expect = RefMatMul(a, as, b, bs, &ys);
  OpTest t = MakeOp("MatMul", 13);
  t.inputs = {Value(Tensor::FromVector<float>(a, as)), Value(Tensor::FromVector<float>(b, bs))};
  auto out = const_b ? RunWithConstants(t, {1}) : t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(expect, ys), 1e-4, 1e-4))
      << ShapeToString(as) << " x " << ShapeToString(bs);
}

TEST(MatMul, BatchedAgainstMatrixFoldsIntoOneGemm) { CheckMatMul({3, 5, 7}, {7, 4}, false); }
TEST(MatMul, ConstantWeightsArePrepacked) { CheckMatMul({2, 9, 33}, {33, 17}, true); }
TEST(MatMul, BroadcastsMatrixAgainstBatch) { CheckMatMul({5, 7}, {3, 7, 4}, false); }
TEST(MatMul, BroadcastsBatchOfOne) { CheckMatMul({1, 5, 7}, {3, 7, 4}, false); }
TEST(MatMul, EqualBatches) { CheckMatMul({4, 6, 8}, {4, 8, 2}, false); }

TEST(MatMul, FourDimensionalBroadcast) {
  // (2,1,3,4) x (1,3,4,5) -> (2,3,3,5)
  std::vector<float> a = RandomFloats(2 * 3 * 4, 3), b = RandomFloats(3 * 4 * 5, 4);
  OpTest t = MakeOp("MatMul");
  t.inputs = {Value(Tensor::FromVector<float>(a, {2, 1, 3, 4})), Value(Tensor::FromVector<float>(b, {1, 3, 4, 5}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  const Tensor& y = (*out)[0].tensor();
  ASSERT_EQ(y.shape(), (Shape{2, 3, 3, 5}));
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t j = 0; j < 3; ++j) {
      for (int64_t r = 0; r < 3; ++r) {
        for (int64_t c = 0; c < 5; ++c) {
          double acc = 0;
          for (int64_t p = 0; p < 4; ++p) acc += a[(i * 3 + r) * 4 + p] * b[(j * 4 + p) * 5 + c];
          EXPECT_NEAR(y.data<float>()[((i * 3 + j) * 3 + r) * 5 + c], acc, 1e-4);
        }
      }
    }
  }
}

TEST(MatMul, VectorOperandsDropTheirDims) {
  OpTest t = MakeOp("MatMul");
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3}, {3})),
              Value(Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {3, 2}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({22, 28}, {2})));
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3}, {3})), Value(Tensor::FromVector<float>({4, 5, 6}, {3}))};
  out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::Scalar<float>(32)));
}

TEST(MatMul, IntegerTypes) {
  OpTest t = MakeOp("MatMul");
  t.inputs = {Value(Tensor::FromVector<int64_t>({1, 2, 3, 4}, {2, 2})),
              Value(Tensor::FromVector<int64_t>({5, 6, 7, 8}, {2, 2}))};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<int64_t>({19, 22, 43, 50}, {2, 2})));
}

TEST(MatMul, InnerDimensionMismatchIsAnError) {
  OpTest t = MakeOp("MatMul");
  t.inputs = {Value(RandomTensor({2, 3}, 1)), Value(RandomTensor({4, 2}, 2))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("inner dimensions"), std::string::npos) << out.status();
}

TEST(MatMul, EmptyInnerDimensionGivesZeros) {
  OpTest t = MakeOp("MatMul");
  t.inputs = {Value(Tensor::Create(DataType::kFloat32, {2, 0}).value()),
              Value(Tensor::Create(DataType::kFloat32, {0, 3}).value())};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(std::vector<float>(6, 0.0f), {2, 3})));
}

TEST(FusedMatMul, BiasAndActivationEqualUnfused) {
  const Shape as = {2, 6, 16}, bs = {16, 24};
  std::vector<float> a = RandomFloats(NumElements(as), 5), b = RandomFloats(NumElements(bs), 6);
  std::vector<float> bias = RandomFloats(24, 7);
  Shape ys;
  std::vector<float> mm = RefMatMul(std::vector<float>(a.begin(), a.end()), {12, 16}, b, bs, &ys);
  for (const char* act : {"Relu", "Tanh", "LeakyRelu"}) {
    std::vector<float> expect(mm.size());
    for (size_t i = 0; i < mm.size(); ++i) {
      float v = mm[i] + bias[i % 24];
      if (std::string(act) == "Relu") v = std::max(v, 0.0f);
      if (std::string(act) == "Tanh") v = std::tanh(v);
      if (std::string(act) == "LeakyRelu") v = v >= 0 ? v : 0.1f * v;
      expect[i] = v;
    }
    OpTest t = MakeOp("FusedMatMul", 1, "com.braid");
    t.inputs = {Value(Tensor::FromVector<float>(a, as)), Value(Tensor::FromVector<float>(b, bs)),
                Value(Tensor::FromVector<float>(bias, {24}))};
    t.attributes = {{"activation", Str(act)}, {"activation_params", Floats({0.1f})}};
    for (bool constant : {false, true}) {
      auto out = constant ? RunWithConstants(t, {1, 2}) : t.Run();
      ASSERT_TRUE(out.ok()) << out.status();
      EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(expect, {2, 6, 24}), 1e-4, 1e-4)) << act;
    }
    // The reference path (double) agrees.
    OpTest td = t;
    td.inputs[0] = Value(ConvertFloat<double>(t.inputs[0]->tensor()));
    td.inputs[1] = Value(ConvertFloat<double>(t.inputs[1]->tensor()));
    auto outd = td.Run();
    ASSERT_TRUE(outd.ok()) << outd.status();
    EXPECT_TRUE(TensorsNear((*outd)[0].tensor(), ConvertFloat<double>(Tensor::FromVector<float>(expect, {2, 6, 24})),
                            1e-4, 1e-4))
        << act;
  }
}

TEST(FusedMatMul, BiasOfWrongLengthIsAnError) {
  OpTest t = MakeOp("FusedMatMul", 1, "com.braid");
  t.inputs = {Value(RandomTensor({2, 3}, 1)), Value(RandomTensor({3, 4}, 2)), Value(RandomTensor({3}, 3))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("bias"), std::string::npos) << out.status();
}

// Gemm reference: alpha * op(A) op(B) + beta * C (C broadcast).
std::vector<float> RefGemm(const std::vector<float>& a, const std::vector<float>& b, const std::vector<float>* c,
                           const Shape& cs, int64_t m, int64_t k, int64_t n, bool ta, bool tb, float alpha,
                           float beta) {
  std::vector<float> y(m * n);
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0;
      for (int64_t p = 0; p < k; ++p) acc += static_cast<double>(ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
      double cv = 0;
      if (c) {
        int64_t ci = cs.size() == 2 ? (cs[0] == 1 ? 0 : i) * cs[1] + (cs[1] == 1 ? 0 : j) : (cs.size() == 1 && cs[0] != 1 ? j : 0);
        cv = (*c)[ci];
      }
      y[i * n + j] = static_cast<float>(alpha * acc + beta * cv);
    }
  }
  return y;
}

struct GemmCase {
  bool ta, tb;
  float alpha, beta;
  Shape c;  // empty = no C
};

TEST(Gemm, AttributesAndBroadcastVariants) {
  const int64_t m = 5, k = 7, n = 6;
  const std::vector<GemmCase> cases = {
      {false, false, 1.0f, 1.0f, {n}},     {true, false, 1.0f, 1.0f, {1, n}}, {false, true, 1.0f, 1.0f, {m, n}},
      {true, true, 0.5f, 1.0f, {m, 1}},    {false, false, 1.0f, 2.0f, {}},    {false, true, 2.0f, -0.5f, {1}},
      {false, false, 0.25f, 0.75f, {m, n}}, {true, true, 1.0f, 0.0f, {n}},
  };
  for (const GemmCase& gc : cases) {
    std::vector<float> a = RandomFloats(m * k, 1), b = RandomFloats(k * n, 2), c = RandomFloats(m * n, 3);
    c.resize(gc.c.empty() ? 0 : NumElements(gc.c));
    std::vector<float> expect =
        RefGemm(a, b, gc.c.empty() ? nullptr : &c, gc.c, m, k, n, gc.ta, gc.tb, gc.alpha, gc.beta);
    OpTest t = MakeOp("Gemm", 13);
    t.inputs = {Value(Tensor::FromVector<float>(a, gc.ta ? Shape{k, m} : Shape{m, k})),
                Value(Tensor::FromVector<float>(b, gc.tb ? Shape{n, k} : Shape{k, n}))};
    if (!gc.c.empty()) t.inputs.push_back(Value(Tensor::FromVector<float>(c, gc.c)));
    t.attributes = {{"transA", Int(gc.ta)}, {"transB", Int(gc.tb)}, {"alpha", Float(gc.alpha)}, {"beta", Float(gc.beta)}};
    std::string what = absl::StrCat("transA=", gc.ta, " transB=", gc.tb, " alpha=", gc.alpha, " beta=", gc.beta,
                                    " C=", ShapeToString(gc.c));
    for (bool constant : {false, true}) {
      auto out = constant ? RunWithConstants(t, {1}) : t.Run();
      ASSERT_TRUE(out.ok()) << out.status() << " " << what;
      EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(expect, {m, n}), 1e-4, 1e-4)) << what;
    }
    OpTest td = t;
    for (auto& in : td.inputs) in = Value(ConvertFloat<double>(in->tensor()));
    auto outd = td.Run();
    ASSERT_TRUE(outd.ok()) << outd.status();
    EXPECT_TRUE(TensorsNear((*outd)[0].tensor(), ConvertFloat<double>(Tensor::FromVector<float>(expect, {m, n})),
                            1e-4, 1e-4))
        << what;
  }
}

TEST(Gemm, Opset6BroadcastAttributeIsAccepted) {
  OpTest t = MakeOp("Gemm", 6);
  t.inputs = {Value(Tensor::FromVector<float>({1, 2, 3, 4}, {2, 2})),
              Value(Tensor::FromVector<float>({1, 0, 0, 1}, {2, 2})), Value(Tensor::FromVector<float>({10, 20}, {2}))};
  t.attributes = {{"broadcast", Int(1)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({11, 22, 13, 24}, {2, 2})));
}

TEST(Gemm, UnbroadcastableCIsAnError) {
  OpTest t = MakeOp("Gemm");
  t.inputs = {Value(RandomTensor({2, 3}, 1)), Value(RandomTensor({3, 4}, 2)), Value(RandomTensor({3}, 3))};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("cannot be broadcast"), std::string::npos) << out.status();
}

TEST(FusedGemm, ActivationAppliesAfterC) {
  OpTest t = MakeOp("FusedGemm", 1, "com.braid");
  t.inputs = {Value(Tensor::FromVector<float>({1, -2, 3, -4}, {2, 2})),
              Value(Tensor::FromVector<float>({1, 0, 0, 1}, {2, 2})), Value(Tensor::FromVector<float>({1, 1}, {2}))};
  t.attributes = {{"activation", Str("Clip")}, {"activation_params", Floats({-2.0f, 3.0f})}, {"alpha", Float(2.0f)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  // alpha*A + C = {3, -3, 7, -7} -> clip to [-2, 3].
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>({3, -2, 3, -2}, {2, 2})));
}

}  // namespace
}  // namespace braid::backends::cpu::testing
