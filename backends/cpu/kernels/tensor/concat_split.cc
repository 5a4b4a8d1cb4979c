// Joining and splitting along one axis: Concat, Split.
#include <string>
#include <vector>

#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/tensor/tensor_util.h"

namespace braid::backends::cpu {
namespace {

// One contiguous block per (outer index, part): `part_rows[p]` elements of
// part p sit at offset `part_offsets[p]` inside each joined row of `row`
// elements. Joins (gather parts into the row) or splits (scatter the row).
template <typename T>
void MoveBlocks(const KernelContext& ctx, bool join, T* joined, std::vector<T*> parts,
                const std::vector<int64_t>& part_rows, const std::vector<int64_t>& part_offsets, int64_t outer,
                int64_t row) {
  const int64_t n = static_cast<int64_t>(parts.size());
  if (n == 0 || outer == 0) return;
  auto move = [&](int64_t o, int64_t p) {
    const int64_t len = part_rows[p];
    if (len == 0 || parts[p] == nullptr) return;
    T* whole = joined + o * row + part_offsets[p];
    T* part = parts[p] + o * len;
    if (join) {
      CopyRun(whole, part, len);
    } else {
      CopyRun(part, whole, len);
    }
  };
  if (outer >= 4 * ctx.num_threads()) {  // enough rows to share out
    ctx.ParallelFor(outer, static_cast<double>(row) + 2.0 * n, [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) {
        for (int64_t p = 0; p < n; ++p) move(o, p);
      }
    });
    return;
  }
  // Few long rows: share out (row, part) pairs instead.
  ctx.ParallelFor(outer * n, static_cast<double>(row) / static_cast<double>(n) + 2.0, [&](int64_t begin, int64_t end) {
    for (int64_t item = begin; item < end; ++item) move(item / n, item % n);
  });
}

class ConcatKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<ConcatKernel>();
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.opset() < 4 ? init.GetInt("axis", 1) : init.GetInt("axis"));
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    if (ctx.num_inputs() < 1) return ctx.Error("needs at least one input");
    std::vector<const Tensor*> ins;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* t, ctx.RequireTensor(i));
      ins.push_back(t);
    }
    const Tensor& first = *ins[0];
    const int64_t r = first.rank();
    if (r == 0) return ctx.Error("inputs must have rank >= 1, got a scalar");
    BRAID_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(ctx, axis_, r));
    Shape out_shape = first.shape();
    out_shape[axis] = 0;
    for (size_t i = 0; i < ins.size(); ++i) {
      const Tensor& t = *ins[i];
      if (t.dtype() != first.dtype()) {
        return ctx.Error(absl::StrCat("input ", i, " has type ", DataTypeName(t.dtype()), ", input 0 has ",
                                      DataTypeName(first.dtype())));
      }
      bool ok = t.rank() == r;
      for (int64_t d = 0; ok && d < r; ++d) ok = d == axis || t.dim(d) == first.dim(d);
      if (!ok) {
        return ctx.Error(absl::StrCat("input ", i, " has shape ", ShapeToString(t.shape()), ", incompatible with ",
                                      ShapeToString(first.shape()), " for concatenation on axis ", axis));
      }
      out_shape[axis] += t.dim(axis);
    }
    const int64_t outer = DimProduct(out_shape, 0, axis);
    const int64_t inner = DimProduct(out_shape, axis + 1, r);
    std::vector<int64_t> rows, offsets;
    int64_t row = 0;
    for (const Tensor* t : ins) {
      offsets.push_back(row);
      rows.push_back(t->dim(axis) * inner);
      row += rows.back();
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, first.dtype(), out_shape));
    return DispatchByStorage(first.dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      std::vector<T*> parts;
      for (const Tensor* t : ins) parts.push_back(const_cast<T*>(t->data<T>()));
      MoveBlocks<T>(ctx, true, out->data<T>(), parts, rows, offsets, outer, row);
      return absl::OkStatus();
    });
  }

 private:
  int64_t axis_ = 0;
};

class SplitKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<SplitKernel>();
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis", 0));
    k->split_from_input_ = init.opset() >= 13 || init.opset() < 2;
    if (init.node().HasAttribute("split")) {
      BRAID_ASSIGN_OR_RETURN(k->split_attr_, init.GetInts("split"));
      k->has_split_attr_ = true;
    }
    k->uneven_ = init.opset() >= 18;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* in, ctx.RequireTensor(0));
    const int64_t r = in->rank();
    if (r == 0) return ctx.Error("input must have rank >= 1, got a scalar");
    BRAID_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(ctx, axis_, r));
    const int64_t dim = in->dim(axis);
    const int n = ctx.num_outputs();
    std::vector<int64_t> split;
    if (split_from_input_ && ctx.has_input(1)) {
      BRAID_ASSIGN_OR_RETURN(split, ReadInt64s(ctx, ctx.input(1), "split"));
    } else if (has_split_attr_) {
      split = split_attr_;
    } else if (uneven_) {
      const int64_t chunk = (dim + n - 1) / n;
      for (int i = 0; i < n; ++i) split.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
    } else {
      if (dim % n != 0) {
        return ctx.Error(absl::StrCat("axis ", axis, " of size ", dim, " cannot be split evenly into ", n, " outputs"));
      }
      split.assign(n, dim / n);
    }
    if (static_cast<int>(split.size()) != n) {
      return ctx.Error(absl::StrCat("split has ", split.size(), " entries for ", n, " outputs"));
    }
    int64_t total = 0;
    for (int64_t s : split) {
      if (s < 0) return ctx.Error(absl::StrCat("split sizes must be >= 0, got ", s));
      total += s;
    }
    if (total != dim) {
      return ctx.Error(absl::StrCat("split sizes sum to ", total, " but axis ", axis, " has size ", dim));
    }
    const int64_t outer = DimProduct(in->shape(), 0, axis);
    const int64_t inner = DimProduct(in->shape(), axis + 1, r);
    std::vector<int64_t> rows, offsets;
    std::vector<Tensor*> outs;
    int64_t row = 0;
    for (int i = 0; i < n; ++i) {
      offsets.push_back(row);
      rows.push_back(split[i] * inner);
      row += rows.back();
      Tensor* out = nullptr;
      if (ctx.output_wanted(i)) {
        Shape shape = in->shape();
        shape[axis] = split[i];
        BRAID_ASSIGN_OR_RETURN(out, ctx.AllocateOutput(i, in->dtype(), std::move(shape)));
      }
      outs.push_back(out);
    }
    return DispatchByStorage(in->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      std::vector<T*> parts;
      for (Tensor* t : outs) parts.push_back(t ? t->data<T>() : nullptr);
      MoveBlocks<T>(ctx, false, const_cast<T*>(in->data<T>()), parts, rows, offsets, outer, row);
      return absl::OkStatus();
    });
  }

 private:
  int64_t axis_ = 0;
  bool split_from_input_ = false;
  bool has_split_attr_ = false;
  bool uneven_ = false;
  std::vector<int64_t> split_attr_;
};

}  // namespace

void RegisterConcatSplitKernels(KernelRegistry& r) {
  r.Add("Concat", FactoryOf<ConcatKernel>());
  r.Add("Split", FactoryOf<SplitKernel>());
}

}  // namespace braid::backends::cpu
