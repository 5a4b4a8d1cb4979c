// Sliding-window geometry shared by Conv and pooling: output sizes and pads
// from ONNX's kernel_shape / strides / dilations / pads / auto_pad /
// ceil_mode, and their packing into the kernels' D,H,W form.
#ifndef BRAID_BACKENDS_GPU_EXEC_SPATIAL_H_
#define BRAID_BACKENDS_GPU_EXEC_SPATIAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/graph.h"

namespace braid::backends::gpu {

// Window attributes of a Conv/Pool node, parsed at compile time.
struct WindowAttrs {
  std::vector<int64_t> kernel;     // empty for Conv: taken from the weights
  std::vector<int64_t> strides;    // empty = all 1
  std::vector<int64_t> dilations;  // empty = all 1
  std::vector<int64_t> pads;       // empty = all 0; [begin..., end...]
  std::string auto_pad = "NOTSET";
  bool ceil_mode = false;
};
absl::StatusOr<WindowAttrs> ParseWindowAttrs(const graph::Node& node);
// Capability check of the attribute values that need no shapes.
absl::Status CheckWindowAttrs(const graph::Node& node, const WindowAttrs& attrs);

// Geometry for `in` spatial sizes (1 to 3 dims), packed to 3 dims with
// leading 1s.
struct Window {
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, kernel[3] = {1, 1, 1}, stride[3] = {1, 1, 1},
          dilation[3] = {1, 1, 1}, pad[3] = {0, 0, 0}, pad_end[3] = {0, 0, 0};
  std::vector<int64_t> out_sizes;  // unpacked output spatial sizes
};
absl::StatusOr<Window> ComputeWindow(const WindowAttrs& attrs, const std::vector<int64_t>& in,
                                     const std::vector<int64_t>& kernel, const std::string& step);

}  // namespace braid::backends::gpu

#endif  // BRAID_BACKENDS_GPU_EXEC_SPATIAL_H_
