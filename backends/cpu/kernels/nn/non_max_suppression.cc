// NonMaxSuppression (opsets 10-11): per batch and class, greedy selection
// in descending score order (ties keep the lower box index), dropping boxes
// whose IoU with a selected box exceeds iou_threshold, scores at or below
// score_threshold, and beyond max_output_boxes_per_class. Boxes are corner
// pairs in either order (center_point_box = 0) or center/size (= 1).
#include <algorithm>
#include <climits>
#include <numeric>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/nn/nn_util.h"

namespace braid::backends::cpu {
namespace {

struct Box {
  float y1, x1, y2, x2;
};

float Iou(const Box& a, const Box& b) {
  const float ix1 = std::max(a.x1, b.x1), iy1 = std::max(a.y1, b.y1);
  const float ix2 = std::min(a.x2, b.x2), iy2 = std::min(a.y2, b.y2);
  const float inter = std::max(0.0f, ix2 - ix1) * std::max(0.0f, iy2 - iy1);
  const float area_a = (a.x2 - a.x1) * (a.y2 - a.y1), area_b = (b.x2 - b.x1) * (b.y2 - b.y1);
  const float uni = area_a + area_b - inter;
  return uni > 0.0f ? inter / uni : 0.0f;
}

class NmsKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<NmsKernel>(new NmsKernel());
    BRAID_ASSIGN_OR_RETURN(int64_t cpb, init.GetInt("center_point_box", 0));
    if (cpb != 0 && cpb != 1) return init.Error("center_point_box must be 0 or 1");
    k->center_ = cpb == 1;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* boxes_t, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* scores_t, ctx.RequireTensor(1));
    if (boxes_t->rank() != 3 || boxes_t->dim(2) != 4) return ctx.Error("boxes must be (batch, boxes, 4)");
    if (scores_t->rank() != 3 || scores_t->dim(0) != boxes_t->dim(0) || scores_t->dim(2) != boxes_t->dim(1)) {
      return ctx.Error("scores must be (batch, classes, boxes) matching boxes");
    }
    int64_t max_out = 0;
    float iou_threshold = 0.0f, score_threshold = 0.0f;
    bool has_score_threshold = false;
    if (ctx.has_input(2) && ctx.input(2).num_elements() > 0) {
      BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> v, TensorAs<int64_t>(ctx.input(2)));
      max_out = v[0];
    }
    if (ctx.has_input(3) && ctx.input(3).num_elements() > 0) {
      BRAID_ASSIGN_OR_RETURN(std::vector<float> v, TensorAs<float>(ctx.input(3)));
      iou_threshold = v[0];
    }
    if (ctx.has_input(4) && ctx.input(4).num_elements() > 0) {
      BRAID_ASSIGN_OR_RETURN(std::vector<float> v, TensorAs<float>(ctx.input(4)));
      score_threshold = v[0];
      has_score_threshold = true;
    }
    if (iou_threshold < 0.0f || iou_threshold > 1.0f) return ctx.Error("iou_threshold must be in [0, 1]");
    const int64_t batches = boxes_t->dim(0), nb = boxes_t->dim(1), classes = scores_t->dim(1);
    BRAID_ASSIGN_OR_RETURN(std::vector<float> bv, TensorAs<float>(*boxes_t));
    BRAID_ASSIGN_OR_RETURN(std::vector<float> sv, TensorAs<float>(*scores_t));
    std::vector<Box> boxes(batches * nb);
    for (int64_t i = 0; i < batches * nb; ++i) {
      const float* p = &bv[i * 4];
      Box& b = boxes[i];
      if (center_) {
        b = {p[1] - p[3] / 2, p[0] - p[2] / 2, p[1] + p[3] / 2, p[0] + p[2] / 2};
      } else {
        b = {std::min(p[0], p[2]), std::min(p[1], p[3]), std::max(p[0], p[2]), std::max(p[1], p[3])};
      }
    }
    std::vector<int64_t> selected;  // triples
    std::vector<int64_t> order(nb);
    std::vector<int64_t> kept;
    for (int64_t b = 0; b < batches && max_out > 0; ++b) {
      for (int64_t c = 0; c < classes; ++c) {
        const float* s = &sv[(b * classes + c) * nb];
        order.clear();
        for (int64_t i = 0; i < nb; ++i) {
          if (!has_score_threshold || s[i] > score_threshold) order.push_back(i);
        }
        std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return s[x] > s[y]; });
        kept.clear();
        for (int64_t i : order) {
          if (static_cast<int64_t>(kept.size()) >= max_out) break;
          bool keep = true;
          for (int64_t k : kept) {
            if (Iou(boxes[b * nb + i], boxes[b * nb + k]) > iou_threshold) {
              keep = false;
              break;
            }
          }
          if (!keep) continue;
          kept.push_back(i);
          selected.insert(selected.end(), {b, c, i});
        }
      }
    }
    const int64_t count = static_cast<int64_t>(selected.size()) / 3;
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, DataType::kInt64, {count, 3}));
    std::copy(selected.begin(), selected.end(), out->data<int64_t>());
    return absl::OkStatus();
  }

 private:
  bool center_ = false;
};

}  // namespace

void RegisterNmsKernels(KernelRegistry& r) { r.Add("NonMaxSuppression", 10, INT_MAX, FactoryOf<NmsKernel>()); }

}  // namespace braid::backends::cpu
