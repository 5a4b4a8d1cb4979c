// SplitToSequence and ConcatFromSequence: the bridges between tensors and
// sequences. Chunks along the outermost axis are views of the input.
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/control/tensor_util.h"

namespace braid::backends::cpu {
namespace {

using control::DimProduct;

// Chunk [begin, begin + size) of x along axis, as a view when contiguous.
absl::StatusOr<Tensor> Chunk(const Tensor& x, int64_t axis, int64_t begin, int64_t size) {
  Shape shape = x.shape();
  shape[axis] = size;
  int64_t outer = DimProduct(x.shape(), 0, static_cast<size_t>(axis));
  int64_t inner = DimProduct(x.shape(), static_cast<size_t>(axis) + 1, x.shape().size());
  if (outer == 1) {
    auto keep = std::make_shared<Tensor>(x);
    auto* base = const_cast<std::byte*>(static_cast<const std::byte*>(x.raw_data()));
    return Tensor::Wrap(x.dtype(), std::move(shape), base + begin * inner * DataTypeSize(x.dtype()), keep,
                        x.location());
  }
  BRAID_ASSIGN_OR_RETURN(Tensor out, Tensor::Create(x.dtype(), std::move(shape)));
  int64_t len = x.dim(axis);
  for (int64_t o = 0; o < outer; ++o) {
    control::CopyElements(x, (o * len + begin) * inner, out, o * size * inner, size * inner);
  }
  return out;
}

class SplitToSequenceKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<SplitToSequenceKernel>();
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis", 0));
    BRAID_ASSIGN_OR_RETURN(int64_t keepdims, init.GetInt("keepdims", 1));
    k->keepdims_ = keepdims != 0;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    absl::StatusOr<int64_t> axis = control::NormalizeAxis(axis_, x->rank(), "axis");
    if (!axis.ok()) return ctx.Error(std::string(axis.status().message()));
    int64_t dim = x->dim(*axis);
    std::vector<int64_t> sizes;
    bool squeeze = false;
    if (!ctx.has_input(1)) {
      sizes.assign(dim, 1);
      squeeze = !keepdims_;
    } else {
      BRAID_ASSIGN_OR_RETURN(const Tensor* split, ctx.RequireTensor(1));
      if (split->dtype() != DataType::kInt64 && split->dtype() != DataType::kInt32) {
        return ctx.Error("split must be int32 or int64");
      }
      auto at = [&](int64_t i) {
        return split->dtype() == DataType::kInt64 ? split->data<int64_t>()[i] : int64_t{split->data<int32_t>()[i]};
      };
      if (split->rank() == 0) {
        int64_t chunk = at(0);
        if (chunk <= 0) return ctx.Error(absl::StrCat("split size ", chunk, " must be positive"));
        for (int64_t b = 0; b < dim; b += chunk) sizes.push_back(std::min(chunk, dim - b));
      } else if (split->rank() == 1) {
        int64_t total = 0;
        for (int64_t i = 0; i < split->num_elements(); ++i) {
          if (at(i) < 0) return ctx.Error(absl::StrCat("split entry ", i, " is negative"));
          sizes.push_back(at(i));
          total += at(i);
        }
        if (total != dim) {
          return ctx.Error(absl::StrCat("split sizes sum to ", total, " but axis ", *axis, " has ", dim, " entries"));
        }
      } else {
        return ctx.Error("split must be a scalar or a 1-D tensor");
      }
    }
    std::vector<Tensor> items;
    items.reserve(sizes.size());
    int64_t begin = 0;
    for (int64_t size : sizes) {
      absl::StatusOr<Tensor> c = Chunk(*x, *axis, begin, size);
      if (!c.ok()) return ctx.Error(std::string(c.status().message()));
      if (squeeze) {
        Shape s = c->shape();
        s.erase(s.begin() + *axis);
        BRAID_ASSIGN_OR_RETURN(Tensor r, c->Reshaped(std::move(s)));
        items.push_back(std::move(r));
      } else {
        items.push_back(*std::move(c));
      }
      begin += size;
    }
    ctx.SetOutput(0, Value::Sequence(std::move(items), x->dtype()));
    return absl::OkStatus();
  }

 private:
  int64_t axis_ = 0;
  bool keepdims_ = true;
};

class ConcatFromSequenceKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::make_unique<ConcatFromSequenceKernel>();
    BRAID_ASSIGN_OR_RETURN(k->axis_, init.GetInt("axis"));
    BRAID_ASSIGN_OR_RETURN(int64_t new_axis, init.GetInt("new_axis", 0));
    k->new_axis_ = new_axis != 0;
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    if (!ctx.has_input(0) || !ctx.input_value(0).is_sequence()) return ctx.Error("input 0 must be a sequence");
    const std::vector<Tensor>& items = ctx.input_value(0).sequence();
    if (items.empty()) return ctx.Error("cannot concatenate an empty sequence");
    const Tensor& first = items[0];
    int64_t rank = first.rank();
    absl::StatusOr<int64_t> axis = control::NormalizeAxis(axis_, new_axis_ ? rank + 1 : rank, "axis");
    if (!axis.ok()) return ctx.Error(std::string(axis.status().message()));
    for (size_t i = 1; i < items.size(); ++i) {
      const Tensor& t = items[i];
      bool same = t.dtype() == first.dtype() && t.rank() == rank;
      for (int64_t d = 0; same && d < rank; ++d) {
        if (d != *axis || new_axis_) same = t.dim(d) == first.dim(d);
      }
      if (!same) {
        return ctx.Error(absl::StrCat("element ", i, " (", DataTypeName(t.dtype()), ShapeToString(t.shape()),
                                      ") does not match element 0 (", DataTypeName(first.dtype()),
                                      ShapeToString(first.shape()), ") outside axis ", *axis));
      }
    }
    if (new_axis_) {
      Shape shape = first.shape();
      shape.insert(shape.begin() + *axis, static_cast<int64_t>(items.size()));
      BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, first.dtype(), std::move(shape)));
      control::StackInto(items, *axis, *out);
      return absl::OkStatus();
    }
    Shape shape = first.shape();
    shape[*axis] = 0;
    for (const Tensor& t : items) shape[*axis] += t.dim(*axis);
    int64_t outer = DimProduct(first.shape(), 0, static_cast<size_t>(*axis));
    BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(0, first.dtype(), std::move(shape)));
    for (int64_t o = 0, pos = 0; o < outer; ++o) {
      for (const Tensor& t : items) {
        int64_t inner = outer == 0 ? 0 : t.num_elements() / outer;
        control::CopyElements(t, o * inner, *out, pos, inner);
        pos += inner;
      }
    }
    return absl::OkStatus();
  }

 private:
  int64_t axis_ = 0;
  bool new_axis_ = false;
};

}  // namespace

void RegisterSequenceSplitConcatKernels(KernelRegistry& registry) {
  registry.Add("SplitToSequence", 11, INT_MAX, FactoryOf<SplitToSequenceKernel>());
  registry.Add("ConcatFromSequence", 11, INT_MAX, FactoryOf<ConcatFromSequenceKernel>());
}

}  // namespace braid::backends::cpu
