// TfIdfVectorizer: counts the pool's n-grams (with skips) in each row of an
// int32/int64/string input and weights the counts (TF, IDF or TFIDF).
// The pool is stored as a trie over token ids; string pools map each
// distinct string to an id once, at creation.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {
namespace {

class TfIdfVectorizerKernel : public Kernel {
 public:
  enum class Mode { kTf, kIdf, kTfIdf };

  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<TfIdfVectorizerKernel>(new TfIdfVectorizerKernel());
    BRAID_ASSIGN_OR_RETURN(std::string mode, init.GetString("mode"));
    if (mode == "TF") {
      k->mode_ = Mode::kTf;
    } else if (mode == "IDF") {
      k->mode_ = Mode::kIdf;
    } else if (mode == "TFIDF") {
      k->mode_ = Mode::kTfIdf;
    } else {
      return init.Error(absl::StrCat("mode '", mode, "' is not TF, IDF or TFIDF"));
    }
    BRAID_ASSIGN_OR_RETURN(k->min_gram_, init.GetInt("min_gram_length"));
    BRAID_ASSIGN_OR_RETURN(k->max_gram_, init.GetInt("max_gram_length"));
    BRAID_ASSIGN_OR_RETURN(k->max_skip_, init.GetInt("max_skip_count"));
    if (k->min_gram_ < 1 || k->max_gram_ < k->min_gram_ || k->max_skip_ < 0) {
      return init.Error(absl::StrCat("need 1 <= min_gram_length (", k->min_gram_, ") <= max_gram_length (",
                                     k->max_gram_, ") and max_skip_count (", k->max_skip_, ") >= 0"));
    }
    BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> counts, init.GetInts("ngram_counts"));
    BRAID_ASSIGN_OR_RETURN(k->ngram_indexes_, init.GetInts("ngram_indexes"));
    BRAID_ASSIGN_OR_RETURN(k->weights_, init.GetFloats("weights", std::vector<float>{}));
    bool has_ints = init.node().HasAttribute("pool_int64s");
    bool has_strings = init.node().HasAttribute("pool_strings");
    if (has_ints == has_strings) return init.Error("exactly one of pool_int64s and pool_strings must be set");
    std::vector<int64_t> pool;
    if (has_ints) {
      BRAID_ASSIGN_OR_RETURN(pool, init.GetInts("pool_int64s"));
    } else {
      BRAID_ASSIGN_OR_RETURN(std::vector<std::string> strings, init.node().GetStrings("pool_strings"));
      k->strings_ = true;
      for (const std::string& s : strings) {
        auto [it, inserted] = k->vocabulary_.try_emplace(s, static_cast<int64_t>(k->vocabulary_.size()));
        pool.push_back(it->second);
      }
    }
    // Build the trie level by level; n-grams are numbered in pool order.
    k->nodes_.emplace_back();
    int64_t ngram = 0;
    int64_t pool_size = static_cast<int64_t>(pool.size());
    for (size_t level = 0; level < counts.size(); ++level) {
      int64_t n = static_cast<int64_t>(level) + 1;
      int64_t begin = counts[level];
      int64_t end = level + 1 < counts.size() ? counts[level + 1] : pool_size;
      if (begin < 0 || end < begin || end > pool_size || (end - begin) % n != 0) {
        return init.Error(absl::StrCat("ngram_counts entry ", level, " does not describe whole ", n,
                                       "-grams of the pool"));
      }
      for (int64_t p = begin; p < end; p += n, ++ngram) {
        int32_t node = 0;
        for (int64_t j = 0; j < n; ++j) {
          auto [it, inserted] = k->nodes_[node].children.try_emplace(pool[p + j], 0);
          if (inserted) {
            it->second = static_cast<int32_t>(k->nodes_.size());
            k->nodes_.emplace_back();
          }
          node = k->nodes_[node].children.at(pool[p + j]);
        }
        if (n >= k->min_gram_ && n <= k->max_gram_) k->nodes_[node].ngram = ngram;
      }
    }
    if (ngram != static_cast<int64_t>(k->ngram_indexes_.size())) {
      return init.Error(absl::StrCat("the pool holds ", ngram, " n-grams but ngram_indexes has ",
                                     k->ngram_indexes_.size(), " entries"));
    }
    if (!k->weights_.empty() && k->weights_.size() != k->ngram_indexes_.size()) {
      return init.Error("weights must have one entry per n-gram");
    }
    k->output_size_ = 0;
    for (int64_t idx : k->ngram_indexes_) {
      if (idx < 0) return init.Error("ngram_indexes entries must be non-negative");
      k->output_size_ = std::max(k->output_size_, idx + 1);
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    bool ok_type = strings_ ? x->dtype() == DataType::kString
                            : (x->dtype() == DataType::kInt32 || x->dtype() == DataType::kInt64);
    if (!ok_type) {
      return ctx.Error(absl::StrCat("input is ", DataTypeName(x->dtype()), "; the pool needs ",
                                    strings_ ? "string" : "int32 or int64", " input"));
    }
    if (x->rank() != 1 && x->rank() != 2) return ctx.Error("input must be 1-D [C] or 2-D [N, C]");
    int64_t rows = x->rank() == 2 ? x->dim(0) : 1;
    int64_t cols = x->rank() == 2 ? x->dim(1) : x->dim(0);
    Shape out_shape = x->rank() == 2 ? Shape{rows, output_size_} : Shape{output_size_};
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, DataType::kFloat32, out_shape));
    float* y = out->data<float>();
    double cost = static_cast<double>(cols * (max_skip_ + 1) * max_gram_ * 8 + output_size_);
    ctx.ParallelFor(rows, cost, [&](int64_t begin, int64_t end) {
      std::vector<int64_t> tokens(cols);
      std::vector<int64_t> counts(ngram_indexes_.size());
      for (int64_t r = begin; r < end; ++r) {
        Tokens(*x, r * cols, cols, tokens);
        std::fill(counts.begin(), counts.end(), 0);
        Count(tokens, counts);
        float* row = y + r * output_size_;
        std::fill(row, row + output_size_, 0.0f);
        for (size_t i = 0; i < counts.size(); ++i) {
          float w = weights_.empty() ? 1.0f : weights_[i];
          float v = mode_ == Mode::kTf    ? static_cast<float>(counts[i])
                    : mode_ == Mode::kIdf ? (counts[i] > 0 ? w : 0.0f)
                                          : static_cast<float>(counts[i]) * w;
          if (counts[i] > 0) row[ngram_indexes_[i]] = v;
        }
      }
    });
    return absl::OkStatus();
  }

 private:
  struct TrieNode {
    absl::flat_hash_map<int64_t, int32_t> children;
    int64_t ngram = -1;  // n-gram number ending here (within [min, max] length), or -1
  };

  TfIdfVectorizerKernel() = default;

  void Tokens(const Tensor& x, int64_t offset, int64_t count, std::vector<int64_t>& tokens) const {
    for (int64_t i = 0; i < count; ++i) {
      if (strings_) {
        auto it = vocabulary_.find(x.data<std::string>()[offset + i]);
        tokens[i] = it == vocabulary_.end() ? -1 : it->second;
      } else if (x.dtype() == DataType::kInt64) {
        tokens[i] = x.data<int64_t>()[offset + i];
      } else {
        tokens[i] = x.data<int32_t>()[offset + i];
      }
    }
  }

  // Unigrams are counted once per position; longer n-grams once per skip.
  void Count(const std::vector<int64_t>& tokens, std::vector<int64_t>& counts) const {
    int64_t c = static_cast<int64_t>(tokens.size());
    for (int64_t start = 0; start < c; ++start) {
      for (int64_t skip = 0; skip <= max_skip_; ++skip) {
        int64_t dist = skip + 1;
        int32_t node = 0;
        for (int64_t n = 1; n <= max_gram_; ++n) {
          int64_t pos = start + (n - 1) * dist;
          if (pos >= c) break;
          auto it = nodes_[node].children.find(tokens[pos]);
          if (it == nodes_[node].children.end()) break;
          node = it->second;
          if (n == 1 && skip > 0) continue;
          if (nodes_[node].ngram >= 0) ++counts[nodes_[node].ngram];
        }
        if (max_gram_ == 1) break;
      }
    }
  }

  Mode mode_ = Mode::kTf;
  int64_t min_gram_ = 1, max_gram_ = 1, max_skip_ = 0;
  std::vector<int64_t> ngram_indexes_;
  std::vector<float> weights_;
  bool strings_ = false;
  absl::flat_hash_map<std::string, int64_t> vocabulary_;
  std::vector<TrieNode> nodes_;
  int64_t output_size_ = 0;
};

}  // namespace

void RegisterTfIdfVectorizerKernel(KernelRegistry& registry) {
  registry.Add("TfIdfVectorizer", 9, INT_MAX, FactoryOf<TfIdfVectorizerKernel>());
}

}  // namespace braid::backends::cpu
