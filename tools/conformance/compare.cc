#include "tools/conformance/compare.h"

#include <cmath>
#include <complex>

#include "absl/strings/str_cat.h"
#include "backends/cpu/dispatch.h"

namespace braid::tools {
namespace {

std::string CompareTensors(const Tensor& a, const Tensor& e, double rtol, double atol) {
  if (a.dtype() != e.dtype()) {
    return absl::StrCat("element type ", DataTypeName(a.dtype()), ", expected ", DataTypeName(e.dtype()));
  }
  if (a.shape() != e.shape()) {
    return absl::StrCat("shape ", ShapeToString(a.shape()), ", expected ", ShapeToString(e.shape()));
  }
  std::string reason;
  int64_t mismatches = 0;
  auto note = [&](int64_t i, const std::string& got, const std::string& want) {
    if (mismatches++ == 0) reason = absl::StrCat("element ", i, " is ", got, ", expected ", want);
  };
  auto close = [&](double x, double y) {
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
    if (std::isinf(x) || std::isinf(y)) return x == y;
    return std::abs(x - y) <= atol + rtol * std::abs(y);
  };
  absl::Status st = backends::cpu::DispatchAll(a.dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    const T* pa = a.data<T>();
    const T* pe = e.data<T>();
    for (int64_t i = 0; i < a.num_elements(); ++i) {
      if constexpr (std::is_same_v<T, std::string>) {
        if (pa[i] != pe[i]) note(i, absl::StrCat("\"", pa[i], "\""), absl::StrCat("\"", pe[i], "\""));
      } else if constexpr (std::is_integral_v<T>) {
        if (pa[i] != pe[i]) note(i, absl::StrCat(static_cast<int64_t>(pa[i])), absl::StrCat(static_cast<int64_t>(pe[i])));
      } else {
        double x = static_cast<double>(backends::cpu::CastTo<double>(pa[i]));
        double y = static_cast<double>(backends::cpu::CastTo<double>(pe[i]));
        if (!close(x, y)) note(i, absl::StrCat(x), absl::StrCat(y));
      }
    }
    return absl::OkStatus();
  });
  if (!st.ok()) {
    if (a.dtype() == DataType::kComplex64 || a.dtype() == DataType::kComplex128) {
      bool single = a.dtype() == DataType::kComplex64;
      int64_t n = a.num_elements() * 2;
      for (int64_t i = 0; i < n; ++i) {
        double x = single ? a.data<float>()[i] : a.data<double>()[i];
        double y = single ? e.data<float>()[i] : e.data<double>()[i];
        if (!close(x, y)) note(i / 2, absl::StrCat(x), absl::StrCat(y));
      }
    } else {
      return std::string(st.message());
    }
  }
  if (mismatches > 0) absl::StrAppend(&reason, " (", mismatches, " of ", a.num_elements(), " elements differ)");
  return reason;
}

}  // namespace

std::string CompareValues(const Value& actual, const Value& expected, double rtol, double atol) {
  if (actual.kind() != expected.kind()) {
    return absl::StrCat("got ", actual.DebugString(), ", expected ", expected.DebugString());
  }
  if (actual.is_tensor()) return CompareTensors(actual.tensor(), expected.tensor(), rtol, atol);
  if (actual.is_sequence()) {
    if (actual.sequence().size() != expected.sequence().size()) {
      return absl::StrCat("sequence of ", actual.sequence().size(), " tensors, expected ", expected.sequence().size());
    }
    for (size_t i = 0; i < actual.sequence().size(); ++i) {
      std::string r = CompareTensors(actual.sequence()[i], expected.sequence()[i], rtol, atol);
      if (!r.empty()) return absl::StrCat("sequence item ", i, ": ", r);
    }
  }
  return "";
}

}  // namespace braid::tools
