// RNN, GRU and LSTM (opsets 1-14): forward / reverse / bidirectional,
// sequence_lens, initial states, layout = 1 (batch-first), activations with
// activation_alpha/beta, clip, GRU linear_before_reset, LSTM peepholes and
// input_forget. Computed in float32 (other float types are converted); the
// input projection of all time steps is one GEMM per direction, the
// recurrent projection one GEMM per step (row dot products split across the
// session's threads at small batch sizes).
#include <algorithm>
#include <climits>
#include <cmath>
#include <string>

#include "absl/strings/ascii.h"
#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/nn/dnnl_util.h"
#include "backends/cpu/kernels/nn/nn_util.h"
#include "backends/cpu/kernels/nn/row_dot.h"

namespace braid::backends::cpu {
namespace {

enum class Cell { kRnn, kGru, kLstm };

// Batches up to this size take the recurrent projection as row dot
// products (weights read once per step for all rows); larger batches are a
// real GEMM.
constexpr int64_t kRowDotMaxBatch = 4;
// Multiply-adds worth giving one more thread in a recurrent step. The step
// runs on the OpenMP team that the input-projection GEMM just used, whose
// threads are still spinning, so a split costs about a microsecond.
constexpr double kRowDotMacsPerThread = 65536;

// out[b, 0:cols] = x[b, 0:k] w[0:cols, 0:k]^T for b < batch; out rows are
// `ldo` apart. w is row-major [cols, k].
// Uses at most `max_threads` threads.
absl::Status RecurrentProjection(int max_threads, const float* x, int64_t batch, int64_t k, const float* w,
                                 int64_t cols, float* out, int64_t ldo) {
  if (batch > kRowDotMaxBatch) {
    SetDnnlThreads(DnnlThreadsFor(max_threads, 2.0 * static_cast<double>(batch * cols * k)));
    return DnnlSgemm(false, true, batch, cols, k, 1.0f, x, k, w, k, 0.0f, out, ldo);
  }
  const double macs = static_cast<double>(batch * cols * k);
  const int64_t threads =
      std::clamp<int64_t>(static_cast<int64_t>(macs / kRowDotMacsPerThread), 1, std::max(1, max_threads));
  if (threads == 1) {
    for (int64_t b = 0; b < batch; ++b) RowDotProducts(w, k, x + b * k, out + b * ldo, 0, cols);
    return absl::OkStatus();
  }
  // Row blocks of a multiple of 4 rows (the kernel's unroll) per thread.
  const int64_t rows_per_thread = ((cols + threads - 1) / threads + 3) & ~int64_t{3};
#pragma omp parallel for num_threads(threads) schedule(static, 1)
  for (int64_t t = 0; t < threads; ++t) {
    const int64_t begin = std::min(cols, t * rows_per_thread), end = std::min(cols, begin + rows_per_thread);
    for (int64_t b = 0; b < batch; ++b) RowDotProducts(w, k, x + b * k, out + b * ldo, begin, end);
  }
  return absl::OkStatus();
}

// tanh as a clamped rational function (13/6 odd/even polynomials), accurate
// to a few float ulps; branch-free so that loops over it vectorize.
inline float FastTanh(float x) {
  constexpr float kClamp = 7.90531110763549805f;
  x = x < -kClamp ? -kClamp : (x > kClamp ? kClamp : x);
  const float x2 = x * x;
  float p = -2.76076847742355e-16f;
  p = p * x2 + 2.00018790482477e-13f;
  p = p * x2 - 8.60467152213735e-11f;
  p = p * x2 + 5.12229709037114e-08f;
  p = p * x2 + 1.48572235717979e-05f;
  p = p * x2 + 6.37261928875436e-04f;
  p = p * x2 + 4.89352455891786e-03f;
  p = p * x;
  float q = 1.19825839466702e-06f;
  q = q * x2 + 1.18534705686654e-04f;
  q = q * x2 + 2.26843463243900e-03f;
  q = q * x2 + 4.89352518554385e-03f;
  return p / q;
}

struct Activation {
  enum class Kind { kRelu, kTanh, kSigmoid, kAffine, kLeakyRelu, kThresholdedRelu, kScaledTanh, kHardSigmoid, kElu,
                    kSoftsign, kSoftplus };
  Kind kind = Kind::kTanh;
  float alpha = 0.0f, beta = 0.0f;

  void Apply(float* v, int64_t n) const {
    switch (kind) {
      case Kind::kRelu:
        for (int64_t i = 0; i < n; ++i) v[i] = std::max(v[i], 0.0f);
        break;
      case Kind::kTanh:
        for (int64_t i = 0; i < n; ++i) v[i] = FastTanh(v[i]);
        break;
      case Kind::kSigmoid:
        for (int64_t i = 0; i < n; ++i) v[i] = 0.5f + 0.5f * FastTanh(0.5f * v[i]);
        break;
      case Kind::kAffine:
        for (int64_t i = 0; i < n; ++i) v[i] = alpha * v[i] + beta;
        break;
      case Kind::kLeakyRelu:
        for (int64_t i = 0; i < n; ++i) v[i] = v[i] >= 0.0f ? v[i] : alpha * v[i];
        break;
      case Kind::kThresholdedRelu:
        for (int64_t i = 0; i < n; ++i) v[i] = v[i] > alpha ? v[i] : 0.0f;
        break;
      case Kind::kScaledTanh:
        for (int64_t i = 0; i < n; ++i) v[i] = alpha * std::tanh(beta * v[i]);
        break;
      case Kind::kHardSigmoid:
        for (int64_t i = 0; i < n; ++i) v[i] = std::min(std::max(alpha * v[i] + beta, 0.0f), 1.0f);
        break;
      case Kind::kElu:
        for (int64_t i = 0; i < n; ++i) v[i] = v[i] >= 0.0f ? v[i] : alpha * (std::exp(v[i]) - 1.0f);
        break;
      case Kind::kSoftsign:
        for (int64_t i = 0; i < n; ++i) v[i] = v[i] / (1.0f + std::abs(v[i]));
        break;
      case Kind::kSoftplus:
        for (int64_t i = 0; i < n; ++i) v[i] = std::log1p(std::exp(v[i]));
        break;
    }
  }
};

// Parses activations (names case-insensitive); alpha/beta are consumed in
// order by the activations that take them, defaults otherwise.
absl::StatusOr<std::vector<Activation>> ParseActivations(const KernelInit& init, std::vector<std::string> names,
                                                         int per_direction, int directions) {
  BRAID_ASSIGN_OR_RETURN(std::vector<float> alphas, init.GetFloats("activation_alpha", std::vector<float>{}));
  BRAID_ASSIGN_OR_RETURN(std::vector<float> betas, init.GetFloats("activation_beta", std::vector<float>{}));
  if (static_cast<int>(names.size()) == per_direction && directions == 2) {
    std::vector<std::string> twice = names;
    twice.insert(twice.end(), names.begin(), names.end());
    names = twice;
  }
  if (static_cast<int>(names.size()) != per_direction * directions) {
    return init.Error(absl::StrCat("expected ", per_direction * directions, " activations, got ", names.size()));
  }
  size_t ai = 0, bi = 0;
  std::vector<Activation> out;
  for (const std::string& raw : names) {
    const std::string n = absl::AsciiStrToLower(raw);
    Activation a;
    using K = Activation::Kind;
    float da = 0.0f, db = 0.0f;
    bool need_a = false, need_b = false;
    if (n == "relu") {
      a.kind = K::kRelu;
    } else if (n == "tanh") {
      a.kind = K::kTanh;
    } else if (n == "sigmoid") {
      a.kind = K::kSigmoid;
    } else if (n == "affine") {
      a.kind = K::kAffine, need_a = need_b = true, da = 1.0f;
    } else if (n == "leakyrelu") {
      a.kind = K::kLeakyRelu, need_a = true, da = 0.01f;
    } else if (n == "thresholdedrelu") {
      a.kind = K::kThresholdedRelu, need_a = true, da = 1.0f;
    } else if (n == "scaledtanh") {
      a.kind = K::kScaledTanh, need_a = need_b = true, da = 1.0f, db = 1.0f;
    } else if (n == "hardsigmoid") {
      a.kind = K::kHardSigmoid, need_a = need_b = true, da = 0.2f, db = 0.5f;
    } else if (n == "elu") {
      a.kind = K::kElu, need_a = true, da = 1.0f;
    } else if (n == "softsign") {
      a.kind = K::kSoftsign;
    } else if (n == "softplus") {
      a.kind = K::kSoftplus;
    } else {
      return init.Error(absl::StrCat("unsupported activation '", raw, "'"));
    }
    a.alpha = need_a && ai < alphas.size() ? alphas[ai++] : da;
    a.beta = need_b && bi < betas.size() ? betas[bi++] : db;
    out.push_back(a);
  }
  return out;
}

class RecurrentKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init, Cell cell) {
    auto k = std::unique_ptr<RecurrentKernel>(new RecurrentKernel());
    k->cell_ = cell;
    k->gates_ = cell == Cell::kRnn ? 1 : cell == Cell::kGru ? 3 : 4;
    BRAID_ASSIGN_OR_RETURN(std::string dir, init.GetString("direction", std::string("forward")));
    if (dir == "forward") {
      k->directions_ = 1;
    } else if (dir == "reverse") {
      k->directions_ = 1;
      k->reverse_only_ = true;
    } else if (dir == "bidirectional") {
      k->directions_ = 2;
    } else {
      return init.Error(absl::StrCat("unknown direction '", dir, "'"));
    }
    BRAID_ASSIGN_OR_RETURN(k->hidden_, init.GetInt("hidden_size", 0));
    BRAID_ASSIGN_OR_RETURN(k->layout_, init.GetInt("layout", 0));
    BRAID_ASSIGN_OR_RETURN(int64_t lbr, init.GetInt("linear_before_reset", 0));
    k->linear_before_reset_ = lbr != 0;
    BRAID_ASSIGN_OR_RETURN(int64_t input_forget, init.GetInt("input_forget", 0));
    k->input_forget_ = input_forget != 0;
    if (init.node().HasAttribute("clip")) {
      BRAID_ASSIGN_OR_RETURN(k->clip_, init.GetFloat("clip"));
      if (k->clip_ <= 0.0f) return init.Error("clip must be positive");
    }
    std::vector<std::string> defaults = cell == Cell::kRnn   ? std::vector<std::string>{"Tanh"}
                                        : cell == Cell::kGru ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                                             : std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"};
    BRAID_ASSIGN_OR_RETURN(std::vector<std::string> names, init.node().GetStrings("activations", defaults));
    BRAID_ASSIGN_OR_RETURN(k->acts_, ParseActivations(init, names, static_cast<int>(defaults.size()), k->directions_));
    if (k->layout_ != 0 && k->layout_ != 1) return init.Error("layout must be 0 or 1");
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override;

 private:
  // Runs one direction over time-major data on at most `threads` threads.
  // xw: [S*B, G*H] input projections with biases added; y: [S, D, B, H]
  // (may be null). Directions touch disjoint parts of h, c and y, so two
  // may run concurrently.
  absl::Status RunDirection(int threads, int d, bool reverse, int64_t seq, int64_t batch, int64_t H,
                            const std::vector<int64_t>& lens, const float* r, const float* rb, const float* peep,
                            const std::vector<float>& xw, float* h, float* c, float* y) const;

  Cell cell_ = Cell::kRnn;
  int gates_ = 1;
  int directions_ = 1;
  bool reverse_only_ = false;
  int64_t hidden_ = 0;
  int64_t layout_ = 0;
  bool linear_before_reset_ = false;
  bool input_forget_ = false;
  float clip_ = 0.0f;  // 0 = no clipping
  std::vector<Activation> acts_;
};

absl::Status RecurrentKernel::Compute(KernelContext& ctx) const {
  BRAID_ASSIGN_OR_RETURN(const Tensor* x_t, ctx.RequireTensor(0));
  BRAID_ASSIGN_OR_RETURN(const Tensor* w_t, ctx.RequireTensor(1));
  BRAID_ASSIGN_OR_RETURN(const Tensor* r_t, ctx.RequireTensor(2));
  if (x_t->rank() != 3 || w_t->rank() != 3 || r_t->rank() != 3) return ctx.Error("X, W and R must have rank 3");
  const int64_t seq = layout_ == 0 ? x_t->dim(0) : x_t->dim(1);
  const int64_t batch = layout_ == 0 ? x_t->dim(1) : x_t->dim(0);
  const int64_t input = x_t->dim(2);
  const int64_t H = hidden_ > 0 ? hidden_ : r_t->dim(2), G = gates_, D = directions_;
  if (w_t->shape() != Shape{D, G * H, input}) {
    return ctx.Error(absl::StrCat("W must have shape ", ShapeToString({D, G * H, input}), ", got ",
                                  ShapeToString(w_t->shape())));
  }
  if (r_t->shape() != Shape{D, G * H, H}) {
    return ctx.Error(absl::StrCat("R must have shape ", ShapeToString({D, G * H, H}), ", got ",
                                  ShapeToString(r_t->shape())));
  }
  const DataType type = x_t->dtype();
  BRAID_ASSIGN_OR_RETURN(FloatData x_data, FloatData::Of(*x_t));
  BRAID_ASSIGN_OR_RETURN(FloatData w, FloatData::Of(*w_t));
  BRAID_ASSIGN_OR_RETURN(FloatData r, FloatData::Of(*r_t));
  std::vector<float> zero_bias;
  FloatData bias_data;
  if (ctx.has_input(3)) {
    if (ctx.input(3).num_elements() != D * 2 * G * H) return ctx.Error("B has the wrong number of elements");
    BRAID_ASSIGN_OR_RETURN(bias_data, FloatData::Of(ctx.input(3)));
  } else {
    zero_bias.assign(D * 2 * G * H, 0.0f);
  }
  const float* bias = ctx.has_input(3) ? bias_data.data() : zero_bias.data();
  std::vector<int64_t> lens(batch, seq);
  if (ctx.has_input(4)) {
    BRAID_ASSIGN_OR_RETURN(lens, TensorAs<int64_t>(ctx.input(4)));
    if (static_cast<int64_t>(lens.size()) != batch) return ctx.Error("sequence_lens must have batch_size elements");
    for (int64_t l : lens) {
      if (l < 0 || l > seq) return ctx.Error(absl::StrCat("sequence length ", l, " is outside [0, ", seq, "]"));
    }
  }
  // States in [D, B, H] order.
  auto load_state = [&](int idx, std::vector<float>& s) -> absl::Status {
    s.assign(D * batch * H, 0.0f);
    if (!ctx.has_input(idx)) return absl::OkStatus();
    const Tensor& t = ctx.input(idx);
    if (t.num_elements() != D * batch * H) return ctx.Error(absl::StrCat("input ", idx, " has the wrong size"));
    BRAID_ASSIGN_OR_RETURN(std::vector<float> v, TensorAs<float>(t));
    if (layout_ == 0) {
      s = std::move(v);
    } else {  // [B, D, H]
      for (int64_t b = 0; b < batch; ++b) {
        for (int64_t d = 0; d < D; ++d) std::copy_n(&v[(b * D + d) * H], H, &s[(d * batch + b) * H]);
      }
    }
    return absl::OkStatus();
  };
  std::vector<float> h, c;
  BRAID_RETURN_IF_ERROR(load_state(5, h));
  if (cell_ == Cell::kLstm) BRAID_RETURN_IF_ERROR(load_state(6, c));
  FloatData peep;
  const bool has_peep = cell_ == Cell::kLstm && ctx.has_input(7);
  if (has_peep) {
    if (ctx.input(7).num_elements() != D * 3 * H) return ctx.Error("P must have shape [num_directions, 3*hidden]");
    BRAID_ASSIGN_OR_RETURN(peep, FloatData::Of(ctx.input(7)));
  }
  // Time-major X.
  std::vector<float> x_time_major;
  const float* xv = x_data.data();
  if (layout_ == 1) {
    x_time_major.resize(seq * batch * input);
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t t = 0; t < seq; ++t) {
        std::copy_n(xv + (b * seq + t) * input, input, &x_time_major[(t * batch + b) * input]);
      }
    }
    xv = x_time_major.data();
  }
  const bool want_y = ctx.num_outputs() > 0 && ctx.output_wanted(0);
  std::vector<float> y(want_y ? seq * D * batch * H : 0, 0.0f);
  // xw[d] = X W[d]^T + Wb[d] (+ Rb[d] where it is a plain sum): one GEMM per
  // direction over all time steps, on all threads.
  std::vector<std::vector<float>> xw(D);
  for (int d = 0; d < D; ++d) {
    const float* wb = bias + d * 2 * G * H;
    const float* rb = wb + G * H;
    xw[d].resize(seq * batch * G * H);
    for (int64_t i = 0; i < seq * batch; ++i) {
      for (int64_t j = 0; j < G * H; ++j) {
        const bool rb_inside = cell_ == Cell::kGru && j >= 2 * H && linear_before_reset_;
        xw[d][i * G * H + j] = wb[j] + (rb_inside ? 0.0f : rb[j]);
      }
    }
    SetDnnlThreads(DnnlThreadsFor(ctx.num_threads(), 2.0 * static_cast<double>(seq * batch * G * H * input)));
    BRAID_RETURN_IF_ERROR(DnnlSgemm(false, true, seq * batch, G * H, input, 1.0f, xv, input,
                                    w.data() + d * G * H * input, input, 1.0f, xw[d].data(), G * H));
  }
  // The recurrences: the two directions of a bidirectional layer side by
  // side when there are threads for both (each then splits its steps over
  // its share of the threads).
  const int direction_threads = D == 2 && ctx.num_threads() >= 2 ? 2 : 1;
  const int step_threads = std::max(1, ctx.num_threads() / direction_threads);
  absl::Status direction_status[2];
  auto run_direction = [&](int d) {
    const float* rb = bias + d * 2 * G * H + G * H;
    direction_status[d] = RunDirection(step_threads, d, reverse_only_ || d == 1, seq, batch, H, lens,
                                       r.data() + d * G * H * H, rb, has_peep ? peep.data() + d * 3 * H : nullptr,
                                       xw[d], h.data() + d * batch * H,
                                       cell_ == Cell::kLstm ? c.data() + d * batch * H : nullptr,
                                       want_y ? y.data() : nullptr);
  };
  if (direction_threads == 1) {
    // No enclosing parallel region: a region of one thread would make the
    // steps' own regions nested ones, which libgomp serves with fresh threads.
    for (int d = 0; d < D; ++d) run_direction(d);
  } else {
#pragma omp parallel for num_threads(direction_threads) schedule(static, 1)
    for (int d = 0; d < D; ++d) run_direction(d);
  }
  for (int d = 0; d < D; ++d) BRAID_RETURN_IF_ERROR(direction_status[d]);
  // Outputs, converted to the input type and layout.
  auto emit = [&](int idx, const std::vector<float>& v, Shape shape) -> absl::Status {
    if (ctx.num_outputs() <= idx || !ctx.output_wanted(idx)) return absl::OkStatus();
    BRAID_ASSIGN_OR_RETURN(Tensor * t, ctx.AllocateOutput(idx, type, std::move(shape)));
    return Dispatch<TypeList<float, double, Float16, BFloat16>>(type, [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      T* p = t->data<T>();
      for (size_t i = 0; i < v.size(); ++i) p[i] = CastTo<T>(static_cast<ComputeType<T>>(v[i]));
      return absl::OkStatus();
    });
  };
  if (layout_ == 0) {
    BRAID_RETURN_IF_ERROR(emit(0, y, {seq, D, batch, H}));
    BRAID_RETURN_IF_ERROR(emit(1, h, {D, batch, H}));
    if (cell_ == Cell::kLstm) BRAID_RETURN_IF_ERROR(emit(2, c, {D, batch, H}));
    return absl::OkStatus();
  }
  auto to_batch_major_state = [&](const std::vector<float>& s) {
    std::vector<float> o(s.size());
    for (int64_t d = 0; d < D; ++d) {
      for (int64_t b = 0; b < batch; ++b) std::copy_n(&s[(d * batch + b) * H], H, &o[(b * D + d) * H]);
    }
    return o;
  };
  if (want_y) {
    std::vector<float> yb(y.size());
    for (int64_t t = 0; t < seq; ++t) {
      for (int64_t d = 0; d < D; ++d) {
        for (int64_t b = 0; b < batch; ++b) {
          std::copy_n(&y[((t * D + d) * batch + b) * H], H, &yb[((b * seq + t) * D + d) * H]);
        }
      }
    }
    BRAID_RETURN_IF_ERROR(emit(0, yb, {batch, seq, D, H}));
  }
  BRAID_RETURN_IF_ERROR(emit(1, to_batch_major_state(h), {batch, D, H}));
  if (cell_ == Cell::kLstm) BRAID_RETURN_IF_ERROR(emit(2, to_batch_major_state(c), {batch, D, H}));
  return absl::OkStatus();
}

absl::Status RecurrentKernel::RunDirection(int threads, int d, bool reverse, int64_t seq, int64_t batch,
                                           int64_t H, const std::vector<int64_t>& lens, const float* r, const float* rb,
                                           const float* peep, const std::vector<float>& xw, float* h, float* c,
                                           float* y) const {
  const int64_t G = gates_, D = directions_;
  const int na = cell_ == Cell::kRnn ? 1 : cell_ == Cell::kGru ? 2 : 3;
  const Activation& f = acts_[d * na];
  const Activation& g = acts_[d * na + std::min(1, na - 1)];
  const Activation& hact = acts_[d * na + std::min(2, na - 1)];
  std::vector<float> hr(batch * G * H);   // h_prev R^T
  std::vector<float> gate(G * H), tmp(batch * H), rh(batch * H);
  const int64_t max_len = lens.empty() ? 0 : *std::max_element(lens.begin(), lens.end());
  auto clip = [&](float* v, int64_t n) {
    if (clip_ <= 0.0f) return;
    for (int64_t i = 0; i < n; ++i) v[i] = std::min(std::max(v[i], -clip_), clip_);
  };
  for (int64_t step = 0; step < max_len; ++step) {
    // Recurrent projection for all rows (inactive rows are ignored).
    const int64_t cols = cell_ == Cell::kGru && !linear_before_reset_ ? 2 * H : G * H;
    BRAID_RETURN_IF_ERROR(RecurrentProjection(threads, h, batch, H, r, cols, hr.data(), G * H));
    if (cell_ == Cell::kGru && !linear_before_reset_) {
      // (r_t * h_prev) Rh^T needs r_t first.
      for (int64_t b = 0; b < batch; ++b) {
        if (step >= lens[b]) continue;
        const int64_t t = reverse ? lens[b] - 1 - step : step;
        const float* xr = &xw[(t * batch + b) * G * H];
        for (int64_t j = 0; j < H; ++j) gate[j] = xr[H + j] + hr[b * G * H + H + j];
        clip(gate.data(), H);
        f.Apply(gate.data(), H);
        for (int64_t j = 0; j < H; ++j) tmp[b * H + j] = gate[j] * h[b * H + j];
      }
      BRAID_RETURN_IF_ERROR(RecurrentProjection(threads, tmp.data(), batch, H, r + 2 * H * H, H, rh.data(), H));
    }
    for (int64_t b = 0; b < batch; ++b) {
      if (step >= lens[b]) continue;
      const int64_t t = reverse ? lens[b] - 1 - step : step;
      const float* xr = &xw[(t * batch + b) * G * H];
      const float* hrb = &hr[b * G * H];
      float* hb = h + b * H;
      if (cell_ == Cell::kRnn) {
        for (int64_t j = 0; j < H; ++j) gate[j] = xr[j] + hrb[j];
        clip(gate.data(), H);
        f.Apply(gate.data(), H);
        std::copy_n(gate.data(), H, hb);
      } else if (cell_ == Cell::kGru) {
        float* z = gate.data();
        float* rr = gate.data() + H;
        float* hh = gate.data() + 2 * H;
        for (int64_t j = 0; j < 2 * H; ++j) z[j] = xr[j] + hrb[j];
        clip(z, 2 * H);
        f.Apply(z, 2 * H);
        if (linear_before_reset_) {
          for (int64_t j = 0; j < H; ++j) hh[j] = xr[2 * H + j] + rr[j] * (hrb[2 * H + j] + rb[2 * H + j]);
        } else {
          for (int64_t j = 0; j < H; ++j) hh[j] = xr[2 * H + j] + rh[b * H + j];
        }
        clip(hh, H);
        g.Apply(hh, H);
        for (int64_t j = 0; j < H; ++j) hb[j] = (1.0f - z[j]) * hh[j] + z[j] * hb[j];
      } else {
        float* gi = gate.data();
        float* go = gate.data() + H;
        float* gf = gate.data() + 2 * H;
        float* gc = gate.data() + 3 * H;
        float* cb = c + b * H;
        for (int64_t j = 0; j < 4 * H; ++j) gate[j] = xr[j] + hrb[j];
        if (peep != nullptr) {
          for (int64_t j = 0; j < H; ++j) {
            gi[j] += peep[j] * cb[j];
            gf[j] += peep[2 * H + j] * cb[j];
          }
        }
        clip(gi, H);
        clip(gf, H);
        clip(gc, H);
        f.Apply(gi, H);
        if (input_forget_) {
          for (int64_t j = 0; j < H; ++j) gf[j] = 1.0f - gi[j];
        } else {
          f.Apply(gf, H);
        }
        g.Apply(gc, H);
        for (int64_t j = 0; j < H; ++j) cb[j] = gf[j] * cb[j] + gi[j] * gc[j];
        if (peep != nullptr) {
          for (int64_t j = 0; j < H; ++j) go[j] += peep[H + j] * cb[j];
        }
        clip(go, H);
        f.Apply(go, H);
        std::copy_n(cb, H, tmp.data() + b * H);
        hact.Apply(tmp.data() + b * H, H);
        for (int64_t j = 0; j < H; ++j) hb[j] = go[j] * tmp[b * H + j];
      }
      if (y != nullptr) std::copy_n(hb, H, y + ((t * D + d) * batch + b) * H);
    }
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterRecurrentKernels(KernelRegistry& r) {
  r.Add("RNN", 1, INT_MAX, [](const KernelInit& init) { return RecurrentKernel::Create(init, Cell::kRnn); });
  r.Add("GRU", 1, INT_MAX, [](const KernelInit& init) { return RecurrentKernel::Create(init, Cell::kGru); });
  r.Add("LSTM", 1, INT_MAX, [](const KernelInit& init) { return RecurrentKernel::Create(init, Cell::kLstm); });
}

}  // namespace braid::backends::cpu
