#include "scheduler/batch_stacking.h"

#include <cstring>
#include <numeric>
#include <string>

#include "absl/strings/str_cat.h"

namespace braid::scheduler {
namespace {

bool IsStackable(const Value& v) {
  if (!v.is_tensor()) return false;
  const Tensor& t = v.tensor();
  return t.defined() && t.location().is_host() && t.rank() >= 1 && t.dtype() != DataType::kString &&
         DataTypeSize(t.dtype()) > 0;
}

// True when `a` and `b` agree in type and in every dimension but the first.
bool SameItemShape(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.rank() != b.rank()) return false;
  for (int64_t d = 1; d < a.rank(); ++d) {
    if (a.dim(d) != b.dim(d)) return false;
  }
  return true;
}

}  // namespace

std::optional<StackedBatch> StackAlongBatch(const std::vector<NamedValues>& requests,
                                            const std::vector<IoInfo>& model_inputs) {
  if (requests.size() < 2 || requests[0].empty()) return std::nullopt;
  const NamedValues& first = requests[0];
  StackedBatch batch;
  batch.item_sizes.reserve(requests.size());
  for (const NamedValues& request : requests) {
    if (request.size() != first.size()) return std::nullopt;
    int64_t leading = -1;
    for (size_t i = 0; i < request.size(); ++i) {
      const auto& [name, value] = request[i];
      if (name != first[i].first || !IsStackable(value) || !IsStackable(first[i].second)) return std::nullopt;
      if (!SameItemShape(value.tensor(), first[i].second.tensor())) return std::nullopt;
      if (leading == -1) leading = value.tensor().dim(0);
      if (value.tensor().dim(0) != leading) return std::nullopt;
    }
    batch.item_sizes.push_back(leading);
  }
  for (const auto& [name, value] : first) {
    bool batchable = false;
    for (const IoInfo& io : model_inputs) {
      if (io.name == name) batchable = io.rank_known && !io.dims.empty() && io.dims[0] == -1;
    }
    if (!batchable) return std::nullopt;
  }
  const int64_t total = std::accumulate(batch.item_sizes.begin(), batch.item_sizes.end(), int64_t{0});
  for (size_t i = 0; i < first.size(); ++i) {
    const Tensor& proto = first[i].second.tensor();
    Shape shape = proto.shape();
    shape[0] = total;
    absl::StatusOr<Tensor> stacked = Tensor::Create(proto.dtype(), shape);
    if (!stacked.ok()) return std::nullopt;
    auto* out = static_cast<std::byte*>(stacked->raw_data());
    for (const NamedValues& request : requests) {
      const Tensor& part = request[i].second.tensor();
      if (part.byte_size() > 0) std::memcpy(out, part.raw_data(), part.byte_size());
      out += part.byte_size();
    }
    batch.inputs.emplace_back(first[i].first, Value(*std::move(stacked)));
  }
  return batch;
}

absl::StatusOr<std::vector<NamedValues>> SplitAlongBatch(const NamedValues& outputs,
                                                         const std::vector<int64_t>& item_sizes) {
  const int64_t total = std::accumulate(item_sizes.begin(), item_sizes.end(), int64_t{0});
  std::vector<NamedValues> items(item_sizes.size());
  for (const auto& [name, value] : outputs) {
    if (!IsStackable(value)) {
      return absl::FailedPreconditionError(absl::StrCat("output '", name, "' is not a host tensor to split"));
    }
    const Tensor& whole = value.tensor();
    if (whole.dim(0) != total) {
      return absl::FailedPreconditionError(absl::StrCat("output '", name, "' has leading dimension ", whole.dim(0),
                                                        ", not the batch's ", total));
    }
    const size_t bytes_per_row = total == 0 ? 0 : whole.byte_size() / static_cast<size_t>(total);
    const auto* in = static_cast<const std::byte*>(whole.raw_data());
    for (size_t k = 0; k < item_sizes.size(); ++k) {
      Shape shape = whole.shape();
      shape[0] = item_sizes[k];
      absl::StatusOr<Tensor> part = Tensor::Create(whole.dtype(), shape);
      if (!part.ok()) return part.status();
      const size_t bytes = bytes_per_row * static_cast<size_t>(item_sizes[k]);
      if (bytes > 0) std::memcpy(part->raw_data(), in, bytes);
      in += bytes;
      items[k].emplace_back(name, Value(*std::move(part)));
    }
  }
  return items;
}

}  // namespace braid::scheduler
