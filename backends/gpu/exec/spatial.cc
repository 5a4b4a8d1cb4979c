#include "backends/gpu/exec/spatial.h"

#include "absl/strings/str_cat.h"
#include "backends/gpu/exec/op_util.h"
#include "braid/status_macros.h"

namespace braid::backends::gpu {

absl::StatusOr<WindowAttrs> ParseWindowAttrs(const graph::Node& node) {
  WindowAttrs a;
  if (node.HasAttribute("kernel_shape")) {
    BRAID_ASSIGN_OR_RETURN(a.kernel, node.GetInts("kernel_shape"));
  }
  if (node.HasAttribute("strides")) {
    BRAID_ASSIGN_OR_RETURN(a.strides, node.GetInts("strides"));
  }
  if (node.HasAttribute("dilations")) {
    BRAID_ASSIGN_OR_RETURN(a.dilations, node.GetInts("dilations"));
  }
  if (node.HasAttribute("pads")) {
    BRAID_ASSIGN_OR_RETURN(a.pads, node.GetInts("pads"));
  }
  BRAID_ASSIGN_OR_RETURN(a.auto_pad, node.GetString("auto_pad", std::string("NOTSET")));
  BRAID_ASSIGN_OR_RETURN(int64_t ceil_mode, node.GetInt("ceil_mode", 0));
  a.ceil_mode = ceil_mode != 0;
  return a;
}

absl::Status CheckWindowAttrs(const graph::Node& node, const WindowAttrs& a) {
  if (a.auto_pad != "NOTSET" && a.auto_pad != "VALID" && a.auto_pad != "SAME_UPPER" && a.auto_pad != "SAME_LOWER") {
    return Unsupported(node, absl::StrCat("auto_pad '", a.auto_pad, "'"));
  }
  for (int64_t v : a.strides) {
    if (v < 1) return Unsupported(node, "strides must be positive");
  }
  for (int64_t v : a.dilations) {
    if (v < 1) return Unsupported(node, "dilations must be positive");
  }
  for (int64_t v : a.pads) {
    if (v < 0) return Unsupported(node, "negative pads");
  }
  if (!a.kernel.empty() && (a.kernel.size() > 3 || a.kernel.empty())) return Unsupported(node, "1 to 3 spatial dims");
  return absl::OkStatus();
}

absl::StatusOr<Window> ComputeWindow(const WindowAttrs& a, const std::vector<int64_t>& in,
                                     const std::vector<int64_t>& kernel, const std::string& step) {
  const size_t n = in.size();
  auto bad = [&](const std::string& what) {
    return absl::InvalidArgumentError(absl::StrCat(step, ": ", what));
  };
  if (n < 1 || n > 3) return bad(absl::StrCat(n, " spatial dims (supported: 1 to 3)"));
  if (kernel.size() != n) return bad("kernel_shape does not match the spatial rank");
  if ((!a.strides.empty() && a.strides.size() != n) || (!a.dilations.empty() && a.dilations.size() != n) ||
      (!a.pads.empty() && a.pads.size() != 2 * n)) {
    return bad("strides/dilations/pads do not match the spatial rank");
  }
  Window w;
  const size_t off = 3 - n;
  for (size_t i = 0; i < n; ++i) {
    const int64_t k = kernel[i];
    const int64_t s = a.strides.empty() ? 1 : a.strides[i];
    const int64_t d = a.dilations.empty() ? 1 : a.dilations[i];
    if (k < 1) return bad("kernel sizes must be positive");
    const int64_t span = (k - 1) * d + 1;
    int64_t pb = a.pads.empty() ? 0 : a.pads[i];
    int64_t pe = a.pads.empty() ? 0 : a.pads[i + n];
    int64_t out;
    if (a.auto_pad == "VALID") {
      pb = pe = 0;
      out = in[i] >= span ? (in[i] - span) / s + 1 : 0;
    } else if (a.auto_pad == "SAME_UPPER" || a.auto_pad == "SAME_LOWER") {
      out = (in[i] + s - 1) / s;
      const int64_t total = std::max<int64_t>(0, (out - 1) * s + span - in[i]);
      pb = a.auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pe = total - pb;
    } else {
      const int64_t padded = in[i] + pb + pe - span;
      if (padded < 0) {
        out = 0;
      } else if (a.ceil_mode) {
        out = (padded + s - 1) / s + 1;
        if ((out - 1) * s >= in[i] + pb) --out;  // the last window must start inside input or begin padding
      } else {
        out = padded / s + 1;
      }
    }
    w.in[off + i] = in[i];
    w.out[off + i] = out;
    w.kernel[off + i] = k;
    w.stride[off + i] = s;
    w.dilation[off + i] = d;
    w.pad[off + i] = pb;
    w.pad_end[off + i] = pe;
    w.out_sizes.push_back(out);
  }
  return w;
}

}  // namespace braid::backends::gpu
