// Loop: runs `body` while the trip count and condition allow, threading
// loop-carried values (tensors, sequences, optionals) through iterations and
// stacking each scan output along a new leading axis.
//
// Termination follows the ONNX table: with a trip count M the body's
// condition output matters only when the cond input is given. With neither
// M nor cond the body's condition output ends the loop (a literal reading
// would never terminate); cancelling the run also stops it.
#include "backends/cpu/kernel_registry.h"
#include "backends/cpu/kernels/control/subgraph.h"
#include "backends/cpu/kernels/control/tensor_util.h"

namespace braid::backends::cpu {
namespace {

using control::BoundSubgraph;

class LoopKernel : public Kernel {
 public:
  static absl::StatusOr<std::unique_ptr<Kernel>> Create(const KernelInit& init) {
    BRAID_ASSIGN_OR_RETURN(BoundSubgraph body, BoundSubgraph::Create(init, "body"));
    if (init.num_inputs() < 2) return init.Error("needs inputs M and cond (either may be omitted, not left out)");
    int carried = init.num_inputs() - 2;
    int scans = init.num_outputs() - carried;
    if (scans < 0) {
      return init.Error(absl::StrCat("has ", carried, " loop-carried inputs but only ", init.num_outputs(), " outputs"));
    }
    if (body.num_inputs() != 2 + carried) {
      return init.Error(absl::StrCat("body takes ", body.num_inputs(), " inputs, expected 2 + ", carried));
    }
    if (body.num_outputs() != 1 + carried + scans) {
      return init.Error(absl::StrCat("body yields ", body.num_outputs(), " outputs, expected 1 + ", carried, " + ",
                                     scans));
    }
    auto k = std::unique_ptr<LoopKernel>(new LoopKernel(std::move(body)));
    k->num_carried_ = carried;
    k->num_scans_ = scans;
    // Element types and shapes for scan outputs of a loop that runs zero times.
    for (int s = 0; s < scans; ++s) {
      const graph::ValueType& bt = k->body_.output_type(1 + carried + s);
      DataType dt = bt.ScalarType();
      if (dt == DataType::kUndefined) dt = init.node().output(carried + s)->type().ScalarType();
      if (dt == DataType::kUndefined) dt = DataType::kFloat32;
      Shape empty{0};
      if (bt.is_tensor() && bt.shape) {
        if (std::optional<Shape> s2 = graph::ToConcrete(*bt.shape)) empty.insert(empty.end(), s2->begin(), s2->end());
      }
      k->empty_scan_types_.push_back(dt);
      k->empty_scan_shapes_.push_back(std::move(empty));
    }
    return std::unique_ptr<Kernel>(std::move(k));
  }

  absl::Status Compute(KernelContext& ctx) const override {
    bool has_max = ctx.has_input(0);
    bool has_cond = ctx.has_input(1);
    int64_t max_trip = 0;
    if (has_max) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* m, ctx.RequireTensor(0));
      absl::StatusOr<int64_t> v = control::ReadIntScalar(*m, "trip count M");
      if (!v.ok()) return ctx.Error(std::string(v.status().message()));
      max_trip = *v;
    }
    bool cond = true;
    if (has_cond) {
      BRAID_ASSIGN_OR_RETURN(const Tensor* c, ctx.RequireTensor(1));
      absl::StatusOr<bool> v = control::ReadBoolScalar(*c, "cond");
      if (!v.ok()) return ctx.Error(std::string(v.status().message()));
      cond = *v;
    }
    bool body_cond_matters = has_cond || !has_max;

    std::vector<Value> inputs = body_.MakeInputs(ctx);
    for (int i = 0; i < num_carried_; ++i) inputs[2 + i] = ctx.input_value(2 + i);
    std::vector<std::vector<Tensor>> scans(num_scans_);
    std::vector<Value> outputs;
    int64_t iter = 0;
    for (; (!has_max || iter < max_trip) && cond; ++iter) {
      if (ctx.cancelled()) return absl::CancelledError("run cancelled");
      inputs[0] = Value(Tensor::Scalar<int64_t>(iter));
      inputs[1] = Value(Tensor::Scalar<bool>(cond));
      BRAID_RETURN_IF_ERROR(body_.Run(ctx, inputs, outputs));
      if (body_cond_matters) {
        if (!outputs[0].is_tensor()) return ctx.Error("body's condition output must be a bool tensor");
        absl::StatusOr<bool> v = control::ReadBoolScalar(outputs[0].tensor(), "body condition output");
        if (!v.ok()) return ctx.Error(std::string(v.status().message()));
        cond = *v;
      }
      for (int i = 0; i < num_carried_; ++i) inputs[2 + i] = std::move(outputs[1 + i]);
      for (int s = 0; s < num_scans_; ++s) {
        Value& v = outputs[1 + num_carried_ + s];
        if (!v.is_tensor()) return ctx.Error(absl::StrCat("scan output ", s, " of the body must be a tensor"));
        if (!scans[s].empty()) {
          const Tensor& first = scans[s][0];
          if (first.dtype() != v.tensor().dtype() || first.shape() != v.tensor().shape()) {
            return ctx.Error(absl::StrCat("scan output ", s, " changed from ", DataTypeName(first.dtype()),
                                          ShapeToString(first.shape()), " to ", DataTypeName(v.tensor().dtype()),
                                          ShapeToString(v.tensor().shape()), " at iteration ", iter));
          }
        }
        scans[s].push_back(std::move(v.tensor()));
      }
    }

    for (int i = 0; i < num_carried_; ++i) ctx.SetOutput(i, std::move(inputs[2 + i]));
    for (int s = 0; s < num_scans_; ++s) {
      int out = num_carried_ + s;
      if (scans[s].empty()) {
        BRAID_RETURN_IF_ERROR(ctx.AllocateOutput(out, empty_scan_types_[s], empty_scan_shapes_[s]).status());
        continue;
      }
      Shape shape = scans[s][0].shape();
      shape.insert(shape.begin(), static_cast<int64_t>(scans[s].size()));
      BRAID_ASSIGN_OR_RETURN(Tensor * t, ctx.AllocateOutput(out, scans[s][0].dtype(), std::move(shape)));
      control::StackInto(scans[s], 0, *t);
    }
    return absl::OkStatus();
  }

 private:
  explicit LoopKernel(BoundSubgraph body) : body_(std::move(body)) {}

  BoundSubgraph body_;
  int num_carried_ = 0;
  int num_scans_ = 0;
  std::vector<DataType> empty_scan_types_;
  std::vector<Shape> empty_scan_shapes_;
};

}  // namespace

void RegisterLoopKernel(KernelRegistry& registry) { registry.Add("Loop", 1, INT_MAX, FactoryOf<LoopKernel>()); }

}  // namespace braid::backends::cpu
