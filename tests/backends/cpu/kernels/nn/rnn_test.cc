#include <cmath>
#include <functional>

#include "gtest/gtest.h"
#include "tests/backends/cpu/kernels/nn/nn_test_util.h"
#include "tests/backends/cpu/op_test_util.h"

namespace braid::backends::cpu::testing {
namespace {

float Sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

// Weights of one direction, ONNX gate order, plain vectors.
struct DirWeights {
  std::vector<float> w, r, wb, rb, p;  // w: [G*H, I], r: [G*H, H]
};

// row . vec for row `row` of a [rows, cols] matrix.
float Dot(const std::vector<float>& m, int64_t row, int64_t cols, const float* v) {
  double acc = 0;
  for (int64_t i = 0; i < cols; ++i) acc += static_cast<double>(m[row * cols + i]) * v[i];
  return static_cast<float>(acc);
}

enum class Kind { kRnn, kGru, kLstm };

struct RefOut {
  std::vector<float> y;      // [S, B, H]
  std::vector<float> h, c;   // [B, H]
};

// Straightforward per-step reference of one direction (ONNX equations).
RefOut Reference(Kind kind, bool lbr, bool reverse, const std::vector<float>& x, int64_t S, int64_t B, int64_t I,
                 int64_t H, const DirWeights& dw, std::vector<float> h, std::vector<float> c,
                 const std::vector<int64_t>& lens, float clip = 0.0f,
                 std::function<float(float)> f = Sigmoid, std::function<float(float)> g = [](float v) { return std::tanh(v); }) {
  RefOut out;
  out.y.assign(S * B * H, 0.0f);
  auto cl = [&](float v) { return clip > 0 ? std::min(std::max(v, -clip), clip) : v; };
  for (int64_t b = 0; b < B; ++b) {
    float* hb = &h[b * H];
    float* cb = c.empty() ? nullptr : &c[b * H];
    for (int64_t s = 0; s < lens[b]; ++s) {
      const int64_t t = reverse ? lens[b] - 1 - s : s;
      const float* xt = &x[(t * B + b) * I];
      std::vector<float> hn(H), cn(H);
      for (int64_t j = 0; j < H; ++j) {
        auto gate = [&](int gi) { return Dot(dw.w, gi * H + j, I, xt) + dw.wb[gi * H + j] + dw.rb[gi * H + j] + Dot(dw.r, gi * H + j, H, hb); };
        if (kind == Kind::kRnn) {
          hn[j] = g(cl(gate(0)));
        } else if (kind == Kind::kGru) {
          const float z = f(cl(gate(0))), r = f(cl(gate(1)));
          float hh;
          if (lbr) {
            hh = Dot(dw.w, 2 * H + j, I, xt) + dw.wb[2 * H + j] + r * (Dot(dw.r, 2 * H + j, H, hb) + dw.rb[2 * H + j]);
          } else {
            std::vector<float> rh(H);
            for (int64_t k = 0; k < H; ++k) {
              rh[k] = f(cl(Dot(dw.w, H + k, I, xt) + dw.wb[H + k] + dw.rb[H + k] + Dot(dw.r, H + k, H, hb))) * hb[k];
            }
            hh = Dot(dw.w, 2 * H + j, I, xt) + dw.wb[2 * H + j] + dw.rb[2 * H + j] + Dot(dw.r, 2 * H + j, H, rh.data());
          }
          hh = g(cl(hh));
          hn[j] = (1 - z) * hh + z * hb[j];
        } else {
          const float pi = dw.p.empty() ? 0 : dw.p[j], po = dw.p.empty() ? 0 : dw.p[H + j], pf = dw.p.empty() ? 0 : dw.p[2 * H + j];
          const float i = f(cl(gate(0) + pi * cb[j]));
          const float fg = f(cl(gate(2) + pf * cb[j]));
          const float cc = g(cl(gate(3)));
          cn[j] = fg * cb[j] + i * cc;
          const float o = f(cl(gate(1) + po * cn[j]));
          hn[j] = o * g(cn[j]);
        }
      }
      std::copy(hn.begin(), hn.end(), hb);
      if (cb) std::copy(cn.begin(), cn.end(), cb);
      std::copy(hn.begin(), hn.end(), &out.y[(t * B + b) * H]);
    }
  }
  out.h = h;
  out.c = c;
  return out;
}

DirWeights RandomWeights(int G, int64_t H, int64_t I, uint32_t seed, bool peep) {
  DirWeights d;
  d.w = RandomFloats(G * H * I, seed, -0.5f, 0.5f);
  d.r = RandomFloats(G * H * H, seed + 1, -0.5f, 0.5f);
  d.wb = RandomFloats(G * H, seed + 2, -0.2f, 0.2f);
  d.rb = RandomFloats(G * H, seed + 3, -0.2f, 0.2f);
  if (peep) d.p = RandomFloats(3 * H, seed + 4, -0.3f, 0.3f);
  return d;
}

template <typename V>
std::vector<float> Concat(const V& a, const V& b) {
  std::vector<float> out(a.begin(), a.end());
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

TEST(Lstm, BidirectionalWithSequenceLengthsPeepholesAndInitialState) {
  const int64_t S = 4, B = 3, I = 5, H = 6;
  std::vector<float> x = RandomFloats(S * B * I, 1);
  DirWeights fw = RandomWeights(4, H, I, 10, true), bw = RandomWeights(4, H, I, 20, true);
  std::vector<float> h0 = RandomFloats(2 * B * H, 30), c0 = RandomFloats(2 * B * H, 31);
  std::vector<int64_t> lens = {4, 1, 3};
  auto part = [&](const std::vector<float>& v, int d) {
    return std::vector<float>(v.begin() + d * B * H, v.begin() + (d + 1) * B * H);
  };
  RefOut rf = Reference(Kind::kLstm, false, false, x, S, B, I, H, fw, part(h0, 0), part(c0, 0), lens);
  RefOut rb = Reference(Kind::kLstm, false, true, x, S, B, I, H, bw, part(h0, 1), part(c0, 1), lens);
  OpTest t = MakeOp("LSTM", 14, "", 3);
  t.inputs = {Value(Tensor::FromVector<float>(x, {S, B, I})),
              Value(Tensor::FromVector<float>(Concat(fw.w, bw.w), {2, 4 * H, I})),
              Value(Tensor::FromVector<float>(Concat(fw.r, bw.r), {2, 4 * H, H})),
              Value(Tensor::FromVector<float>(Concat(Concat(fw.wb, fw.rb), Concat(bw.wb, bw.rb)), {2, 8 * H})),
              Value(Tensor::FromVector<int32_t>({4, 1, 3}, {3})),
              Value(Tensor::FromVector<float>(h0, {2, B, H})),
              Value(Tensor::FromVector<float>(c0, {2, B, H})),
              Value(Tensor::FromVector<float>(Concat(fw.p, bw.p), {2, 3 * H}))};
  t.attributes = {{"hidden_size", Int(H)}, {"direction", Str("bidirectional")}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  std::vector<float> y(S * 2 * B * H);
  for (int64_t s = 0; s < S; ++s) {
    std::copy_n(&rf.y[s * B * H], B * H, &y[(s * 2 + 0) * B * H]);
    std::copy_n(&rb.y[s * B * H], B * H, &y[(s * 2 + 1) * B * H]);
  }
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(y, {S, 2, B, H}), 1e-4, 1e-5));
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<float>(Concat(rf.h, rb.h), {2, B, H}), 1e-4, 1e-5));
  EXPECT_TRUE(TensorsNear((*out)[2].tensor(), Tensor::FromVector<float>(Concat(rf.c, rb.c), {2, B, H}), 1e-4, 1e-5));

  // layout = 1 (batch-first) gives the transposed results.
  auto to_batch_first = [](const std::vector<float>& v, int64_t a, int64_t b, int64_t inner) {
    std::vector<float> o(v.size());
    for (int64_t i = 0; i < a; ++i) {
      for (int64_t j = 0; j < b; ++j) std::copy_n(&v[(i * b + j) * inner], inner, &o[(j * a + i) * inner]);
    }
    return o;
  };
  OpTest tb = t;
  tb.inputs[0] = Value(Tensor::FromVector<float>(to_batch_first(x, S, B, I), {B, S, I}));
  tb.inputs[5] = Value(Tensor::FromVector<float>(to_batch_first(h0, 2, B, H), {B, 2, H}));
  tb.inputs[6] = Value(Tensor::FromVector<float>(to_batch_first(c0, 2, B, H), {B, 2, H}));
  tb.attributes["layout"] = Int(1);
  auto outb = tb.Run();
  ASSERT_TRUE(outb.ok()) << outb.status();
  const Tensor& yb = (*outb)[0].tensor();
  ASSERT_EQ(yb.shape(), (Shape{B, S, 2, H}));
  for (int64_t s = 0; s < S; ++s) {
    for (int64_t d = 0; d < 2; ++d) {
      for (int64_t b = 0; b < B; ++b) {
        for (int64_t j = 0; j < H; ++j) {
          EXPECT_NEAR(yb.data<float>()[((b * S + s) * 2 + d) * H + j], y[((s * 2 + d) * B + b) * H + j], 1e-5);
        }
      }
    }
  }
  EXPECT_TRUE(TensorsNear((*outb)[1].tensor(),
                          Tensor::FromVector<float>(to_batch_first(Concat(rf.h, rb.h), 2, B, H), {B, 2, H}), 1e-4, 1e-5));
}

void CheckGru(bool lbr) {
  const int64_t S = 3, B = 2, I = 4, H = 5;
  std::vector<float> x = RandomFloats(S * B * I, 2);
  DirWeights dw = RandomWeights(3, H, I, 40, false);
  std::vector<float> h0 = RandomFloats(B * H, 41);
  RefOut r = Reference(Kind::kGru, lbr, false, x, S, B, I, H, dw, h0, {}, {S, S});
  OpTest t = MakeOp("GRU", 14, "", 2);
  t.inputs = {Value(Tensor::FromVector<float>(x, {S, B, I})), Value(Tensor::FromVector<float>(dw.w, {1, 3 * H, I})),
              Value(Tensor::FromVector<float>(dw.r, {1, 3 * H, H})),
              Value(Tensor::FromVector<float>(Concat(dw.wb, dw.rb), {1, 6 * H})), std::nullopt,
              Value(Tensor::FromVector<float>(h0, {1, B, H}))};
  t.attributes = {{"hidden_size", Int(H)}, {"linear_before_reset", Int(lbr)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(r.y, {S, 1, B, H}), 1e-4, 1e-5));
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<float>(r.h, {1, B, H}), 1e-4, 1e-5));
}

TEST(Gru, ResetAfterRecurrence) { CheckGru(false); }
TEST(Gru, LinearBeforeReset) { CheckGru(true); }

TEST(Rnn, ReverseReluWithClipAndShortSequences) {
  const int64_t S = 5, B = 2, I = 3, H = 4;
  std::vector<float> x = RandomFloats(S * B * I, 3, -2.0f, 2.0f);
  DirWeights dw = RandomWeights(1, H, I, 50, false);
  std::vector<int64_t> lens = {5, 2};
  auto relu = [](float v) { return std::max(v, 0.0f); };
  RefOut r = Reference(Kind::kRnn, false, true, x, S, B, I, H, dw, std::vector<float>(B * H, 0.0f), {}, lens, 0.4f,
                       Sigmoid, relu);
  OpTest t = MakeOp("RNN", 14, "", 2);
  t.inputs = {Value(Tensor::FromVector<float>(x, {S, B, I})), Value(Tensor::FromVector<float>(dw.w, {1, H, I})),
              Value(Tensor::FromVector<float>(dw.r, {1, H, H})),
              Value(Tensor::FromVector<float>(Concat(dw.wb, dw.rb), {1, 2 * H})),
              Value(Tensor::FromVector<int64_t>(lens, {B}))};
  t.attributes = {{"hidden_size", Int(H)}, {"direction", Str("reverse")}, {"activations", graph::Attribute(std::vector<std::string>{"Relu"})},
                  {"clip", Float(0.4f)}};
  auto out = t.Run();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(TensorsNear((*out)[0].tensor(), Tensor::FromVector<float>(r.y, {S, 1, B, H}), 1e-4, 1e-5));
  EXPECT_TRUE(TensorsNear((*out)[1].tensor(), Tensor::FromVector<float>(r.h, {1, B, H}), 1e-4, 1e-5));
  // Steps past a sequence's length are zero in Y.
  EXPECT_EQ((*out)[0].tensor().data<float>()[(4 * B + 1) * H], 0.0f);
}

TEST(Rnn, WrongWeightShapeIsAnError) {
  OpTest t = MakeOp("RNN", 14);
  t.inputs = {Value(RandomTensor({2, 1, 3}, 1)), Value(RandomTensor({1, 4, 2}, 2)), Value(RandomTensor({1, 4, 4}, 3))};
  t.attributes = {{"hidden_size", Int(4)}};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("W must have shape"), std::string::npos) << out.status();
}

TEST(Rnn, SequenceLengthBeyondInputIsAnError) {
  OpTest t = MakeOp("RNN", 14);
  t.inputs = {Value(RandomTensor({2, 1, 3}, 1)), Value(RandomTensor({1, 4, 3}, 2)), Value(RandomTensor({1, 4, 4}, 3)),
              std::nullopt, Value(Tensor::FromVector<int32_t>({3}, {1}))};
  t.attributes = {{"hidden_size", Int(4)}};
  auto out = t.Run();
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("sequence length"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace braid::backends::cpu::testing
