#include "scheduler/sim/sim_device.h"

#include <algorithm>
#include <utility>

namespace braid::scheduler::sim {

SimDevice::SimDevice(std::string name, DevicePreset preset, const std::vector<SimModel>* models,
                     VirtualClock* clock, uint64_t seed)
    : name_(std::move(name)),
      preset_(std::move(preset)),
      info_(TargetInfoOf(preset_, name_)),
      models_(models),
      clock_(clock),
      rng_(seed) {}

int SimDevice::ModelIndex(std::string_view name) const {
  for (size_t i = 0; i < models_->size(); ++i) {
    if ((*models_)[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::optional<ModelCost> SimDevice::CostOf(std::string_view model) const {
  const int m = ModelIndex(model);
  if (m < 0) return std::nullopt;
  return ModelCostOf((*models_)[m]);
}

absl::Status SimDevice::CheckHealth() {
  if (failed_) return absl::UnavailableError("simulated device " + name_ + " is down");
  return absl::OkStatus();
}

void SimDevice::StartBatch(BatchJob job, BatchDone done) {
  const Nanos now = clock_->Now();
  const int items = static_cast<int>(job.inputs.size());
  const uint64_t token = next_token_++;
  const int m = ModelIndex(job.model);
  if (failed_ || m < 0) {
    // A failed device reports the error after one launch overhead.
    ++batches_failed_;
    const char* why = m < 0 ? "model not deployed on simulated device" : "simulated device failure";
    clock_->RunAt(now + Microseconds(preset_.launch_overhead_us), [done = std::move(done), why, name = name_] {
      BatchResult r;
      r.status = absl::UnavailableError(std::string(why) + " (" + name + ")");
      done(std::move(r));
    });
    return;
  }
  const double noise = rng_.LogNormalMeanOne(preset_.noise_sigma);
  const Nanos service = std::max<Nanos>(
      1, static_cast<Nanos>(static_cast<double>(ServiceTime(preset_, (*models_)[m], items)) * slowdown_ * noise));
  Running r{token, items, service, now + service, std::move(done), wedged_};
  running_.push_back(std::move(r));
  if (!wedged_) clock_->RunAt(now + service, [this, token] { Complete(token); });
}

void SimDevice::Complete(uint64_t token) {
  auto it = std::find_if(running_.begin(), running_.end(), [token](const Running& r) { return r.token == token; });
  if (it == running_.end()) return;  // failed meanwhile
  if (wedged_) {
    it->held = true;  // wedged mid-run: hold it
    return;
  }
  Running r = std::move(*it);
  running_.erase(it);
  busy_ns_ += r.service;
  ++batches_completed_;
  BatchResult result;
  result.outputs.resize(r.items, NamedValues());
  r.done(std::move(result));
}

void SimDevice::FinishWithError(Running& r, const char* why) {
  const Nanos now = clock_->Now();
  const Nanos started = r.end - r.service;
  busy_ns_ += std::max<Nanos>(0, now - started);
  ++batches_failed_;
  BatchResult result;
  result.status = absl::UnavailableError(std::string(why) + " (" + name_ + ")");
  clock_->RunAt(now, [done = std::move(r.done), result = std::move(result)]() mutable { done(std::move(result)); });
}

void SimDevice::Fail() {
  failed_ = true;
  std::vector<Running> running = std::move(running_);
  running_.clear();
  for (Running& r : running) FinishWithError(r, "simulated device failure");
}

void SimDevice::Recover() { failed_ = false; }

void SimDevice::Wedge() { wedged_ = true; }

void SimDevice::Unwedge() {
  wedged_ = false;
  const Nanos now = clock_->Now();
  for (Running& r : running_) {
    if (!r.held) continue;  // its completion event is still pending
    r.held = false;
    r.end = now + r.service;
    const uint64_t token = r.token;
    clock_->RunAt(r.end, [this, token] { Complete(token); });
  }
}

}  // namespace braid::scheduler::sim
