// GlobalAveragePool, GlobalMaxPool, GlobalLpPool (reduce all spatial dims
// of N x C x ... to 1) and MaxUnpool.
#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>

#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/nn/conv_geometry.h"
#include "backends/cpu/kernels/nn/nn_util.h"

namespace braid::backends::cpu {
namespace {

enum class GlobalKind { kAverage, kMax, kLp };

class GlobalPoolKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init, GlobalKind kind) {
    auto k = std::unique_ptr<GlobalPoolKernel>(new GlobalPoolKernel());
    k->kind_ = kind;
    if (kind == GlobalKind::kLp) {
      const graph::Attribute* p = init.node().FindAttribute("p");
      if (p != nullptr && p->kind() == graph::Attribute::Kind::kFloat) {
        k->p_ = static_cast<int64_t>(p->f());
      } else {
        BRAID_ASSIGN_OR_RETURN(k->p_, init.GetInt("p", 2));
      }
      if (k->p_ <= 0) return init.Error("p must be positive");
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    if (x->rank() < 2) return ctx.Error(absl::StrCat("input must have rank >= 2, got ", ShapeToString(x->shape())));
    Shape y_shape(x->rank(), 1);
    y_shape[0] = x->dim(0);
    y_shape[1] = x->dim(1);
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), y_shape));
    const int64_t planes = x->dim(0) * x->dim(1);
    const int64_t size = DimProduct(x->shape(), 2, x->rank());
    if (planes == 0) return absl::OkStatus();
    if (size == 0 && kind_ != GlobalKind::kLp) return ctx.Error("spatial dims must not be empty");
    return Dispatch<TypeList<float, double, Float16, BFloat16>>(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      using C = ComputeType<T>;
      const T* xp = x->data<T>();
      T* yp = y->data<T>();
      ctx.ParallelFor(planes, static_cast<double>(size), [&](int64_t b, int64_t e) {
        for (int64_t p = b; p < e; ++p) {
          const T* v = xp + p * size;
          if (kind_ == GlobalKind::kMax) {
            C m = CastTo<C>(v[0]);
            for (int64_t i = 1; i < size; ++i) m = std::max(m, CastTo<C>(v[i]));
            yp[p] = CastTo<T>(m);
          } else if (kind_ == GlobalKind::kAverage) {
            C s = 0;
            for (int64_t i = 0; i < size; ++i) s += CastTo<C>(v[i]);
            yp[p] = CastTo<T>(static_cast<C>(s / static_cast<C>(size)));
          } else {
            C s = 0;
            for (int64_t i = 0; i < size; ++i) s += std::pow(std::abs(CastTo<C>(v[i])), static_cast<C>(p_));
            yp[p] = CastTo<T>(static_cast<C>(std::pow(s, static_cast<C>(1) / static_cast<C>(p_))));
          }
        }
      });
      return absl::OkStatus();
    });
  }

 private:
  GlobalKind kind_ = GlobalKind::kAverage;
  int64_t p_ = 2;
};

// MaxUnpool (opsets 9, 11): scatters X into zeros at the flat positions I.
class MaxUnpoolKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    auto k = std::unique_ptr<MaxUnpoolKernel>(new MaxUnpoolKernel());
    BRAID_ASSIGN_OR_RETURN(k->attrs_, ConvAttrs::Parse(init));
    if (k->attrs_.kernel_shape.empty()) return init.Error("kernel_shape is required");
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(0));
    BRAID_ASSIGN_OR_RETURN(const Tensor* ind, ctx.RequireTensor(1));
    const int64_t nd = x->rank() - 2;
    if (nd < 1 || static_cast<int64_t>(attrs_.kernel_shape.size()) != nd) {
      return ctx.Error("kernel_shape must match the input's spatial dims");
    }
    if (ind->shape() != x->shape() || ind->dtype() != DataType::kInt64) {
      return ctx.Error("indices must be int64 with the shape of X");
    }
    const std::vector<int64_t> strides = attrs_.strides.empty() ? std::vector<int64_t>(nd, 1) : attrs_.strides;
    const std::vector<int64_t> pads = attrs_.pads.empty() ? std::vector<int64_t>(2 * nd, 0) : attrs_.pads;
    if (static_cast<int64_t>(strides.size()) != nd || static_cast<int64_t>(pads.size()) != 2 * nd) {
      return ctx.Error("strides/pads do not match the spatial rank");
    }
    Shape y_shape = {x->dim(0), x->dim(1)};
    for (int64_t d = 0; d < nd; ++d) {
      y_shape.push_back((x->dim(2 + d) - 1) * strides[d] + attrs_.kernel_shape[d] - pads[d] - pads[d + nd]);
    }
    for (int64_t v : y_shape) {
      if (v < 0) return ctx.Error("inferred output shape is negative");
    }
    // Indices address the inferred shape; a larger output_shape places each
    // value at the same spatial coordinates (extra rows/cols stay zero).
    const Shape inferred = y_shape;
    if (ctx.has_input(2)) {
      BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> os, TensorAs<int64_t>(ctx.input(2)));
      if (static_cast<int64_t>(os.size()) != x->rank()) return ctx.Error("output_shape must have the rank of X");
      for (int64_t d = 0; d < x->rank(); ++d) {
        if (d < 2 ? os[d] != x->dim(d) : os[d] < y_shape[d]) {
          return ctx.Error(absl::StrCat("output_shape ", ShapeToString(os), " is smaller than the inferred ",
                                        ShapeToString(y_shape)));
        }
      }
      y_shape = os;
    }
    BRAID_ASSIGN_OR_RETURN(Tensor * y, ctx.AllocateOutput(0, x->dtype(), y_shape));
    const int64_t total = DimProduct(inferred, 0, inferred.size());
    const int64_t* ip = ind->data<int64_t>();
    // Maps an index of the inferred shape to an offset in the output.
    auto place = [&](int64_t idx) {
      int64_t off = 0, stride = 1;
      for (int64_t d = static_cast<int64_t>(inferred.size()) - 1; d >= 0; --d) {
        off += (idx % inferred[d]) * stride;
        idx /= inferred[d];
        stride *= y_shape[d];
      }
      return off;
    };
    return Dispatch<TypeList<float, double, Float16, BFloat16>>(x->dtype(), [&](auto tag) -> absl::Status {
      using T = decltype(tag);
      T* yp = y->data<T>();
      std::fill(yp, yp + y->num_elements(), CastTo<T>(0.0f));
      const T* xp = x->data<T>();
      for (int64_t i = 0; i < x->num_elements(); ++i) {
        if (ip[i] < 0 || ip[i] >= total) {
          return ctx.Error(absl::StrCat("index ", ip[i], " is out of range for output of ", total, " elements"));
        }
        yp[place(ip[i])] = xp[i];
      }
      return absl::OkStatus();
    });
  }

 private:
  ConvAttrs attrs_;
};

}  // namespace

void RegisterGlobalPoolKernels(KernelRegistry& r) {
  r.Add("GlobalAveragePool", 1, INT_MAX,
        [](const KernelInit& init) { return GlobalPoolKernel::Create(init, GlobalKind::kAverage); });
  r.Add("GlobalMaxPool", 1, INT_MAX,
        [](const KernelInit& init) { return GlobalPoolKernel::Create(init, GlobalKind::kMax); });
  r.Add("GlobalLpPool", 1, INT_MAX,
        [](const KernelInit& init) { return GlobalPoolKernel::Create(init, GlobalKind::kLp); });
  r.Add("MaxUnpool", 9, INT_MAX, FactoryOf<MaxUnpoolKernel>());
}

}  // namespace braid::backends::cpu
