// Einsum: parses the equation (explicit "->" or implicit output, "..."
// broadcasting, repeated labels within an operand for diagonals). Two
// operands are contracted as a batched matrix product; other operand counts
// are evaluated as a strided sum of products (each output element sums, over
// the contracted labels, the product of the operands' elements).
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

// dst[t] = convert(src[offset(t)]) where t walks `dims` row-major and the
// source offset advances by `strides` (0 for broadcast labels).
template <typename S, typename D, typename Convert>
void GatherStrided(const KernelContext& ctx, const S* src, const std::vector<int64_t>& dims,
                   const std::vector<int64_t>& strides, D* dst, Convert convert) {
  int64_t total = 1;
  for (int64_t d : dims) total *= d;
  const size_t rank = dims.size();
  ctx.ParallelFor(total, 2.0, [&](int64_t begin, int64_t end) {
    std::vector<int64_t> idx(rank);
    int64_t off = 0, rem = begin;
    for (size_t d = rank; d-- > 0;) {
      idx[d] = rem % dims[d];
      rem /= dims[d];
      off += idx[d] * strides[d];
    }
    for (int64_t t = begin; t < end; ++t) {
      dst[t] = convert(src[off]);
      for (size_t d = rank; d-- > 0;) {
        off += strides[d];
        if (++idx[d] < dims[d]) break;
        off -= idx[d] * strides[d];
        idx[d] = 0;
      }
    }
  });
}

// Resolved equation: label sizes, per-operand label strides, output and
// summed labels.
struct EinsumPlan {
  std::array<int64_t, kMaxLabels> size;
  std::vector<std::array<int64_t, kMaxLabels>> stride;
  std::vector<int> out_labels;
  std::vector<int> sum_labels;
};

// Two operands as a batched matrix product: output labels present in both
// operands are batch dims, those in one operand only are rows (first) or
// columns (second), summed labels are the inner dim. Operands are packed to
// [batch, M, K] and [batch, K, N]; the product is then reordered into the
// output.
template <typename T>
void ContractPair(const KernelContext& ctx, const EinsumPlan& p, const T* a, const T* b, T* y) {
  using C = ComputeType<T>;
  std::vector<int> batch, rows, cols;
  for (int l : p.out_labels) {
    const bool in_a = p.stride[0][l] != 0, in_b = p.stride[1][l] != 0;
    if (in_a && !in_b) {
      rows.push_back(l);
    } else if (in_b && !in_a) {
      cols.push_back(l);
    } else {
      batch.push_back(l);
    }
  }
  auto product = [&](const std::vector<int>& labels) {
    int64_t n = 1;
    for (int l : labels) n *= p.size[l];
    return n;
  };
  const int64_t nb = product(batch), m = product(rows), n = product(cols), k = product(p.sum_labels);
  auto pack = [&](const T* src, int operand, const std::vector<int>& first, const std::vector<int>& second,
                  const std::vector<int>& third, std::vector<C>& dst) {
    std::vector<int64_t> dims, strides;
    for (const auto* group : {&first, &second, &third}) {
      for (int l : *group) {
        dims.push_back(p.size[l]);
        strides.push_back(p.stride[operand][l]);
      }
    }
    dst.resize(static_cast<size_t>(nb * product(second) * product(third)));
    GatherStrided(ctx, src, dims, strides, dst.data(), [](T v) { return CastTo<C>(v); });
  };
  std::vector<C> pa, pb, pc(static_cast<size_t>(nb * m * n));
  pack(a, 0, batch, rows, p.sum_labels, pa);
  pack(b, 1, batch, p.sum_labels, cols, pb);
  ctx.ParallelFor(nb * m, 2.0 * static_cast<double>(k * n) + 1, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      C* c = pc.data() + r * n;
      const C* ar = pa.data() + r * k;
      const C* bm = pb.data() + (r / m) * k * n;
      for (int64_t j = 0; j < n; ++j) c[j] = C{0};
      for (int64_t q = 0; q < k; ++q) {
        const C av = ar[q];
        const C* br = bm + q * n;
        for (int64_t j = 0; j < n; ++j) c[j] += av * br[j];
      }
    }
  });
  // Strides of each output label inside the [batch, rows, cols] product.
  std::array<int64_t, kMaxLabels> cstride{};
  int64_t st = 1;
  for (const auto* group : {&cols, &rows, &batch}) {
    for (size_t i = group->size(); i-- > 0;) {
      cstride[(*group)[i]] = st;
      st *= p.size[(*group)[i]];
    }
  }
  std::vector<int64_t> dims, strides;
  for (int l : p.out_labels) {
    dims.push_back(p.size[l]);
    strides.push_back(p.size[l] == 1 ? 0 : cstride[l]);
  }
  GatherStrided(ctx, pc.data(), dims, strides, y, [](C v) { return CastTo<T>(v); });
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
  if (num == 2 && y->num_elements() > 0) {
    const EinsumPlan plan{size, stride, out_labels, sum_labels};
    return WithNode(ctx, DispatchNumeric(in[0]->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      ContractPair<T>(ctx, plan, in[0]->data<T>(), in[1]->data<T>(), y->data<T>());
      return absl::OkStatus();
    }));
  }
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
