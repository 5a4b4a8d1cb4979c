// Small helpers shared by the nn kernels.
#ifndef BRAID_BACKENDS_CPU_KERNELS_NN_NN_UTIL_H_
#define BRAID_BACKENDS_CPU_KERNELS_NN_NN_UTIL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "backends/cpu/dispatch.h"
#include "backends/cpu/kernel.h"
#include "braid/tensor.h"

namespace braid::backends::cpu {

// A per-kernel cache of shape-specialized plans (oneDNN primitives), keyed by
// a vector of integers (shapes, flags, thread count). Plans are built once
// under the cache's lock and shared immutably afterwards. Thread-safe.
template <typename Plan>
class PlanCache {
 public:
  // The plan for `key`, built with `make` on first use. A null plan from
  // `make` is cached too (callers use it for "not supported, fall back").
  absl::StatusOr<std::shared_ptr<const Plan>> Get(const std::vector<int64_t>& key,
                                                  const std::function<absl::StatusOr<std::shared_ptr<const Plan>>()>& make) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = plans_.find(key);
    if (it != plans_.end()) return it->second;
    BRAID_ASSIGN_OR_RETURN(std::shared_ptr<const Plan> plan, make());
    if (plans_.size() >= kMaxPlans) plans_.clear();
    plans_.emplace(key, plan);
    return plan;
  }

  static constexpr size_t kMaxPlans = 64;

 private:
  std::mutex mu_;
  absl::flat_hash_map<std::vector<int64_t>, std::shared_ptr<const Plan>> plans_;
};

// Elements of a numeric tensor converted to float / double / int64.
template <typename To>
absl::StatusOr<std::vector<To>> TensorAs(const Tensor& t) {
  std::vector<To> out(t.num_elements());
  BRAID_RETURN_IF_ERROR(DispatchNumeric(t.dtype(), [&](auto tag) -> absl::Status {
    using T = decltype(tag);
    const T* p = t.data<T>();
    for (int64_t i = 0; i < t.num_elements(); ++i) out[i] = CastTo<To>(CastTo<ComputeType<T>>(p[i]));
    return absl::OkStatus();
  }));
  return out;
}

// float32 elements of a numeric tensor without copying when it already is
// float32 (then valid while the tensor lives), else a converted copy.
class FloatData {
 public:
  static absl::StatusOr<FloatData> Of(const Tensor& t) {
    FloatData f;
    if (t.dtype() == DataType::kFloat32) {
      f.external_ = t.data<float>();
    } else {
      BRAID_ASSIGN_OR_RETURN(f.owned_, TensorAs<float>(t));
    }
    return f;
  }
  const float* data() const { return external_ != nullptr ? external_ : owned_.data(); }

 private:
  const float* external_ = nullptr;
  std::vector<float> owned_;
};

// Product of dims [begin, end).
inline int64_t DimProduct(const Shape& s, size_t begin, size_t end) {
  int64_t n = 1;
  for (size_t i = begin; i < end && i < s.size(); ++i) n *= s[i];
  return n;
}

// Normalizes a possibly negative axis into [0, rank); error if out of range.
inline absl::StatusOr<int64_t> NormalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    return absl::InvalidArgumentError(absl::StrCat("axis ", axis, " is out of range for rank ", rank));
  }
  return axis < 0 ? axis + rank : axis;
}

}  // namespace braid::backends::cpu

#endif  // BRAID_BACKENDS_CPU_KERNELS_NN_NN_UTIL_H_
