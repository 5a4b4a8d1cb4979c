#include "backends/cpu/kernels/tensor/tensor_util.h"

#include "backends/cpu/dispatch.h"

namespace braid::backends::cpu {

absl::StatusOr<std::vector<int64_t>> ReadInt64s(const KernelContext& ctx, const Tensor& t, const char* what) {
  std::vector<int64_t> out;
  if (!t.defined()) return ctx.Error(absl::StrCat(what, " is missing"));
  absl::Status st = Dispatch<IntTypes>(t.dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    const T* p = t.data<T>();
    out.assign(p, p + t.num_elements());
    return absl::OkStatus();
  });
  if (!st.ok()) {
    return ctx.Error(absl::StrCat(what, " must be an integer tensor, got ", DataTypeName(t.dtype())));
  }
  return out;
}

}  // namespace braid::backends::cpu
