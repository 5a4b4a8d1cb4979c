// Cast and CastLike between all element types, strings included.
//  - float -> integer truncates toward zero; NaN and out-of-range values
//    give the integer minimum (what x86 conversions produce, as numpy does).
//  - numbers -> string use the shortest text that reads back to the same
//    value, formatted like numpy's str(): positional for 1e-4 <= |x| < 1e16
//    ("0.5", "3.0"), scientific otherwise ("1e-05"); "nan", "inf", "-inf".
//    bool -> "True"/"False".
//  - string -> numbers parse decimal or scientific text, "inf"/"INF",
//    "+INF", "-inf", "nan"/"NaN"; bool accepts "true"/"false" (any case)
//    or a number. Unparsable text is an error naming the string.
//  - float -> bfloat16 truncates the low mantissa bits before opset 19 (the
//    behaviour the ONNX reference defines for those versions) and rounds to
//    nearest even from opset 19 on.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/math/math_util.h"

namespace braid::backends::cpu {
namespace {

template <typename T>
constexpr bool kIsHalf = std::is_same_v<T, Float16> || std::is_same_v<T, BFloat16>;
template <typename T>
constexpr bool kIsFloat = std::is_floating_point_v<T> || kIsHalf<T>;

template <typename To>
To FloatToInt(double v) {
  if constexpr (std::is_same_v<To, uint64_t>) {
    if (v >= 9223372036854775808.0 && v < 18446744073709551616.0) return static_cast<uint64_t>(v);
  }
  const bool in_range = v >= -9223372036854775808.0 && v < 9223372036854775808.0;  // false for NaN
  int64_t i = in_range ? static_cast<int64_t>(v) : std::numeric_limits<int64_t>::min();
  if constexpr (sizeof(To) <= 4 && !std::is_same_v<To, uint32_t>) {
    // 32-bit conversions report overflow as INT32_MIN; narrower types wrap from there.
    if (i < std::numeric_limits<int32_t>::min() || i > std::numeric_limits<int32_t>::max()) {
      i = std::numeric_limits<int32_t>::min();
    }
  }
  return static_cast<To>(i);
}

// numpy-style str() of a float given its shortest scientific digits.
std::string FormatShortest(const char* sci) {
  std::string s(sci);
  const bool neg = s[0] == '-';
  if (neg) s.erase(0, 1);
  const size_t e = s.find('e');
  std::string mant = s.substr(0, e);
  const int exp = std::atoi(s.c_str() + e + 1);
  std::string digits;
  for (char c : mant) {
    if (c != '.') digits.push_back(c);
  }
  std::string out;
  if (exp < -4 || exp >= 16) {
    out = s;
  } else if (exp < 0) {
    out = "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  } else if (static_cast<int>(digits.size()) <= exp + 1) {
    out = digits + std::string(static_cast<size_t>(exp + 1 - static_cast<int>(digits.size())), '0') + ".0";
  } else {
    out = digits.substr(0, exp + 1) + "." + digits.substr(exp + 1);
  }
  return neg ? "-" + out : out;
}

template <typename T>
std::string ToText(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return v;
  } else if constexpr (std::is_same_v<T, bool>) {
    return v ? "True" : "False";
  } else if constexpr (std::is_integral_v<T>) {
    return std::to_string(v);
  } else {
    const double d = CastTo<double>(v);
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    char buf[64];
    std::to_chars_result r;
    if constexpr (std::is_same_v<T, double>) {
      r = std::to_chars(buf, buf + sizeof(buf) - 1, d, std::chars_format::scientific);
    } else if constexpr (std::is_same_v<T, float>) {
      r = std::to_chars(buf, buf + sizeof(buf) - 1, v, std::chars_format::scientific);
    } else {
      // 16-bit floats: fewest significant digits that read back to the same value.
      const float f = static_cast<float>(v);
      for (int p = 0; p < 9; ++p) {
        r = std::to_chars(buf, buf + sizeof(buf) - 1, f, std::chars_format::scientific, p);
        *r.ptr = '\0';
        if (T(std::strtof(buf, nullptr)).bits == v.bits) break;
      }
    }
    *r.ptr = '\0';
    return FormatShortest(buf);
  }
}

// Parses `s` as T; false when the text is not a number of that kind.
template <typename T>
bool FromText(const std::string& s, T& out) {
  const char* begin = s.c_str();
  char* end = nullptr;
  auto rest_is_blank = [&]() {
    while (*end == ' ' || *end == '\t' || *end == '\n') ++end;
    return end != begin && *end == '\0';
  };
  if constexpr (std::is_same_v<T, bool>) {
    std::string lower = absl::AsciiStrToLower(s);
    if (lower == "true") { out = true; return true; }
    if (lower == "false") { out = false; return true; }
    double d = std::strtod(begin, &end);
    if (!rest_is_blank()) return false;
    out = d != 0;
    return true;
  } else if constexpr (std::is_integral_v<T>) {
    errno = 0;
    if constexpr (std::is_signed_v<T>) {
      long long v = std::strtoll(begin, &end, 10);
      if (rest_is_blank() && errno == 0) {
        out = static_cast<T>(v);
        return true;
      }
    } else {
      unsigned long long v = std::strtoull(begin, &end, 10);
      if (rest_is_blank() && errno == 0) {
        out = static_cast<T>(v);
        return true;
      }
    }
    double d = std::strtod(begin, &end);
    if (!rest_is_blank()) return false;
    out = FloatToInt<T>(d);
    return true;
  } else if constexpr (std::is_same_v<T, float> || kIsHalf<T>) {
    float f = std::strtof(begin, &end);
    if (!rest_is_blank()) return false;
    out = CastTo<T>(f);
    return true;
  } else {
    double d = std::strtod(begin, &end);
    if (!rest_is_blank()) return false;
    out = d;
    return true;
  }
}

template <typename To, typename From>
To Convert(const From& v, bool truncate_bf16) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<To, std::string>) {
    return ToText(v);
  } else if constexpr (std::is_same_v<To, bool>) {
    if constexpr (kIsHalf<From>) return static_cast<float>(v) != 0.0f;
    return v != From{0};
  } else if constexpr (std::is_same_v<From, bool>) {
    return CastTo<To>(v ? 1.0f : 0.0f);
  } else if constexpr (std::is_integral_v<To> && kIsFloat<From>) {
    return FloatToInt<To>(CastTo<double>(v));
  } else if constexpr (std::is_same_v<To, BFloat16>) {
    const float f = CastTo<float>(v);
    if (truncate_bf16) {
      if (f != f) return BFloat16::FromBits(0x7fc0);
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof(bits));
      return BFloat16::FromBits(static_cast<uint16_t>(bits >> 16));
    }
    return BFloat16(f);
  } else if constexpr (std::is_same_v<To, Float16> && std::is_same_v<From, double>) {
    return Float16(static_cast<float>(v));
  } else {
    return CastTo<To>(v);
  }
}

absl::Status ConvertTensor(KernelContext& ctx, const Tensor& x, DataType to, bool truncate_bf16) {
  if (to == x.dtype()) {
    ctx.SetOutput(0, ctx.input_value(0));
    return absl::OkStatus();
  }
  BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, to, x.shape()));
  const int64_t n = x.num_elements();
  return WithNode(ctx, DispatchAll(x.dtype(), [&](auto from_tag) -> absl::Status {
    using From = decltype(from_tag);
    return DispatchAll(to, [&](auto to_tag) -> absl::Status {
      using To = decltype(to_tag);
      const From* src = x.data<From>();
      To* dst = y->data<To>();
      if constexpr (std::is_same_v<From, std::string> && !std::is_same_v<To, std::string>) {
        for (int64_t i = 0; i < n; ++i) {
          if (!FromText<To>(src[i], dst[i])) {
            return absl::InvalidArgumentError(
                absl::StrCat("cannot parse '", src[i], "' as ", DataTypeName(to)));
          }
        }
      } else {
        const double cost = std::is_same_v<To, std::string> ? 200.0 : 1.0;
        ParallelMap(ctx, src, dst, n, [truncate_bf16](const From& v) { return Convert<To, From>(v, truncate_bf16); },
                    cost);
      }
      return absl::OkStatus();
    });
  }));
}

bool SupportedTarget(int64_t to) {
  if (!IsKnownDataType(static_cast<int32_t>(to))) return false;
  DataType t = static_cast<DataType>(to);
  return t != DataType::kUndefined && t != DataType::kComplex64 && t != DataType::kComplex128;
}

class CastKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<CastKernel>();
    k->truncate_bf16_ = init.opset() < 19;
    if (init.opset() < 6) {
      // Opset 1 names the target type as a string ("FLOAT", "INT64", ...).
      auto name = init.GetString("to");
      if (name.ok()) {
        auto t = DataTypeFromName(absl::AsciiStrToLower(*name));
        if (!t.has_value()) return init.Error(absl::StrCat("unknown target type '", *name, "'"));
        k->to_ = *t;
        return std::unique_ptr<Kernel>(std::move(k));
      }
    }
    BRAID_ASSIGN_OR_RETURN(int64_t to, init.GetInt("to"));
    if (!SupportedTarget(to)) return init.Error(absl::StrCat("unsupported target type ", to));
    k->to_ = static_cast<DataType>(to);
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    return ConvertTensor(ctx, *x, to_, truncate_bf16_);
  }

 private:
  DataType to_ = DataType::kFloat32;
  bool truncate_bf16_ = true;
};

class CastLikeKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<CastLikeKernel>();
    k->truncate_bf16_ = init.opset() < 19;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* like, ctx.RequireTensor(1));
    return ConvertTensor(ctx, *x, like->dtype(), truncate_bf16_);
  }

 private:
  bool truncate_bf16_ = true;
};

}  // namespace

void RegisterCastKernels(KernelRegistry& r) {
  r.Add("Cast", FactoryOf<CastKernel>());
  r.Add("CastLike", FactoryOf<CastLikeKernel>());
}

}  // namespace braid::backends::cpu
