#include "runtime/session_impl.h"

#include <chrono>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "braid/status_macros.h"
#include "graph/cost_model.h"
#include "graph/dump.h"
#include "runtime/input_validation.h"
#include "runtime/model_impl.h"

namespace braid::runtime {

absl::StatusOr<std::unique_ptr<SessionImpl>> SessionImpl::Create(
    std::unique_ptr<graph::Graph> graph, std::vector<Device*> devices, std::vector<DevicePin> pins,
    const SessionOptions& options,
    WorkerPool& workers, std::function<Device*(const std::string&)> find_device) {
  std::unique_ptr<SessionImpl> s(new SessionImpl(workers));
  s->graph_ = std::move(graph);
  s->devices_ = std::move(devices);
  s->find_device_ = std::move(find_device);
  CompileOptions compile;
  compile.intra_op_threads = options.intra_op_threads;
  BRAID_ASSIGN_OR_RETURN(s->plan_, PartitionAndCompile(*s->graph_, s->devices_, compile, pins));
  for (const graph::Value* v : s->graph_->inputs()) s->inputs_.push_back(DescribeValue(*v));
  for (const graph::Value* v : s->graph_->outputs()) s->outputs_.push_back(DescribeValue(*v));

  // A value can be dropped after the last partition that reads it, unless
  // it is a graph output.
  absl::flat_hash_map<std::string, size_t> last_reader;
  for (size_t p = 0; p < s->plan_.partitions.size(); ++p) {
    for (const std::string& name : s->plan_.partitions[p].input_names) last_reader[name] = p;
  }
  for (const graph::Value* v : s->graph_->outputs()) last_reader.erase(v->name());
  s->release_after_.resize(s->plan_.partitions.size());
  for (const auto& [name, p] : last_reader) s->release_after_[p].push_back(name);

  graph::Cost cost = graph::EstimateGraphCost(*s->graph_);
  s->flops_ = cost.flops;
  s->bytes_ = cost.bytes;
  return s;
}

absl::StatusOr<Tensor> SessionImpl::PlaceTensor(const Tensor& t, Device* target, RunStats& stats) const {
  const MemoryLocation& loc = t.location();
  bool on_target = target->is_host() ? loc.is_host() : loc.device_name == target->info().name;
  if (on_target) return t;
  Tensor host = t;
  if (!loc.is_host()) {
    Device* source = find_device_(loc.device_name);
    if (source == nullptr) return absl::InternalError(absl::StrCat("tensor on unknown device ", loc.device_name));
    BRAID_ASSIGN_OR_RETURN(host, source->CopyToHost(t));
    ++stats.copies;
    stats.copy_bytes += static_cast<int64_t>(t.byte_size());
  }
  if (target->is_host()) return host;
  ++stats.copies;
  stats.copy_bytes += static_cast<int64_t>(host.byte_size());
  return target->CopyFromHost(host);
}

absl::StatusOr<Value> SessionImpl::Place(const Value& value, Device* target, RunStats& stats) const {
  if (value.is_tensor()) {
    BRAID_ASSIGN_OR_RETURN(Tensor t, PlaceTensor(value.tensor(), target, stats));
    return Value(std::move(t));
  }
  if (value.is_sequence()) {
    std::vector<Tensor> items;
    for (const Tensor& t : value.sequence()) {
      BRAID_ASSIGN_OR_RETURN(Tensor placed, PlaceTensor(t, target, stats));
      items.push_back(std::move(placed));
    }
    return Value::Sequence(std::move(items), value.sequence_element_type());
  }
  return value;
}

absl::StatusOr<NamedValues> SessionImpl::Run(const NamedValues& inputs, const RunOptions& options) {
  auto start = std::chrono::steady_clock::now();
  RunStats stats;
  BRAID_ASSIGN_OR_RETURN(std::vector<Value> bound, BindInputs(*graph_, inputs));
  absl::flat_hash_map<std::string, Value> env;
  for (size_t i = 0; i < bound.size(); ++i) env[graph_->inputs()[i]->name()] = std::move(bound[i]);

  RunContext context;
  context.cancelled = options.cancelled;
  Device* host = devices_.back();
  for (size_t p = 0; p < plan_.partitions.size(); ++p) {
    const Partition& part = plan_.partitions[p];
    std::vector<Value> part_inputs;
    part_inputs.reserve(part.input_names.size());
    for (const std::string& name : part.input_names) {
      auto it = env.find(name);
      if (it == env.end()) return absl::InternalError(absl::StrCat("value '", name, "' was not computed"));
      BRAID_ASSIGN_OR_RETURN(Value placed, Place(it->second, part.device, stats));
      part_inputs.push_back(std::move(placed));
    }
    std::vector<Value> part_outputs;
    absl::Status st = part.executable->Run(part_inputs, part_outputs, context);
    if (!st.ok()) return st;
    stats.peak_memory_bytes = std::max(stats.peak_memory_bytes, part.executable->PeakMemoryBytes());
    stats.peak_live_bytes = std::max(stats.peak_live_bytes, part.executable->PeakLiveBytes());
    stats.unshared_intermediate_bytes += part.executable->UnsharedIntermediateBytes();
    if (part_outputs.size() != part.output_names.size()) {
      return absl::InternalError(absl::StrCat("device ", part.device->info().name, " returned ", part_outputs.size(),
                                              " outputs, expected ", part.output_names.size()));
    }
    for (size_t i = 0; i < part_outputs.size(); ++i) env[part.output_names[i]] = std::move(part_outputs[i]);
    for (const std::string& name : release_after_[p]) env.erase(name);
  }

  NamedValues results;
  results.reserve(graph_->outputs().size());
  for (const graph::Value* out : graph_->outputs()) {
    Value v;
    if (auto it = env.find(out->name()); it != env.end()) {
      v = it->second;
    } else if (out->initializer() != nullptr) {
      v = Value(*out->initializer());
    } else {
      return absl::InternalError(absl::StrCat("graph output '", out->name(), "' was not computed"));
    }
    BRAID_ASSIGN_OR_RETURN(Value on_host, Place(v, host, stats));
    results.emplace_back(out->name(), std::move(on_host));
  }
  stats.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (options.stats != nullptr) *options.stats = stats;
  return results;
}

std::string SessionImpl::DescribeGraph() const {
  return absl::StrCat("optimizations: ", optimization_summary_.empty() ? "none" : optimization_summary_, "\n",
                      graph::DumpGraph(*graph_));
}

std::future<absl::StatusOr<NamedValues>> SessionImpl::RunAsync(NamedValues inputs, RunOptions options) {
  auto promise = std::make_shared<std::promise<absl::StatusOr<NamedValues>>>();
  std::future<absl::StatusOr<NamedValues>> future = promise->get_future();
  workers_.Submit([this, promise, inputs = std::move(inputs), options]() mutable {
    promise->set_value(Run(inputs, options));
  });
  return future;
}

}  // namespace braid::runtime
