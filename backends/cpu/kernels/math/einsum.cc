// Einsum: parses the equation (explicit "->" or implicit output, "..."
// broadcasting, repeated labels within an operand for diagonals) and
// evaluates it as a strided sum of products: each output element sums, over
// the contracted labels, the product of the operands' elements.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/math/math_util.h"

namespace braid::backends::cpu {
namespace {

constexpr int kLetters = 52;     // a-z -> 0..25, A-Z -> 26..51
constexpr int kEllipsis = -1;    // marker inside a parsed term
constexpr int kMaxLabels = kLetters + 16;  // letters, then up to 16 ellipsis dims

int LabelOf(char c) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= 'A' && c <= 'Z') return 26 + (c - 'A');
  return -2;
}

absl::StatusOr<std::vector<int>> ParseTerm(const std::string& term) {
  std::vector<int> labels;
  bool ellipsis = false;
  for (size_t i = 0; i < term.size(); ++i) {
    if (term.compare(i, 3, "...") == 0) {
      if (ellipsis) return absl::InvalidArgumentError(absl::StrCat("term '", term, "' has more than one ellipsis"));
      ellipsis = true;
      labels.push_back(kEllipsis);
      i += 2;
      continue;
    }
    int l = LabelOf(term[i]);
    if (l < 0) return absl::InvalidArgumentError(absl::StrCat("invalid character '", std::string(1, term[i]), "' in term '", term, "'"));
    labels.push_back(l);
  }
  return labels;
}

class EinsumKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<EinsumKernel>();
    BRAID_ASSIGN_OR_RETURN(std::string eq, init.GetString("equation"));
    eq.erase(std::remove_if(eq.begin(), eq.end(), [](char c) { return c == ' ' || c == '\t'; }), eq.end());
    std::string lhs = eq, rhs;
    const size_t arrow = eq.find("->");
    k->explicit_output_ = arrow != std::string::npos;
    if (k->explicit_output_) {
      lhs = eq.substr(0, arrow);
      rhs = eq.substr(arrow + 2);
    }
    size_t start = 0;
    while (true) {
      size_t comma = lhs.find(',', start);
      auto term = ParseTerm(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (!term.ok()) return init.Error(std::string(term.status().message()));
      k->inputs_.push_back(std::move(*term));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (k->explicit_output_) {
      auto term = ParseTerm(rhs);
      if (!term.ok()) return init.Error(std::string(term.status().message()));
      k->output_ = std::move(*term);
    }
    if (static_cast<int>(k->inputs_.size()) != init.num_inputs()) {
      return init.Error(absl::StrCat("equation has ", k->inputs_.size(), " operands, node has ", init.num_inputs(),
                                     " inputs"));
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override;

 private:
  bool explicit_output_ = false;
  std::vector<std::vector<int>> inputs_;
  std::vector<int> output_;
};

absl::Status EinsumKernel::Compute(KernelContext& ctx) const {
  const int num = static_cast<int>(inputs_.size());
  std::vector<const Tensor*> in(num);
  for (int k = 0; k < num; ++k) {
    BRAID_ASSIGN_OR_RETURN(in[k], ctx.RequireTensor(k));
    if (in[k]->dtype() != in[0]->dtype()) return ctx.Error("all operands must have the same type");
  }
  // Expand ellipses into labels kLetters.. (right-aligned across operands).
  int ellipsis_rank = 0;
  std::vector<std::vector<int>> terms(num);
  for (int k = 0; k < num; ++k) {
    const int letters = static_cast<int>(std::count_if(inputs_[k].begin(), inputs_[k].end(), [](int l) { return l >= 0; }));
    const bool has_ellipsis = letters != static_cast<int>(inputs_[k].size());
    const int rank = static_cast<int>(in[k]->rank());
    if (has_ellipsis ? rank < letters : rank != letters) {
      return ctx.Error(absl::StrCat("operand ", k, " has rank ", rank, " but its term has ", letters, " labels"));
    }
    const int e = has_ellipsis ? rank - letters : 0;
    if (e > kMaxLabels - kLetters) return ctx.Error("too many dims under the ellipsis");
    ellipsis_rank = std::max(ellipsis_rank, e);
  }
  for (int k = 0; k < num; ++k) {
    const int e = static_cast<int>(in[k]->rank()) -
                  static_cast<int>(std::count_if(inputs_[k].begin(), inputs_[k].end(), [](int l) { return l >= 0; }));
    for (int l : inputs_[k]) {
      if (l != kEllipsis) {
        terms[k].push_back(l);
      } else {
        for (int j = 0; j < e; ++j) terms[k].push_back(kLetters + ellipsis_rank - e + j);
      }
    }
  }
  // Label sizes (1 broadcasts).
  std::array<int64_t, kMaxLabels> size;
  size.fill(-1);
  std::array<int, kMaxLabels> count{};
  for (int k = 0; k < num; ++k) {
    for (size_t d = 0; d < terms[k].size(); ++d) {
      const int l = terms[k][d];
      const int64_t s = in[k]->dim(static_cast<int64_t>(d));
      ++count[l];
      if (size[l] == -1 || size[l] == 1) {
        size[l] = s;
      } else if (s != 1 && s != size[l]) {
        return ctx.Error(absl::StrCat("label dimension mismatch: ", size[l], " vs ", s, " in operand ", k));
      }
    }
  }
  std::vector<int> out_labels;
  if (explicit_output_) {
    for (int l : output_) {
      if (l == kEllipsis) {
        for (int j = 0; j < ellipsis_rank; ++j) out_labels.push_back(kLetters + j);
      } else {
        if (size[l] == -1) return ctx.Error("output label does not appear in any operand");
        if (std::find(out_labels.begin(), out_labels.end(), l) != out_labels.end()) {
          return ctx.Error("output label repeated");
        }
        out_labels.push_back(l);
      }
    }
  } else {
    for (int j = 0; j < ellipsis_rank; ++j) out_labels.push_back(kLetters + j);
    // Labels seen exactly once, in alphabetical (ASCII: upper case first) order.
    for (int l = 26; l < kLetters; ++l) if (count[l] == 1) out_labels.push_back(l);
    for (int l = 0; l < 26; ++l) if (count[l] == 1) out_labels.push_back(l);
  }
  std::vector<int> sum_labels;
  for (int l = 0; l < kMaxLabels; ++l) {
    if (size[l] >= 0 && std::find(out_labels.begin(), out_labels.end(), l) == out_labels.end()) sum_labels.push_back(l);
  }
  // Per-operand stride of every label (repeated labels add up: diagonals).
  std::vector<std::array<int64_t, kMaxLabels>> stride(num);
  for (int k = 0; k < num; ++k) {
    stride[k].fill(0);
    int64_t st = 1;
    for (size_t d = terms[k].size(); d-- > 0;) {
      const int64_t dim = in[k]->dim(static_cast<int64_t>(d));
      if (dim != 1) stride[k][terms[k][d]] += st;
      st *= dim;
    }
  }
  Shape out_shape;
  for (int l : out_labels) out_shape.push_back(size[l]);
  int64_t sum_count = 1;
  for (int l : sum_labels) sum_count *= size[l];
  BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, in[0]->dtype(), out_shape));
  const int64_t total = y->num_elements();
  return WithNode(ctx, DispatchNumeric(in[0]->dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    using C = ComputeType<T>;
    std::vector<const T*> data(num);
    for (int k = 0; k < num; ++k) data[k] = in[k]->data<T>();
    T* py = y->data<T>();
    const int ns = static_cast<int>(sum_labels.size());
    // Innermost contracted label runs in a tight loop.
    const int64_t inner = ns ? size[sum_labels[ns - 1]] : 1;
    std::vector<int64_t> inner_stride(num, 0);
    for (int k = 0; k < num; ++k) inner_stride[k] = ns ? stride[k][sum_labels[ns - 1]] : 0;
    const int64_t outer_sum = inner ? sum_count / std::max<int64_t>(inner, 1) : 0;
    ctx.ParallelFor(total, static_cast<double>(num * sum_count + 1), [&](int64_t begin, int64_t end) {
      std::vector<int64_t> base(num), off(num), idx(std::max(ns - 1, 0));
      for (int64_t t = begin; t < end; ++t) {
        std::fill(base.begin(), base.end(), 0);
        int64_t rem = t;
        for (size_t d = out_labels.size(); d-- > 0;) {
          const int l = out_labels[d];
          const int64_t i = rem % size[l];
          rem /= size[l];
          for (int k = 0; k < num; ++k) base[k] += i * stride[k][l];
        }
        C acc{0};
        std::fill(idx.begin(), idx.end(), 0);
        for (int64_t s = 0; s < outer_sum; ++s) {
          for (int k = 0; k < num; ++k) off[k] = base[k];
          for (int d = 0; d < ns - 1; ++d) {
            for (int k = 0; k < num; ++k) off[k] += idx[d] * stride[k][sum_labels[d]];
          }
          if (num == 2) {
            const T* a = data[0] + off[0];
            const T* b = data[1] + off[1];
            const int64_t sa = inner_stride[0], sb = inner_stride[1];
            for (int64_t j = 0; j < inner; ++j) acc += CastTo<C>(a[j * sa]) * CastTo<C>(b[j * sb]);
          } else {
            for (int64_t j = 0; j < inner; ++j) {
              C p{1};
              for (int k = 0; k < num; ++k) p *= CastTo<C>(data[k][off[k] + j * inner_stride[k]]);
              acc += p;
            }
          }
          for (int d = ns - 2; d >= 0; --d) {
            if (++idx[d] < size[sum_labels[d]]) break;
            idx[d] = 0;
          }
        }
        py[t] = CastTo<T>(acc);
      }
    });
    return absl::OkStatus();
  }));
}

}  // namespace

void RegisterEinsumKernels(KernelRegistry& r) { r.Add("Einsum", FactoryOf<EinsumKernel>()); }

}  // namespace braid::backends::cpu
