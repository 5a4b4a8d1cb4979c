#include "backends/cpu/cpu_executable.h"

#include <algorithm>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace braid::backends::cpu {

// ---------------------------------------------------------------- build-time structures

struct CpuExecutable::Step {
  const graph::Node* node = nullptr;
  std::unique_ptr<Kernel> kernel;
  std::vector<int> inputs;    // slot per input, -1 when omitted
  std::vector<int> implicit;  // slots of implicit inputs
  std::vector<int> outputs;   // slot per output
  std::vector<bool> wanted;   // output has a reader or is a graph output
  std::vector<int> release;   // slots whose last reader is this step
};

// Buffer layout for one input signature, plus a pool of arenas so that
// concurrent runs never share one.
struct CpuExecutable::Plan {
  MemoryPlan memory;
  std::vector<int64_t> bytes;
  absl::flat_hash_map<int64_t, int> buffer_of;  // step * 1024 + output -> buffer
  int64_t peak_live_bytes = 0;
  int64_t unshared_bytes = 0;  // sum of every buffer

  mutable std::mutex mu;
  mutable std::vector<std::shared_ptr<std::byte>> free_arenas;

  static int64_t Key(int step, int output) { return int64_t{step} * 1024 + output; }

  std::shared_ptr<std::byte> Acquire() const {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!free_arenas.empty()) {
        auto arena = std::move(free_arenas.back());
        free_arenas.pop_back();
        return arena;
      }
    }
    void* raw = ::operator new(static_cast<size_t>(std::max<int64_t>(memory.arena_bytes, kArenaAlignment)),
                               std::align_val_t(kArenaAlignment), std::nothrow);
    if (raw == nullptr) return nullptr;
    return std::shared_ptr<std::byte>(static_cast<std::byte*>(raw),
                                      [](std::byte* p) { ::operator delete(p, std::align_val_t(kArenaAlignment)); });
  }
  void Release(std::shared_ptr<std::byte> arena) const {
    std::lock_guard<std::mutex> lock(mu);
    if (free_arenas.size() < 4) free_arenas.push_back(std::move(arena));
  }
};

// ---------------------------------------------------------------- run state

// Everything one run owns: slot values, which buffers each slot's data
// lives in, the arena (planned runs) or the recording (first runs).
class CpuExecutable::RunState {
 public:
  struct Buffer {  // a recorded heap buffer (first run) or a planned one
    int step;
    int output;
    int64_t bytes;
    const std::byte* begin;
    const std::byte* end;
    int last_step;
    bool escapes = false;
  };

  RunState(const CpuExecutable& exe, std::shared_ptr<const Plan> plan) : exe_(exe), plan_(std::move(plan)) {
    slots.resize(exe.num_slots_);
    slot_buffers.resize(exe.num_slots_);
    if (plan_) {
      arena_ = plan_->Acquire();
      if (arena_ == nullptr) plan_.reset();  // no memory for the arena: run from the heap
    }
    if (plan_) live_count_.assign(plan_->bytes.size(), 0);
  }
  ~RunState() {
    if (plan_ && arena_) {
      slots.clear();
      plan_->Release(std::move(arena_));
    }
  }

  bool recording() const { return plan_ == nullptr; }
  const Plan* plan() const { return plan_.get(); }
  std::byte* arena_base() const { return arena_.get(); }

  // Output buffer for (step, output) of `bytes`: planned arena memory when
  // safe, else the heap. Returns the tensor and records its buffer.
  absl::StatusOr<Tensor> Allocate(int step, int output, int slot, DataType dtype, Shape shape) {
    BRAID_ASSIGN_OR_RETURN(int64_t count, ShapeElementCount(shape));
    int64_t bytes = count * static_cast<int64_t>(DataTypeSize(dtype));
    if (plan_ && dtype != DataType::kString) {
      auto it = plan_->buffer_of.find(Plan::Key(step, output));
      if (it != plan_->buffer_of.end() && bytes <= plan_->bytes[it->second] && Reusable(it->second)) {
        int k = it->second;
        ++live_count_[k];
        slot_buffers[slot] = {k};
        return Tensor::Wrap(dtype, std::move(shape), arena_.get() + plan_->memory.offsets[k], arena_);
      }
    }
    BRAID_ASSIGN_OR_RETURN(Tensor t, Tensor::Create(dtype, std::move(shape)));
    heap_bytes_ += static_cast<int64_t>(t.byte_size());
    peak_heap_bytes_ = std::max(peak_heap_bytes_, heap_bytes_);
    if (recording()) {
      auto* b = static_cast<const std::byte*>(t.raw_data());
      recorded_.push_back({step, output, bytes, b, b + bytes, step});
      slot_buffers[slot] = {static_cast<int>(recorded_.size()) - 1};
    }
    return t;
  }

  // Records which buffers of the step's input slots `value` aliases.
  void TrackAliases(int slot, const Value& value, const Step& step) {
    std::vector<int> found;
    auto check = [&](const Tensor& t) {
      const auto* p = static_cast<const std::byte*>(t.raw_data());
      if (p == nullptr) return;
      auto scan = [&](int in_slot) {
        if (in_slot < 0) return;
        for (int b : slot_buffers[in_slot]) {
          if (Contains(b, p) && std::find(found.begin(), found.end(), b) == found.end()) found.push_back(b);
        }
      };
      for (int s : step.inputs) scan(s);
      for (int s : step.implicit) scan(s);
    };
    if (value.is_tensor()) check(value.tensor());
    if (value.is_sequence()) {
      for (const Tensor& t : value.sequence()) check(t);
    }
    if (plan_) {
      for (int b : found) ++live_count_[b];
    }
    slot_buffers[slot] = std::move(found);
  }

  // Drops a slot's value after its last reader (step index `step`).
  void ReleaseSlot(int slot, int step) {
    for (int b : slot_buffers[slot]) {
      if (plan_) {
        --live_count_[b];
      } else {
        recorded_[b].last_step = std::max(recorded_[b].last_step, step);
      }
    }
    slot_buffers[slot].clear();
    slots[slot] = Value();
  }

  void MarkEscaping(int slot) {
    if (!recording()) return;
    for (int b : slot_buffers[slot]) recorded_[b].escapes = true;
  }

  // Builds the plan for later runs from this (recording) run.
  std::shared_ptr<const Plan> BuildPlan() const {
    auto plan = std::make_shared<Plan>();
    std::vector<BufferLifetime> lifetimes;
    for (const Buffer& b : recorded_) {
      if (b.escapes) continue;
      plan->buffer_of[Plan::Key(b.step, b.output)] = static_cast<int>(lifetimes.size());
      plan->bytes.push_back(b.bytes);
      lifetimes.push_back({b.bytes, b.step, b.last_step});
    }
    plan->memory = PlanMemory(lifetimes);
    plan->peak_live_bytes = cpu::PeakLiveBytes(lifetimes);
    for (const BufferLifetime& l : lifetimes) plan->unshared_bytes += l.bytes;
    return plan;
  }

  bool InArena(int slot) const { return plan_ && !slot_buffers[slot].empty(); }
  int64_t peak_heap_bytes() const { return peak_heap_bytes_; }

  std::vector<Value> slots;
  std::vector<std::vector<int>> slot_buffers;

 private:
  bool Contains(int b, const std::byte* p) const {
    if (plan_) {
      const std::byte* begin = arena_.get() + plan_->memory.offsets[b];
      return p >= begin && p < begin + std::max<int64_t>(plan_->bytes[b], 1);
    }
    return p >= recorded_[b].begin && p < std::max(recorded_[b].end, recorded_[b].begin + 1);
  }
  // A planned buffer may be handed out when nothing live uses its bytes.
  bool Reusable(int k) const {
    if (live_count_[k] > 0) return false;
    for (int j : plan_->memory.overlaps[k]) {
      if (live_count_[j] > 0) return false;
    }
    return true;
  }

  const CpuExecutable& exe_;
  std::shared_ptr<const Plan> plan_;
  std::shared_ptr<std::byte> arena_;
  std::vector<int> live_count_;
  std::vector<Buffer> recorded_;
  int64_t heap_bytes_ = 0;
  int64_t peak_heap_bytes_ = 0;
};

// ---------------------------------------------------------------- kernel context

class CpuExecutable::StepContext : public KernelContext {
 public:
  StepContext(RunState& state, const Step& step, int step_index, const ThreadPool& pool, const RunContext& run)
      : state_(state), step_(step), step_index_(step_index), pool_(pool), run_(run) {}

  const graph::Node& node() const override { return *step_.node; }
  int num_inputs() const override { return static_cast<int>(step_.inputs.size()); }
  const Value& input_value(int i) const override {
    static const Value kNone;
    int slot = i < num_inputs() ? step_.inputs[i] : -1;
    return slot < 0 ? kNone : state_.slots[slot];
  }
  int num_implicit_inputs() const override { return static_cast<int>(step_.implicit.size()); }
  const Value& implicit_input(int i) const override { return state_.slots[step_.implicit[i]]; }
  int num_outputs() const override { return static_cast<int>(step_.outputs.size()); }
  bool output_wanted(int i) const override { return i < num_outputs() && step_.wanted[i]; }

  absl::StatusOr<Tensor*> AllocateOutput(int i, DataType dtype, Shape shape) override {
    if (i < 0 || i >= num_outputs()) return Error(absl::StrCat("kernel wrote output ", i, " of ", num_outputs()));
    int slot = step_.outputs[i];
    BRAID_ASSIGN_OR_RETURN(Tensor t, state_.Allocate(step_index_, i, slot, dtype, std::move(shape)));
    state_.slots[slot] = Value(std::move(t));
    return &state_.slots[slot].tensor();
  }
  void SetOutput(int i, Value value) override {
    if (i < 0 || i >= num_outputs()) return;
    int slot = step_.outputs[i];
    state_.TrackAliases(slot, value, step_);
    state_.slots[slot] = std::move(value);
  }
  void ParallelFor(int64_t n, double cost, const std::function<void(int64_t, int64_t)>& fn) const override {
    pool_.ParallelFor(n, cost, fn);
  }
  int num_threads() const override { return pool_.num_threads(); }
  const RunContext& run_context() const override { return run_; }

 private:
  RunState& state_;
  const Step& step_;
  int step_index_;
  const ThreadPool& pool_;
  const RunContext& run_;
};

// ---------------------------------------------------------------- CpuExecutable

CpuExecutable::CpuExecutable(const graph::Graph& graph, std::shared_ptr<const ThreadPool> pool)
    : graph_(graph), pool_(std::move(pool)) {}

CpuExecutable::~CpuExecutable() = default;

absl::StatusOr<std::unique_ptr<CpuExecutable>> CpuExecutable::Create(const graph::Graph& graph,
                                                                     const KernelRegistry& registry,
                                                                     std::shared_ptr<const ThreadPool> pool) {
  std::unique_ptr<CpuExecutable> exe(new CpuExecutable(graph, std::move(pool)));
  BRAID_RETURN_IF_ERROR(exe->Build(registry));
  return exe;
}

absl::Status CpuExecutable::Build(const KernelRegistry& registry) {
  absl::flat_hash_map<const graph::Value*, int> slot_of;
  auto slot = [&](const graph::Value* v) {
    auto [it, inserted] = slot_of.try_emplace(v, num_slots_);
    if (inserted) ++num_slots_;
    return it->second;
  };
  for (const graph::Value* v : graph_.inputs()) input_slots_.push_back(slot(v));
  for (const graph::Value* v : graph_.captures()) input_slots_.push_back(slot(v));
  for (const graph::Value* v : graph_.Initializers()) constants_.emplace_back(slot(v), Value(*v->initializer()));

  const std::vector<graph::Node*>& nodes = graph_.nodes();
  steps_.resize(nodes.size());
  std::vector<int> last_use;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const graph::Node& node = *nodes[i];
    Step& step = steps_[i];
    step.node = &node;
    for (const graph::Value* v : node.inputs()) {
      if (v != nullptr && !slot_of.contains(v) && v->origin() != graph::Value::Origin::kNodeOutput) {
        return absl::InvalidArgumentError(absl::StrCat("node '", node.name(), "' reads '", v->name(),
                                                       "', which is not defined in graph '", graph_.name(), "'"));
      }
      step.inputs.push_back(v == nullptr ? -1 : slot(v));
    }
    for (const graph::Value* v : node.implicit_inputs()) step.implicit.push_back(slot(v));
    for (const graph::Value* v : node.outputs()) {
      step.outputs.push_back(slot(v));
      step.wanted.push_back(!v->uses().empty() || v->is_graph_output());
    }
    last_use.resize(num_slots_, -1);
    for (int s : step.inputs) {
      if (s >= 0) last_use[s] = static_cast<int>(i);
    }
    for (int s : step.implicit) last_use[s] = static_cast<int>(i);
    for (int s : step.outputs) last_use[s] = std::max(last_use[s], static_cast<int>(i));

    absl::StatusOr<const KernelDef*> def = registry.Find(node);
    if (!def.ok()) return def.status();
    KernelInit init(node, [this, &registry](const graph::Graph& g) -> absl::StatusOr<std::unique_ptr<SubgraphRunner>> {
      BRAID_ASSIGN_OR_RETURN(std::unique_ptr<CpuExecutable> sub, CpuExecutable::Create(g, registry, pool_));
      return std::unique_ptr<SubgraphRunner>(std::move(sub));
    });
    absl::StatusOr<std::unique_ptr<Kernel>> kernel = (*def)->factory(init);
    if (!kernel.ok()) {
      const std::string& msg = std::string(kernel.status().message());
      if (absl::StartsWith(msg, "node '")) return kernel.status();
      return absl::Status(kernel.status().code(),
                          absl::StrCat("node '", node.name(), "' (", node.op_type(), "): ", msg));
    }
    step.kernel = *std::move(kernel);
  }
  last_use.resize(num_slots_, -1);
  for (const graph::Value* v : graph_.outputs()) {
    auto it = slot_of.find(v);
    if (it == slot_of.end()) {
      return absl::InvalidArgumentError(absl::StrCat("graph output '", v->name(), "' is not computed"));
    }
    output_slots_.push_back(it->second);
    last_use[it->second] = INT32_MAX;  // never released
  }
  for (int s = 0; s < num_slots_; ++s) {
    if (last_use[s] >= 0 && last_use[s] != INT32_MAX) steps_[last_use[s]].release.push_back(s);
  }
  return absl::OkStatus();
}

std::string CpuExecutable::Signature(std::span<const Value> inputs) const {
  std::string sig;
  for (const Value& v : inputs) {
    absl::StrAppend(&sig, v.DebugString(), ";");
    if (v.is_sequence()) {
      for (const Tensor& t : v.sequence()) absl::StrAppend(&sig, ShapeToString(t.shape()));
    }
  }
  return sig;
}

absl::Status CpuExecutable::Run(std::span<const Value> inputs, std::vector<Value>& outputs,
                                const RunContext& context) const {
  absl::Status status;
  pool_->Execute([&] { status = RunSteps(inputs, outputs, context); });
  return status;
}

absl::Status CpuExecutable::Run(std::span<const Value> inputs, std::vector<Value>& outputs,
                                const KernelContext& parent) const {
  return RunSteps(inputs, outputs, parent.run_context());
}

absl::Status CpuExecutable::RunSteps(std::span<const Value> inputs, std::vector<Value>& outputs,
                                     const RunContext& context) const {
  if (inputs.size() != input_slots_.size()) {
    return absl::InvalidArgumentError(absl::StrCat("graph '", graph_.name(), "' takes ", input_slots_.size(),
                                                   " inputs, got ", inputs.size()));
  }
  std::string signature = Signature(inputs);
  std::shared_ptr<const Plan> plan;
  {
    std::lock_guard<std::mutex> lock(plans_mutex_);
    auto it = plans_.find(signature);
    if (it != plans_.end()) plan = it->second;
  }
  RunState state(*this, plan);
  for (const auto& [slot, value] : constants_) state.slots[slot] = value;
  for (size_t i = 0; i < inputs.size(); ++i) state.slots[input_slots_[i]] = inputs[i];

  for (size_t i = 0; i < steps_.size(); ++i) {
    const Step& step = steps_[i];
    if (context.cancelled != nullptr && context.cancelled->load(std::memory_order_relaxed)) {
      return absl::CancelledError("run cancelled");
    }
    StepContext ctx(state, step, static_cast<int>(i), *pool_, context);
    absl::Status status = step.kernel->Compute(ctx);
    if (!status.ok()) {
      std::string msg(status.message());
      if (absl::StartsWith(msg, "node '")) return status;
      return absl::Status(status.code(),
                          absl::StrCat("node '", step.node->name(), "' (", step.node->op_type(), "): ", msg));
    }
    for (int s : step.release) state.ReleaseSlot(s, static_cast<int>(i));
  }

  outputs.clear();
  outputs.reserve(output_slots_.size());
  for (int slot : output_slots_) {
    state.MarkEscaping(slot);
    Value v = state.slots[slot];
    if (state.InArena(slot)) {  // outputs must not keep the arena
      if (v.is_tensor()) {
        BRAID_ASSIGN_OR_RETURN(v, v.tensor().Clone());
      } else if (v.is_sequence()) {
        for (Tensor& t : v.sequence()) {
          BRAID_ASSIGN_OR_RETURN(t, t.Clone());
        }
      }
    }
    outputs.push_back(std::move(v));
  }

  CpuMemoryStats stats;
  stats.peak_heap_bytes = state.peak_heap_bytes();
  if (state.recording()) {
    std::shared_ptr<const Plan> built = state.BuildPlan();
    stats.planned_peak_live_bytes = built->peak_live_bytes;
    stats.unshared_bytes = built->unshared_bytes;
    std::lock_guard<std::mutex> lock(plans_mutex_);
    constexpr size_t kMaxPlans = 16;
    if (plans_.size() >= kMaxPlans) plans_.erase(plans_.begin());
    plans_.emplace(signature, std::move(built));
  } else {
    stats.arena_bytes = state.plan()->memory.arena_bytes;
    stats.planned_peak_live_bytes = state.plan()->peak_live_bytes;
    stats.unshared_bytes = state.plan()->unshared_bytes;
  }
  std::lock_guard<std::mutex> lock(plans_mutex_);
  last_stats_ = stats;
  return absl::OkStatus();
}

int64_t CpuExecutable::PeakMemoryBytes() const {
  CpuMemoryStats stats = last_memory_stats();
  return stats.arena_bytes + stats.peak_heap_bytes;
}

CpuMemoryStats CpuExecutable::last_memory_stats() const {
  std::lock_guard<std::mutex> lock(plans_mutex_);
  return last_stats_;
}

}  // namespace braid::backends::cpu
