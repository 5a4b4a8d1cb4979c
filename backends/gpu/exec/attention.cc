#include "backends/gpu/exec/attention.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "backends/gpu/exec/elementwise.h"
#include "backends/gpu/exec/op_util.h"
#include "backends/gpu/exec/ops.h"
#include "braid/status_macros.h"

namespace braid::backends::gpu {
namespace {

// The producer of `v` when v is an internal single-use value.
const graph::Node* InternalProducer(const graph::Value* v, const std::function<bool(const graph::Node&)>& claimed) {
  if (v == nullptr || v->producer() == nullptr || v->is_graph_output() || v->uses().size() != 1) return nullptr;
  const graph::Node* p = v->producer();
  if (!p->domain().empty() || !claimed(*p)) return nullptr;
  return p;
}

bool IsOp(const graph::Node* n, const char* op) { return n != nullptr && n->op_type() == op; }

class AttentionStep : public Step {
 public:
  AttentionStep(std::string name, const AttentionMatch& m, SlotMap& slots, float scale,
                std::vector<std::unique_ptr<Step>> fallback)
      : Step(std::move(name)),
        q_(slots.Add(m.qk->input(0))),
        k_(slots.Add(m.transpose != nullptr ? m.transpose->input(0) : m.qk->input(1))),
        k_transposed_(m.transpose != nullptr),
        v_(slots.Add(m.pv->input(1))),
        mask_(m.mask != nullptr ? slots.Add(m.mask->input(m.mask->input(0) == MaskedInput(m) ? 1 : 0)) : -1),
        out_(slots.Add(m.pv->output(0))),
        scale_(scale),
        fallback_(std::move(fallback)) {}

  absl::Status Run(RunState& s) const override {
    const std::string& step = name();
    BRAID_ASSIGN_OR_RETURN(const Tensor* q, InputTensor(s, q_, step, 0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* k, InputTensor(s, k_, step, 1));
    BRAID_ASSIGN_OR_RETURN(const Tensor* v, InputTensor(s, v_, step, 2));
    const Tensor* mask = nullptr;
    if (mask_ >= 0) {
      BRAID_ASSIGN_OR_RETURN(mask, InputTensor(s, mask_, step, 3));
    }
    if (!Fits(*q, *k, *v, mask)) return RunFallback(s);
    const int64_t sq = q->dim(q->rank() - 2), d = q->dim(q->rank() - 1);
    const int64_t sk = k_transposed_ ? k->dim(k->rank() - 2) : k->dim(k->rank() - 1);
    const int64_t kd = k_transposed_ ? k->dim(k->rank() - 1) : k->dim(k->rank() - 2);
    const int64_t dv = v->dim(v->rank() - 1);
    if (kd != d || v->dim(v->rank() - 2) != sk) return RunFallback(s);  // let the nodes report the mismatch
    const Shape qb(q->shape().begin(), q->shape().end() - 2), kb(k->shape().begin(), k->shape().end() - 2),
        vb(v->shape().begin(), v->shape().end() - 2);
    Shape batch = qb;
    for (const Shape* other : {&kb, &vb}) {
      absl::StatusOr<Shape> b = BroadcastShapes(batch, *other);
      if (!b.ok()) return RunFallback(s);
      batch = *std::move(b);
    }
    Shape mask_batch;
    if (mask != nullptr) {
      Shape full = batch;
      full.push_back(sq);
      full.push_back(sk);
      absl::StatusOr<Shape> b = BroadcastShapes(full, mask->shape());
      if (!b.ok() || *b != full) return RunFallback(s);
    }
    if (batch.size() > static_cast<size_t>(kernels::kMaxBatchRank)) return RunFallback(s);
    Shape out_shape = batch;
    out_shape.push_back(sq);
    out_shape.push_back(dv);
    BRAID_ASSIGN_OR_RETURN(Tensor y, s.Allocate(q->dtype(), out_shape));
    kernels::AttentionArgs a{};
    a.type = ToElemType(q->dtype());
    a.sq = sq;
    a.sk = sk;
    a.d = d;
    a.dv = dv;
    a.q = q->raw_data();
    a.q_stride_s = d;
    a.q_stride_d = 1;
    a.k = k->raw_data();
    a.k_stride_s = k_transposed_ ? d : 1;
    a.k_stride_d = k_transposed_ ? 1 : sk;
    a.v = v->raw_data();
    a.v_stride_s = dv;
    a.v_stride_d = 1;
    a.out = y.raw_data();
    a.scale = scale_;
    a.batch_rank = static_cast<int>(batch.size());
    a.batch_count = Product(batch, 0, batch.size());
    const std::vector<int64_t> sqs = BroadcastStrides(qb, batch), sks = BroadcastStrides(kb, batch),
                               svs = BroadcastStrides(vb, batch);
    for (size_t i = 0; i < batch.size(); ++i) {
      a.batch_dims[i] = batch[i];
      a.q_batch_strides[i] = sqs[i] * sq * d;
      a.k_batch_strides[i] = sks[i] * sk * d;
      a.v_batch_strides[i] = svs[i] * sk * dv;
    }
    if (mask != nullptr) {
      Shape full = batch;
      full.push_back(sq);
      full.push_back(sk);
      const std::vector<int64_t> ms = BroadcastStrides(mask->shape(), full);
      a.mask = mask->raw_data();
      a.mask_type = ToElemType(mask->dtype());
      for (size_t i = 0; i < batch.size(); ++i) a.mask_batch_strides[i] = ms[i];
      a.mask_stride_q = ms[batch.size()];
      a.mask_stride_k = ms[batch.size() + 1];
    }
    BRAID_RETURN_IF_ERROR(s.CheckLaunch(s.kernels().attention(a, s.launch_context()), "attention", step));
    s.slot(out_) = std::move(y);
    return absl::OkStatus();
  }

  // The score value the mask Add consumes (its other input is the mask).
  static const graph::Value* MaskedInput(const AttentionMatch& m) {
    return m.scale != nullptr ? m.scale->output(0) : m.qk->output(0);
  }

 private:
  bool Fits(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor* mask) const {
    if (q.rank() < 2 || k.rank() < 2 || v.rank() < 2) return false;
    if (k.dtype() != q.dtype() || v.dtype() != q.dtype()) return false;
    if (mask != nullptr && !IsGpuFloat(mask->dtype())) return false;
    const int64_t sk = k_transposed_ ? k.dim(k.rank() - 2) : k.dim(k.rank() - 1);
    const int64_t d = q.dim(q.rank() - 1);
    return sk >= 1 && sk <= kernels::kAttentionMaxKeys && d >= 1 && d <= kernels::kAttentionMaxHeadDim;
  }

  absl::Status RunFallback(RunState& s) const {
    for (const auto& step : fallback_) BRAID_RETURN_IF_ERROR(step->Run(s));
    return absl::OkStatus();
  }

  int q_, k_;
  bool k_transposed_;
  int v_, mask_, out_;
  float scale_;
  std::vector<std::unique_ptr<Step>> fallback_;
};

}  // namespace

std::vector<const graph::Node*> AttentionMatch::Nodes() const {
  std::vector<const graph::Node*> nodes;
  for (const graph::Node* n : {transpose, qk, scale, mask, softmax, pv}) {
    if (n != nullptr) nodes.push_back(n);
  }
  return nodes;
}

std::optional<AttentionMatch> MatchAttention(const graph::Node& pv,
                                             const std::function<bool(const graph::Node&)>& claimed) {
  if (!IsOp(&pv, "MatMul") || !pv.domain().empty()) return std::nullopt;
  AttentionMatch m;
  m.pv = &pv;
  m.softmax = InternalProducer(pv.input(0), claimed);
  if (!IsOp(m.softmax, "Softmax")) return std::nullopt;
  const int64_t rank = InputRank(*m.softmax, 0);
  const int64_t axis = m.softmax->GetInt("axis", m.softmax->opset() < 13 ? 1 : -1).value_or(0);
  if (!(axis == -1 || (rank >= 2 && axis == rank - 1))) return std::nullopt;
  const graph::Node* n = InternalProducer(m.softmax->input(0), claimed);
  if (IsOp(n, "Add")) {
    m.mask = n;
    // The scores come from whichever input is internal; the other is the mask.
    const graph::Node* a = InternalProducer(n->input(0), claimed);
    const graph::Node* b = InternalProducer(n->input(1), claimed);
    const bool a_ok = IsOp(a, "MatMul") || IsOp(a, "Mul") || IsOp(a, "Div");
    const bool b_ok = IsOp(b, "MatMul") || IsOp(b, "Mul") || IsOp(b, "Div");
    if (a_ok == b_ok) return std::nullopt;
    n = a_ok ? a : b;
  }
  if (IsOp(n, "Mul") || IsOp(n, "Div")) {
    // One internal input (the scores) and one constant scalar.
    const size_t constant_index = ConstantScalar(*n, 1).has_value() ? 1 : 0;
    if (!ConstantScalar(*n, constant_index).has_value()) return std::nullopt;
    if (IsOp(n, "Div") && constant_index != 1) return std::nullopt;
    m.scale = n;
    n = InternalProducer(n->input(1 - constant_index), claimed);
  }
  if (!IsOp(n, "MatMul")) return std::nullopt;
  m.qk = n;
  const graph::Node* t = InternalProducer(m.qk->input(1), claimed);
  if (IsOp(t, "Transpose")) {
    const int64_t trank = InputRank(*t, 0);
    std::vector<int64_t> perm = t->GetInts("perm", std::vector<int64_t>{}).value_or(std::vector<int64_t>{});
    bool swap = trank >= 2 && static_cast<int64_t>(perm.size()) == trank;
    for (int64_t i = 0; swap && i < trank; ++i) {
      const int64_t want = i == trank - 2 ? trank - 1 : (i == trank - 1 ? trank - 2 : i);
      swap = perm[i] == want;
    }
    if (swap) m.transpose = t;
  }
  for (const graph::Node* node : m.Nodes()) {
    if (!IsGpuFloat(OutputType(*node, 0))) return std::nullopt;
  }
  return m;
}

absl::StatusOr<std::unique_ptr<Step>> BuildAttentionStep(const AttentionMatch& m, SlotMap& slots) {
  float scale = 1.0f;
  if (m.scale != nullptr) {
    const size_t ci = ConstantScalar(*m.scale, 1).has_value() ? 1 : 0;
    const float c = *ConstantScalar(*m.scale, ci);
    scale = m.scale->op_type() == "Div" ? 1.0f / c : c;
  }
  std::vector<std::unique_ptr<Step>> fallback;
  for (const graph::Node* node : m.Nodes()) {
    if (IsElementwiseOp(*node)) {
      const graph::Node* one[] = {node};
      BRAID_ASSIGN_OR_RETURN(auto step, BuildElementwiseStep(one, slots));
      fallback.push_back(std::move(step));
    } else {
      const OpLowering* lowering = FindLowering(*node);
      if (lowering == nullptr) return Unsupported(*node, "no lowering");
      BRAID_ASSIGN_OR_RETURN(auto step, lowering->build(*node, slots));
      fallback.push_back(std::move(step));
    }
  }
  std::string name;
  for (const graph::Node* node : m.Nodes()) absl::StrAppend(&name, name.empty() ? "" : "+", node->name());
  return std::unique_ptr<Step>(
      new AttentionStep(absl::StrCat("node '", name, "' (fused attention)"), m, slots, scale, std::move(fallback)));
}

}  // namespace braid::backends::gpu
