// StringNormalizer: removes stop words, then lower-/upper-cases what is left
// (UTF-8 text, case mapping by the requested locale; en_US.UTF-8 by default).
#include <locale>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "backends/cpu/kernel_registry.h"

namespace braid::backends::cpu {
namespace {

// Decodes UTF-8 into code points; false on malformed input.
bool DecodeUtf8(const std::string& s, std::wstring& out) {
  out.clear();
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    int extra;
    if (c < 0x80) {
      extra = 0;
    } else if ((c >> 5) == 0x6) {
      extra = 1;
    } else if ((c >> 4) == 0xE) {
      extra = 2;
    } else if ((c >> 3) == 0x1E) {
      extra = 3;
    } else {
      return false;
    }
    if (i + static_cast<size_t>(extra) >= s.size()) return false;
    char32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    out.push_back(static_cast<wchar_t>(cp));
    i += static_cast<size_t>(extra) + 1;
  }
  return true;
}

void EncodeUtf8(const std::wstring& w, std::string& out) {
  out.clear();
  for (wchar_t wc : w) {
    auto cp = static_cast<uint32_t>(wc);
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
}

class StringNormalizerKernel : public Kernel {
 public:
  enum class Action { kNone, kLower, kUpper };

  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<StringNormalizerKernel>(new StringNormalizerKernel());
    BRAID_ASSIGN_OR_RETURN(std::string action, init.GetString("case_change_action", "NONE"));
    if (action == "NONE") {
      k->action_ = Action::kNone;
    } else if (action == "LOWER") {
      k->action_ = Action::kLower;
    } else if (action == "UPPER") {
      k->action_ = Action::kUpper;
    } else {
      return init.Error(absl::StrCat("case_change_action '", action, "' is not NONE, LOWER or UPPER"));
    }
    BRAID_ASSIGN_OR_RETURN(int64_t sensitive, init.GetInt("is_case_sensitive", 0));
    k->case_sensitive_ = sensitive != 0;
    BRAID_ASSIGN_OR_RETURN(std::string locale, init.GetString("locale", ""));
    std::vector<std::string> candidates;
    if (!locale.empty()) {
      candidates.push_back(locale);
      candidates.push_back(locale + ".UTF-8");
    } else {
      candidates = {"en_US.UTF-8", "C.UTF-8"};
    }
    bool found = false;
    for (const std::string& name : candidates) {
      try {
        k->locale_ = std::locale(name.c_str());
        found = true;
        break;
      } catch (const std::runtime_error&) {
      }
    }
    if (!found) {
      return init.Error(absl::StrCat("locale '", locale.empty() ? candidates[0] : locale,
                                     "' is not available on this system (install locales-all)"));
    }
    k->ctype_ = &std::use_facet<std::ctype<wchar_t>>(k->locale_);
    BRAID_ASSIGN_OR_RETURN(std::vector<std::string> stopwords,
                           init.node().GetStrings("stopwords", std::vector<std::string>{}));
    for (const std::string& w : stopwords) {
      if (k->case_sensitive_) {
        k->stopwords_.insert(w);
      } else {
        std::string lowered;
        if (!k->Convert(w, /*upper=*/false, lowered)) return init.Error("a stop word is not valid UTF-8");
        k->stopwords_.insert(lowered);
      }
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    if (x->dtype() != DataType::kString) return ctx.Error("input must be a string tensor");
    bool two_dim = x->rank() == 2;
    if (!(x->rank() == 1 || (two_dim && x->dim(0) == 1))) {
      return ctx.Error(absl::StrCat("input must have shape [C] or [1, C], got ", ShapeToString(x->shape())));
    }
    const std::string* in = x->data<std::string>();
    std::vector<std::string> kept;
    std::string scratch;
    for (int64_t i = 0; i < x->num_elements(); ++i) {
      if (!stopwords_.empty()) {
        const std::string* key = &in[i];
        if (!case_sensitive_) {
          if (!Convert(in[i], /*upper=*/false, scratch)) return ctx.Error(absl::StrCat("element ", i, " is not UTF-8"));
          key = &scratch;
        }
        if (stopwords_.contains(*key)) continue;
      }
      if (action_ == Action::kNone) {
        kept.push_back(in[i]);
      } else {
        std::string converted;
        if (!Convert(in[i], action_ == Action::kUpper, converted)) {
          return ctx.Error(absl::StrCat("element ", i, " is not valid UTF-8"));
        }
        kept.push_back(std::move(converted));
      }
    }
    if (kept.empty()) kept.emplace_back();  // all dropped: one empty string
    int64_t c = static_cast<int64_t>(kept.size());
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, DataType::kString, two_dim ? Shape{1, c} : Shape{c}));
    std::string* o = out->data<std::string>();
    for (int64_t i = 0; i < c; ++i) o[i] = std::move(kept[i]);
    return absl::OkStatus();
  }

 private:
  StringNormalizerKernel() = default;

  bool Convert(const std::string& s, bool upper, std::string& out) const {
    std::wstring w;
    if (!DecodeUtf8(s, w)) return false;
    if (upper) {
      ctype_->toupper(w.data(), w.data() + w.size());
    } else {
      ctype_->tolower(w.data(), w.data() + w.size());
    }
    EncodeUtf8(w, out);
    return true;
  }

  Action action_ = Action::kNone;
  bool case_sensitive_ = false;
  std::locale locale_;
  const std::ctype<wchar_t>* ctype_ = nullptr;
  absl::flat_hash_set<std::string> stopwords_;
};

}  // namespace

void RegisterStringNormalizerKernel(KernelRegistry& registry) {
  registry.Add("StringNormalizer", 10, INT_MAX, FactoryOf<StringNormalizerKernel>());
}

}  // namespace braid::backends::cpu
