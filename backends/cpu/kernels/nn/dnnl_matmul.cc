#include "backends/cpu/kernels/nn/dnnl_matmul.h"

#include <cstring>

#include "backends/cpu/kernels/nn/dnnl_util.h"

namespace braid::backends::cpu {

using dnnl::memory;

std::unique_ptr<DnnlMatMul> DnnlMatMul::Build(const DnnlMatMulShape& s, const float* const_b) {
  std::unique_ptr<DnnlMatMul> m(new DnnlMatMul());
  const auto f32 = memory::data_type::f32;
  m->a_md_ = memory::desc(s.a, f32, s.a_strides);
  m->b_user_md_ = memory::desc(s.b, f32, s.b_strides);
  m->c_md_ = DnnlPlainDesc(s.c);
  if (!s.bias.empty()) m->bias_md_ = DnnlPlainDesc(s.bias);
  // Constant matrices are stored transposed (N x K, "ba"): oneDNN's GEMM
  // packs them faster than row-major K x N, most visibly for wide N.
  memory::desc b_req = m->b_user_md_;
  if (const_b != nullptr) {
    b_req = s.b.size() == 2 ? memory::desc(s.b, f32, memory::format_tag::ba)
                            : memory::desc(s.b, f32, memory::format_tag::any);
  }

  dnnl::primitive_attr attr = DnnlUserScratchpadAttr();
  if (s.alpha != 1.0f) attr.set_output_scales(0, {s.alpha});
  dnnl::post_ops ops;
  if (s.sum) ops.append_sum(s.beta);
  s.act.AppendPostOps(ops);
  attr.set_post_ops(ops);

  dnnl::matmul::desc d(m->a_md_, b_req, m->bias_md_, m->c_md_);
  m->pd_ = dnnl::matmul::primitive_desc(d, attr, DnnlEngine());
  m->prim_ = dnnl::matmul(m->pd_);
  m->b_md_ = m->pd_.weights_desc();
  if (const_b != nullptr) {
    memory packed(m->b_md_, DnnlEngine());
    if (m->b_md_ == m->b_user_md_) {
      std::memcpy(packed.get_data_handle(), const_b, m->b_md_.get_size());
    } else {
      dnnl::reorder::primitive_desc rpd(DnnlEngine(), m->b_user_md_, DnnlEngine(), m->b_md_,
                                        DnnlUserScratchpadAttr());
      DnnlExecute(dnnl::reorder(rpd), rpd, {{DNNL_ARG_FROM, DnnlWrap(m->b_user_md_, const_b)}, {DNNL_ARG_TO, packed}});
    }
    m->packed_b_ = packed;
  }
  return m;
}

void DnnlMatMul::Run(const float* a, const float* b, const float* bias, float* c) const {
  std::unordered_map<int, memory> args;
  args.emplace(DNNL_ARG_SRC, DnnlWrap(a_md_, a));
  args.emplace(DNNL_ARG_WEIGHTS, packed_b_ ? *packed_b_ : DnnlWrap(b_md_, b));
  if (bias != nullptr) args.emplace(DNNL_ARG_BIAS, DnnlWrap(bias_md_, bias));
  args.emplace(DNNL_ARG_DST, DnnlWrap(c_md_, c));
  DnnlExecute(prim_, pd_, std::move(args));
}

}  // namespace braid::backends::cpu
