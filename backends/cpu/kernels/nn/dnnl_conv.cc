#include "backends/cpu/kernels/nn/dnnl_conv.h"

#include <cstring>

#include "backends/cpu/kernels/nn/dnnl_util.h"

namespace braid::backends::cpu {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;

Tag PlainTag(int rank) {
  switch (rank) {
    case 3:
      return Tag::ncw;
    case 4:
      return Tag::nchw;
    default:
      return Tag::ncdhw;
  }
}

// ONNX weight layout as oneDNN dims and tag. Conv: (M, C/g, k...) ->
// (g, M/g, C/g, k...) goihw. ConvTranspose: (C, M/g, k...) ->
// (g, M/g, C/g, k...) stored as giohw.
std::pair<memory::dims, Tag> WeightsLayout(const DnnlConvShape& s) {
  const int nd = s.geom.spatial();
  const int64_t g = s.group;
  memory::dims dims;
  int64_t oc = s.y[1], ic = s.x[1];
  if (g > 1) dims.push_back(g);
  dims.push_back(oc / g);
  dims.push_back(ic / g);
  for (int d = 0; d < nd; ++d) dims.push_back(s.geom.kernel[d]);
  static const Tag kConv[2][3] = {{Tag::oiw, Tag::oihw, Tag::oidhw}, {Tag::goiw, Tag::goihw, Tag::goidhw}};
  static const Tag kDeconv[2][3] = {{Tag::bac, Tag::iohw, Tag::iodhw}, {Tag::acbd, Tag::giohw, Tag::giodhw}};
  Tag tag = s.transposed ? kDeconv[g > 1][nd - 1] : kConv[g > 1][nd - 1];
  return {dims, tag};
}

std::optional<std::pair<dnnl::reorder::primitive_desc, dnnl::reorder>> MakeReorder(const memory::desc& from,
                                                                                    const memory::desc& to) {
  if (from == to) return std::nullopt;
  dnnl::reorder::primitive_desc pd(DnnlEngine(), from, DnnlEngine(), to, DnnlUserScratchpadAttr());
  return std::make_pair(pd, dnnl::reorder(pd));
}

void RunReorder(const std::pair<dnnl::reorder::primitive_desc, dnnl::reorder>& r, const memory& from,
                const memory& to) {
  DnnlExecute(r.second, r.first, {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}});
}

}  // namespace

std::unique_ptr<DnnlConv> DnnlConv::Build(const DnnlConvShape& s, const float* const_w) {
  std::unique_ptr<DnnlConv> c(new DnnlConv());
  const int nd = s.geom.spatial();
  const auto f32 = memory::data_type::f32;
  memory::dims xd(s.x.begin(), s.x.end()), yd(s.y.begin(), s.y.end());
  auto [wd, wtag] = WeightsLayout(s);
  c->x_plain_ = memory::desc(xd, f32, PlainTag(nd + 2));
  c->y_plain_ = memory::desc(yd, f32, PlainTag(nd + 2));
  c->w_plain_ = memory::desc(wd, f32, wtag);
  if (s.has_bias) c->bias_md_ = memory::desc({s.y[1]}, f32, Tag::x);
  memory::desc x_any(xd, f32, Tag::any), y_any(yd, f32, Tag::any), w_any(wd, f32, Tag::any);

  memory::dims strides(s.geom.stride.begin(), s.geom.stride.end());
  memory::dims dil(nd), pl(s.geom.pad_begin.begin(), s.geom.pad_begin.end()),
      pr(s.geom.pad_end.begin(), s.geom.pad_end.end());
  for (int d = 0; d < nd; ++d) dil[d] = s.geom.dilation[d] - 1;

  dnnl::primitive_attr attr = DnnlUserScratchpadAttr();
  dnnl::post_ops ops;
  if (s.has_z) ops.append_sum(1.0f);
  s.act.AppendPostOps(ops);
  attr.set_post_ops(ops);

  const auto kind = dnnl::prop_kind::forward_inference;
  if (s.transposed) {
    dnnl::deconvolution_forward::desc d(kind, dnnl::algorithm::deconvolution_direct, x_any, w_any, c->bias_md_, y_any,
                                        strides, dil, pl, pr);
    dnnl::deconvolution_forward::primitive_desc pd(d, attr, DnnlEngine());
    c->prim_ = dnnl::deconvolution_forward(pd);
    c->pd_ = pd;
  } else {
    dnnl::convolution_forward::desc d(kind, dnnl::algorithm::convolution_direct, x_any, w_any, c->bias_md_, y_any,
                                      strides, dil, pl, pr);
    dnnl::convolution_forward::primitive_desc pd(d, attr, DnnlEngine());
    c->prim_ = dnnl::convolution_forward(pd);
    c->pd_ = pd;
  }
  c->x_md_ = c->pd_.query_md(dnnl::query::src_md);
  c->w_md_ = c->pd_.query_md(dnnl::query::weights_md);
  c->y_md_ = c->pd_.query_md(dnnl::query::dst_md);
  c->x_reorder_ = MakeReorder(c->x_plain_, c->x_md_);
  c->w_reorder_ = MakeReorder(c->w_plain_, c->w_md_);
  c->y_reorder_ = MakeReorder(c->y_md_, c->y_plain_);
  if (s.has_z) c->z_reorder_ = MakeReorder(c->y_plain_, c->y_md_);
  if (const_w != nullptr && c->w_reorder_) {
    memory packed(c->w_md_, DnnlEngine());
    RunReorder(*c->w_reorder_, DnnlWrap(c->w_plain_, const_w), packed);
    c->packed_w_ = packed;
  }
  return c;
}

void DnnlConv::Run(const float* x, const float* w, const float* bias, const float* z, float* y) const {
  std::unordered_map<int, memory> args;
  memory x_mem = DnnlWrap(x_plain_, x);
  if (x_reorder_) {
    memory blocked = DnnlWrap(x_md_, DnnlThreadScratch(0, x_md_.get_size()));
    RunReorder(*x_reorder_, x_mem, blocked);
    x_mem = blocked;
  }
  args.emplace(DNNL_ARG_SRC, x_mem);
  if (packed_w_) {
    args.emplace(DNNL_ARG_WEIGHTS, *packed_w_);
  } else if (w_reorder_) {
    memory blocked = DnnlWrap(w_md_, DnnlThreadScratch(1, w_md_.get_size()));
    RunReorder(*w_reorder_, DnnlWrap(w_plain_, w), blocked);
    args.emplace(DNNL_ARG_WEIGHTS, blocked);
  } else {
    args.emplace(DNNL_ARG_WEIGHTS, DnnlWrap(w_md_, w));
  }
  if (bias != nullptr) args.emplace(DNNL_ARG_BIAS, DnnlWrap(bias_md_, bias));
  memory y_mem = y_reorder_ ? DnnlWrap(y_md_, DnnlThreadScratch(2, y_md_.get_size())) : DnnlWrap(y_plain_, y);
  if (z != nullptr) {
    if (z_reorder_) {
      RunReorder(*z_reorder_, DnnlWrap(y_plain_, z), y_mem);
    } else if (z != y) {
      std::memcpy(y, z, y_plain_.get_size());
    }
  }
  args.emplace(DNNL_ARG_DST, y_mem);
  DnnlExecute(prim_, pd_, std::move(args));
  if (y_reorder_) RunReorder(*y_reorder_, y_mem, DnnlWrap(y_plain_, y));
}

}  // namespace braid::backends::cpu
