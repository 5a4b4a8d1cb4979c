// Scan, both forms:
//  - opset 8: optional sequence_lens first; every input has batch axis 0,
//    scan inputs are scanned along axis 1 (per batch entry), `directions`.
//  - opset 9+: no batch axis; scan_input_axes/directions and
//    scan_output_axes/directions.
#include <algorithm>

#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/control/subgraph.h"
#include "backends/cpu/kernels/control/tensor_util.h"

namespace braid::backends::cpu {
namespace {

using control::BoundSubgraph;

absl::StatusOr<std::vector<int64_t>> FlagsAttr(const KernelInit& init, const char* name, int count) {
  BRAID_ASSIGN_OR_RETURN(std::vector<int64_t> v, init.GetInts(name, std::vector<int64_t>(count, 0)));
  if (static_cast<int>(v.size()) != count) {
    return init.Error(absl::StrCat("attribute ", name, " has ", v.size(), " entries, expected ", count));
  }
  return v;
}

class ScanKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    BRAID_ASSIGN_OR_RETURN(BoundSubgraph body, BoundSubgraph::Create(init, "body"));
    auto k = std::unique_ptr<ScanKernel>(new ScanKernel(std::move(body)));
    k->batched_ = init.opset() < 9;
    BRAID_ASSIGN_OR_RETURN(int64_t m, init.GetInt("num_scan_inputs"));
    int first = k->batched_ ? 1 : 0;  // opset 8: input 0 is sequence_lens
    int n = init.num_inputs() - first - static_cast<int>(m);
    if (m < 1 || n < 0) {
      return init.Error(absl::StrCat("num_scan_inputs ", m, " does not fit the node's ", init.num_inputs(), " inputs"));
    }
    int kk = init.num_outputs() - n;
    if (kk < 0) return init.Error(absl::StrCat("has ", n, " state inputs but only ", init.num_outputs(), " outputs"));
    if (k->body_.num_inputs() != n + m) {
      return init.Error(absl::StrCat("body takes ", k->body_.num_inputs(), " inputs, expected ", n + m));
    }
    if (k->body_.num_outputs() != n + kk) {
      return init.Error(absl::StrCat("body yields ", k->body_.num_outputs(), " outputs, expected ", n + kk));
    }
    k->num_states_ = n;
    k->num_scan_inputs_ = static_cast<int>(m);
    k->num_scan_outputs_ = kk;
    if (k->batched_) {
      BRAID_ASSIGN_OR_RETURN(k->input_directions_, FlagsAttr(init, "directions", k->num_scan_inputs_));
      k->input_axes_.assign(m, 0);
      k->output_directions_.assign(kk, 0);
      k->output_axes_.assign(kk, 0);
    } else {
      BRAID_ASSIGN_OR_RETURN(k->input_directions_, FlagsAttr(init, "scan_input_directions", k->num_scan_inputs_));
      BRAID_ASSIGN_OR_RETURN(k->input_axes_, FlagsAttr(init, "scan_input_axes", k->num_scan_inputs_));
      BRAID_ASSIGN_OR_RETURN(k->output_directions_, FlagsAttr(init, "scan_output_directions", kk));
      BRAID_ASSIGN_OR_RETURN(k->output_axes_, FlagsAttr(init, "scan_output_axes", kk));
    }
    for (int s = 0; s < kk; ++s) {
      const graph::ValueType& t = k->body_.output_type(n + s);
      std::optional<Shape> shape = t.is_tensor() && t.shape ? graph::ToConcrete(*t.shape) : std::nullopt;
      k->static_out_shapes_.push_back(shape);
      DataType dt = t.ScalarType();
      k->static_out_types_.push_back(dt == DataType::kUndefined ? DataType::kFloat32 : dt);
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    return batched_ ? ComputeBatched(ctx) : ComputeUnbatched(ctx);
  }

 private:
  explicit ScanKernel(BoundSubgraph body) : body_(std::move(body)) {}

  // One scan over `length` steps. states: in/out; scan_inputs are indexed
  // along scan_axes; outputs[s] collects the step outputs in step order.
  absl::Status RunScan(KernelContext& ctx, std::vector<Value>& states, const std::vector<Tensor>& scan_inputs,
                       const std::vector<int64_t>& scan_axes, int64_t length,
                       std::vector<std::vector<Tensor>>& outputs) const {
    std::vector<Value> inputs = body_.MakeInputs(ctx);
    std::vector<Value> results;
    outputs.assign(num_scan_outputs_, {});
    for (int64_t t = 0; t < length; ++t) {
      if (ctx.cancelled()) return absl::CancelledError("run cancelled");
      for (int i = 0; i < num_states_; ++i) inputs[i] = std::move(states[i]);
      for (int j = 0; j < num_scan_inputs_; ++j) {
        int64_t index = input_directions_[j] != 0 ? length - 1 - t : t;
        absl::StatusOr<Tensor> slice = control::SliceAxis(scan_inputs[j], scan_axes[j], index);
        if (!slice.ok()) return ctx.Error(std::string(slice.status().message()));
        inputs[num_states_ + j] = *std::move(slice);
      }
      BRAID_RETURN_IF_ERROR(body_.Run(ctx, inputs, results));
      for (int i = 0; i < num_states_; ++i) states[i] = std::move(results[i]);
      for (int s = 0; s < num_scan_outputs_; ++s) {
        Value& v = results[num_states_ + s];
        if (!v.is_tensor()) return ctx.Error(absl::StrCat("scan output ", s, " of the body must be a tensor"));
        if (!outputs[s].empty() &&
            (outputs[s][0].shape() != v.tensor().shape() || outputs[s][0].dtype() != v.tensor().dtype())) {
          return ctx.Error(absl::StrCat("scan output ", s, " changed shape from ", ShapeToString(outputs[s][0].shape()),
                                        " to ", ShapeToString(v.tensor().shape()), " at step ", t));
        }
        outputs[s].push_back(std::move(v.tensor()));
      }
    }
    return absl::OkStatus();
  }

  absl::Status ComputeUnbatched(KernelContext& ctx) const {
    std::vector<Value> states(num_states_);
    for (int i = 0; i < num_states_; ++i) states[i] = ctx.input_value(i);
    std::vector<Tensor> scan_inputs;
    std::vector<int64_t> axes;
    int64_t length = -1;
    for (int j = 0; j < num_scan_inputs_; ++j) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(num_states_ + j));
      absl::StatusOr<int64_t> axis = control::NormalizeAxis(input_axes_[j], x->rank(), "scan_input_axes entry");
      if (!axis.ok()) return ctx.Error(std::string(axis.status().message()));
      if (length >= 0 && x->dim(*axis) != length) {
        return ctx.Error(absl::StrCat("scan input ", j, " has length ", x->dim(*axis), " along its scan axis, but ",
                                      "earlier scan inputs have ", length));
      }
      length = x->dim(*axis);
      scan_inputs.push_back(*x);
      axes.push_back(*axis);
    }
    std::vector<std::vector<Tensor>> outs;
    BRAID_RETURN_IF_ERROR(RunScan(ctx, states, scan_inputs, axes, length, outs));
    for (int i = 0; i < num_states_; ++i) ctx.SetOutput(i, std::move(states[i]));
    for (int s = 0; s < num_scan_outputs_; ++s) {
      Shape elem;
      DataType dtype;
      if (!outs[s].empty()) {
        elem = outs[s][0].shape();
        dtype = outs[s][0].dtype();
      } else {
        elem = static_out_shapes_[s].value_or(Shape{});
        dtype = static_out_types_[s];
      }
      absl::StatusOr<int64_t> axis =
          control::NormalizeAxis(output_axes_[s], static_cast<int64_t>(elem.size()) + 1, "scan_output_axes entry");
      if (!axis.ok()) return ctx.Error(std::string(axis.status().message()));
      if (output_directions_[s] != 0) std::reverse(outs[s].begin(), outs[s].end());
      Shape shape = elem;
      shape.insert(shape.begin() + *axis, length);
      BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(num_states_ + s, dtype, std::move(shape)));
      control::StackInto(outs[s], *axis, *out);
    }
    return absl::OkStatus();
  }

  absl::Status ComputeBatched(KernelContext& ctx) const {
    const int first = 1;
    std::vector<Tensor> scan_inputs;
    int64_t batch = -1, max_len = -1;
    for (int j = 0; j < num_scan_inputs_; ++j) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* x, ctx.RequireTensor(first + num_states_ + j));
      if (x->rank() < 2) return ctx.Error(absl::StrCat("scan input ", j, " needs [batch, sequence, ...] dims"));
      if ((batch >= 0 && x->dim(0) != batch) || (max_len >= 0 && x->dim(1) != max_len)) {
        return ctx.Error("scan inputs must share batch size and sequence length");
      }
      batch = x->dim(0);
      max_len = x->dim(1);
      scan_inputs.push_back(*x);
    }
    std::vector<int64_t> lens(batch, max_len);
    if (ctx.has_input(0)) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* sl, ctx.RequireTensor(0));
      if (sl->num_elements() != batch || (sl->dtype() != DataType::kInt64 && sl->dtype() != DataType::kInt32)) {
        return ctx.Error(absl::StrCat("sequence_lens must be an int64 tensor of ", batch, " entries"));
      }
      for (int64_t b = 0; b < batch; ++b) {
        lens[b] = sl->dtype() == DataType::kInt64 ? sl->data<int64_t>()[b] : sl->data<int32_t>()[b];
        if (lens[b] < 0 || lens[b] > max_len) {
          return ctx.Error(absl::StrCat("sequence_lens[", b, "] = ", lens[b], " is outside [0, ", max_len, "]"));
        }
      }
    }
    std::vector<Tensor> init_states;
    for (int i = 0; i < num_states_; ++i) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* s, ctx.RequireTensor(first + i));
      if (s->rank() < 1 || s->dim(0) != batch) {
        return ctx.Error(absl::StrCat("state input ", i, " must have batch size ", batch, " in axis 0"));
      }
      init_states.push_back(*s);
    }
    std::vector<std::vector<Tensor>> final_states(num_states_);
    std::vector<std::vector<std::vector<Tensor>>> scan_outs(batch);
    std::vector<int64_t> axes(num_scan_inputs_, 0);  // axis 1 of the input = axis 0 of a batch entry
    for (int64_t b = 0; b < batch; ++b) {
      std::vector<Value> states(num_states_);
      for (int i = 0; i < num_states_; ++i) {
        BRAID_ASSIGN_OR_RETURN(Tensor s, control::SliceAxis(init_states[i], 0, b));
        states[i] = std::move(s);
      }
      std::vector<Tensor> entries;
      for (int j = 0; j < num_scan_inputs_; ++j) {
        BRAID_ASSIGN_OR_RETURN(Tensor e, control::SliceAxis(scan_inputs[j], 0, b));
        if (lens[b] < max_len) {  // only the first lens[b] steps exist; reverse scans start at lens[b]-1
          Shape sub = e.shape();
          sub[0] = lens[b];
          auto keep = std::make_shared<Tensor>(e);
          e = Tensor::Wrap(e.dtype(), std::move(sub), keep->raw_data(), keep);
        }
        entries.push_back(std::move(e));
      }
      BRAID_RETURN_IF_ERROR(RunScan(ctx, states, entries, axes, lens[b], scan_outs[b]));
      for (int i = 0; i < num_states_; ++i) {
        if (!states[i].is_tensor()) return ctx.Error("state outputs of the body must be tensors");
        if (b > 0 && (states[i].tensor().shape() != final_states[i][0].shape() ||
                      states[i].tensor().dtype() != final_states[i][0].dtype())) {
          return ctx.Error(absl::StrCat("state ", i, " has different shapes across batch entries"));
        }
        final_states[i].push_back(std::move(states[i].tensor()));
      }
    }
    for (int i = 0; i < num_states_; ++i) {
      if (batch == 0) {
        ctx.SetOutput(i, init_states[i]);
        continue;
      }
      Shape shape = final_states[i][0].shape();
      shape.insert(shape.begin(), batch);
      BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(i, final_states[i][0].dtype(), std::move(shape)));
      control::StackInto(final_states[i], 0, *out);
    }
    for (int s = 0; s < num_scan_outputs_; ++s) {
      const Tensor* sample = nullptr;
      for (int64_t b = 0; b < batch && sample == nullptr; ++b) {
        if (!scan_outs[b][s].empty()) sample = &scan_outs[b][s][0];
      }
      Shape elem = sample != nullptr ? sample->shape() : static_out_shapes_[s].value_or(Shape{});
      DataType dtype = sample != nullptr ? sample->dtype() : static_out_types_[s];
      Shape shape = elem;
      shape.insert(shape.begin(), {batch, max_len});
      BRAID_ASSIGN_OR_RETURN(Tensor * out, ctx.AllocateOutput(num_states_ + s, dtype, std::move(shape)));
      int64_t step = control::DimProduct(elem, 0, elem.size());
      for (int64_t b = 0; b < batch; ++b) {
        const std::vector<Tensor>& steps = scan_outs[b][s];
        for (size_t t = 0; t < steps.size(); ++t) {
          if (steps[t].shape() != elem || steps[t].dtype() != dtype) {
            return ctx.Error(absl::StrCat("scan output ", s, " has different shapes across batch entries"));
          }
          control::CopyElements(steps[t], 0, *out, (b * max_len + static_cast<int64_t>(t)) * step, step);
        }
        int64_t done = static_cast<int64_t>(steps.size());
        control::FillZero(*out, (b * max_len + done) * step, (max_len - done) * step);
      }
    }
    return absl::OkStatus();
  }

  BoundSubgraph body_;
  bool batched_ = false;
  int num_states_ = 0;
  int num_scan_inputs_ = 0;
  int num_scan_outputs_ = 0;
  std::vector<int64_t> input_directions_, input_axes_, output_directions_, output_axes_;
  std::vector<std::optional<Shape>> static_out_shapes_;
  std::vector<DataType> static_out_types_;
};

}  // namespace

void RegisterScanKernel(KernelRegistry& registry) { registry.Add("Scan", 8, INT_MAX, FactoryOf<ScanKernel>()); }

}  // namespace braid::backends::cpu
