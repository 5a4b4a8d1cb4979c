#include "backends/cpu/kernels/nn/conv_geometry.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace braid::backends::cpu {

absl::StatusOr<ConvAttrs> ConvAttrs::Parse(const KernelInit& init) {
  ConvAttrs a;
  BRAID_ASSIGN_OR_RETURN(std::string auto_pad, init.GetString("auto_pad", std::string("NOTSET")));
  if (auto_pad == "NOTSET" || auto_pad.empty()) {
    a.auto_pad = AutoPad::kNotSet;
  } else if (auto_pad == "SAME_UPPER") {
    a.auto_pad = AutoPad::kSameUpper;
  } else if (auto_pad == "SAME_LOWER") {
    a.auto_pad = AutoPad::kSameLower;
  } else if (auto_pad == "VALID") {
    a.auto_pad = AutoPad::kValid;
  } else {
    return init.Error(absl::StrCat("unknown auto_pad '", auto_pad, "'"));
  }
  BRAID_ASSIGN_OR_RETURN(a.kernel_shape, init.GetInts("kernel_shape", std::vector<int64_t>{}));
  BRAID_ASSIGN_OR_RETURN(a.strides, init.GetInts("strides", std::vector<int64_t>{}));
  BRAID_ASSIGN_OR_RETURN(a.dilations, init.GetInts("dilations", std::vector<int64_t>{}));
  BRAID_ASSIGN_OR_RETURN(a.pads, init.GetInts("pads", std::vector<int64_t>{}));
  BRAID_ASSIGN_OR_RETURN(a.group, init.GetInt("group", 1));
  for (int64_t v : a.kernel_shape) {
    if (v <= 0) return init.Error("kernel_shape entries must be positive");
  }
  for (int64_t v : a.strides) {
    if (v <= 0) return init.Error("strides must be positive");
  }
  for (int64_t v : a.dilations) {
    if (v <= 0) return init.Error("dilations must be positive");
  }
  for (int64_t v : a.pads) {
    if (v < 0) return init.Error("pads must be non-negative");
  }
  if (a.group <= 0) return init.Error("group must be positive");
  return a;
}

int64_t ConvGeometry::in_size() const {
  int64_t n = 1;
  for (int64_t v : in) n *= v;
  return n;
}
int64_t ConvGeometry::out_size() const {
  int64_t n = 1;
  for (int64_t v : out) n *= v;
  return n;
}
int64_t ConvGeometry::kernel_size() const {
  int64_t n = 1;
  for (int64_t v : kernel) n *= v;
  return n;
}

absl::StatusOr<ConvGeometry> MakeConvGeometry(const ConvAttrs& attrs, std::span<const int64_t> in_spatial,
                                              std::span<const int64_t> kernel, bool ceil_mode) {
  const size_t nd = in_spatial.size();
  if (kernel.size() != nd) {
    return absl::InvalidArgumentError(
        absl::StrCat("kernel has ", kernel.size(), " spatial dims but the input has ", nd));
  }
  auto check = [&](const std::vector<int64_t>& v, size_t want, const char* name) -> absl::Status {
    if (!v.empty() && v.size() != want) {
      return absl::InvalidArgumentError(absl::StrCat(name, " has ", v.size(), " entries, expected ", want));
    }
    return absl::OkStatus();
  };
  BRAID_RETURN_IF_ERROR(check(attrs.strides, nd, "strides"));
  BRAID_RETURN_IF_ERROR(check(attrs.dilations, nd, "dilations"));
  BRAID_RETURN_IF_ERROR(check(attrs.pads, 2 * nd, "pads"));
  ConvGeometry g;
  g.in.assign(in_spatial.begin(), in_spatial.end());
  g.kernel.assign(kernel.begin(), kernel.end());
  g.stride = attrs.strides.empty() ? std::vector<int64_t>(nd, 1) : attrs.strides;
  g.dilation = attrs.dilations.empty() ? std::vector<int64_t>(nd, 1) : attrs.dilations;
  g.pad_begin.assign(nd, 0);
  g.pad_end.assign(nd, 0);
  g.out.assign(nd, 0);
  for (size_t d = 0; d < nd; ++d) {
    if (g.kernel[d] <= 0) {
      return absl::InvalidArgumentError(absl::StrCat("kernel size ", g.kernel[d], " in spatial dim ", d, " is not positive"));
    }
    const int64_t ext = (g.kernel[d] - 1) * g.dilation[d] + 1;
    const int64_t in = g.in[d], s = g.stride[d];
    switch (attrs.auto_pad) {
      case AutoPad::kSameUpper:
      case AutoPad::kSameLower: {
        int64_t out = (in + s - 1) / s;
        int64_t total = std::max<int64_t>(0, (out - 1) * s + ext - in);
        int64_t small = total / 2;
        g.pad_begin[d] = attrs.auto_pad == AutoPad::kSameUpper ? small : total - small;
        g.pad_end[d] = total - g.pad_begin[d];
        g.out[d] = out;
        continue;
      }
      case AutoPad::kValid:
        break;
      case AutoPad::kNotSet:
        if (!attrs.pads.empty()) {
          g.pad_begin[d] = attrs.pads[d];
          g.pad_end[d] = attrs.pads[d + nd];
        }
        break;
    }
    const int64_t span = in + g.pad_begin[d] + g.pad_end[d] - ext;
    if (span < 0) {
      return absl::InvalidArgumentError(absl::StrCat("window of extent ", ext, " does not fit the padded input (",
                                                     in + g.pad_begin[d] + g.pad_end[d], ") in spatial dim ", d));
    }
    int64_t out = ceil_mode ? (span + s - 1) / s + 1 : span / s + 1;
    // A last window starting past the input and begin padding is dropped.
    if (ceil_mode && (out - 1) * s >= in + g.pad_begin[d]) --out;
    g.out[d] = out;
  }
  return g;
}

std::vector<std::vector<int64_t>> ConvInputTables(const ConvGeometry& g) {
  std::vector<std::vector<int64_t>> tables(g.spatial());
  for (int d = 0; d < g.spatial(); ++d) {
    tables[d].resize(g.kernel[d] * g.out[d]);
    for (int64_t k = 0; k < g.kernel[d]; ++k) {
      for (int64_t o = 0; o < g.out[d]; ++o) {
        int64_t i = o * g.stride[d] - g.pad_begin[d] + k * g.dilation[d];
        tables[d][k * g.out[d] + o] = (i >= 0 && i < g.in[d]) ? i : -1;
      }
    }
  }
  return tables;
}

}  // namespace braid::backends::cpu
