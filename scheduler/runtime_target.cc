#include "scheduler/runtime_target.h"

#include <algorithm>

#include "scheduler/batch_stacking.h"

namespace braid::scheduler {
namespace {

bool IsDeviceClass(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kAborted:
      return true;
    default:
      return false;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<RuntimeTarget>> RuntimeTarget::Create(
    const DeviceInfo& device, std::vector<std::pair<std::string, Session*>> sessions,
    RuntimeTargetOptions options) {
  if (device.name.empty()) return absl::InvalidArgumentError("RuntimeTarget: the device has no name");
  if (sessions.empty()) {
    return absl::InvalidArgumentError("RuntimeTarget '" + device.name + "': no sessions (models) given");
  }
  for (const auto& [model, session] : sessions) {
    if (session == nullptr) {
      return absl::InvalidArgumentError("RuntimeTarget '" + device.name + "': session for model '" + model +
                                        "' is null");
    }
  }
  TargetInfo info;
  info.name = options.name.empty() ? device.name : options.name;
  info.vendor = device.vendor.empty() ? "host" : device.vendor;
  // Emulated and real parts of one vendor are not interchangeable.
  info.kind = device.backend + ":" + (device.arch.empty() ? device.description : device.arch);
  info.peak_gflops = device.peak_gflops;
  info.memory_bandwidth_gbps = device.memory_bandwidth_gbps;
  info.launch_overhead_us = device.launch_overhead_us;
  info.busy_watts = options.busy_watts;
  info.max_concurrent_batches = std::max(options.workers, 1);
  return std::unique_ptr<RuntimeTarget>(
      new RuntimeTarget(std::move(info), std::move(sessions), options.workers, options.stack_batches));
}

RuntimeTarget::RuntimeTarget(TargetInfo info, std::vector<std::pair<std::string, Session*>> sessions, int workers,
                             bool stack_batches)
    : info_(std::move(info)), sessions_(std::move(sessions)), stack_batches_(stack_batches) {
  for (int i = 0; i < std::max(workers, 1); ++i) workers_.emplace_back([this] { Work(); });
}

RuntimeTarget::~RuntimeTarget() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

Session* RuntimeTarget::SessionFor(std::string_view model) const {
  for (const auto& [name, session] : sessions_) {
    if (name == model) return session;
  }
  return nullptr;
}

std::optional<ModelCost> RuntimeTarget::CostOf(std::string_view model) const {
  const Session* session = SessionFor(model);
  if (session == nullptr) return std::nullopt;
  ModelCost cost;
  cost.flops_per_item = session->EstimatedFlops();
  cost.bytes_per_item = session->EstimatedBytes();
  cost.kernel_launches = std::max<int>(1, static_cast<int>(session->placement().nodes.size()));
  return cost;
}

void RuntimeTarget::StartBatch(BatchJob job, BatchDone done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.emplace_back(std::move(job), std::move(done));
  }
  cv_.notify_one();
}

int64_t RuntimeTarget::requests_run() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_run_;
}

int64_t RuntimeTarget::stacked_batches_run() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stacked_batches_run_;
}

std::optional<BatchResult> RuntimeTarget::RunStacked(Session& session, const BatchJob& job) {
  std::optional<StackedBatch> stacked = StackAlongBatch(job.inputs, session.inputs());
  if (!stacked) return std::nullopt;
  RunOptions run_options;
  run_options.cancelled = job.cancelled.get();
  absl::StatusOr<NamedValues> out = session.Run(stacked->inputs, run_options);
  if (!out.ok()) return std::nullopt;
  absl::StatusOr<std::vector<NamedValues>> items = SplitAlongBatch(*out, stacked->item_sizes);
  if (!items.ok()) return std::nullopt;
  BatchResult result;
  for (NamedValues& item : *items) result.outputs.push_back(std::move(item));
  std::lock_guard<std::mutex> lock(mu_);
  ++stacked_batches_run_;
  return result;
}

BatchResult RuntimeTarget::RunBatch(const BatchJob& job) {
  BatchResult result;
  Session* session = SessionFor(job.model);
  if (session == nullptr) {
    result.status = absl::UnavailableError("model '" + job.model + "' is not loaded on " + info_.name);
    return result;
  }
  if (stack_batches_ && !(job.cancelled && job.cancelled->load())) {
    if (std::optional<BatchResult> stacked = RunStacked(*session, job)) return *std::move(stacked);
  }
  bool all_device_errors = !job.inputs.empty();
  absl::Status first_error;
  for (const NamedValues& inputs : job.inputs) {
    if (job.cancelled && job.cancelled->load()) {
      result.outputs.push_back(absl::CancelledError("batch cancelled"));
      all_device_errors = false;
      continue;
    }
    RunOptions run_options;
    run_options.cancelled = job.cancelled.get();
    absl::StatusOr<NamedValues> out = session->Run(inputs, run_options);
    if (out.ok() || !IsDeviceClass(out.status().code())) all_device_errors = false;
    if (!out.ok() && first_error.ok()) first_error = out.status();
    result.outputs.push_back(std::move(out));
  }
  if (all_device_errors) {
    result.status = absl::Status(first_error.code(), info_.name + ": " + std::string(first_error.message()));
    result.outputs.clear();
  }
  return result;
}

void RuntimeTarget::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    auto [job, done] = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    BatchResult result = RunBatch(job);
    {
      std::lock_guard<std::mutex> count_lock(mu_);
      requests_run_ += static_cast<int64_t>(job.inputs.size());
    }
    done(std::move(result));
    lock.lock();
  }
}

}  // namespace braid::scheduler
