#include "tests/runtime/test_device.h"

#include "absl/strings/str_cat.h"

namespace braid::testing {
namespace {

// Runs a CPU executable on tensors labelled as living on the test device.
class TestExecutable : public Executable {
 public:
  TestExecutable(std::unique_ptr<Executable> inner, std::string device) : inner_(std::move(inner)), device_(device) {}
  absl::Status Run(std::span<const Value> inputs, std::vector<Value>& outputs,
                   const RunContext& context) const override {
    std::vector<Value> host;
    for (const Value& v : inputs) {
      if (v.is_tensor() && v.tensor().location().device_name != device_) {
        return absl::InternalError(absl::StrCat("input not on ", device_));
      }
      host.push_back(v.is_tensor() ? Value(Relabel(v.tensor(), "")) : v);
    }
    absl::Status st = inner_->Run(host, outputs, context);
    for (Value& v : outputs) {
      if (v.is_tensor()) v = Value(Relabel(v.tensor(), device_));
    }
    return st;
  }

  static Tensor Relabel(const Tensor& t, const std::string& device) {
    auto keep = std::make_shared<Tensor>(t);
    return Tensor::Wrap(t.dtype(), t.shape(), keep->raw_data(), keep, MemoryLocation{device});
  }

 private:
  std::unique_ptr<Executable> inner_;
  std::string device_;
};

}  // namespace

TestDevice::TestDevice(std::string name, std::set<std::string> ops, bool fail_compile)
    : ops_(std::move(ops)), fail_compile_(fail_compile), cpu_(backends::cpu::CpuKernelRegistry()) {
  info_.name = std::move(name);
  info_.backend = "test";
  info_.vendor = "test";
  info_.description = "test device backed by the CPU backend";
}

absl::Status TestDevice::CanRun(const graph::Node& node) const {
  if (ops_.count(node.op_type())) return absl::OkStatus();
  return absl::UnimplementedError(absl::StrCat("test device does not run ", node.op_type()));
}

absl::StatusOr<std::unique_ptr<Executable>> TestDevice::Compile(const graph::Graph& g, const CompileOptions& o) {
  if (fail_compile_) return absl::InternalError("test device refuses to compile");
  absl::StatusOr<std::unique_ptr<Executable>> inner = cpu_.Compile(g, o);
  if (!inner.ok()) return inner.status();
  return std::unique_ptr<Executable>(std::make_unique<TestExecutable>(*std::move(inner), info_.name));
}

absl::StatusOr<Tensor> TestDevice::CopyFromHost(const Tensor& host) {
  ++copies_in;
  absl::StatusOr<Tensor> copy = host.Clone();
  if (!copy.ok()) return copy.status();
  return TestExecutable::Relabel(*copy, info_.name);
}

absl::StatusOr<Tensor> TestDevice::CopyToHost(const Tensor& t) {
  ++copies_out;
  Tensor host = TestExecutable::Relabel(t, "");
  return host.Clone();
}

std::vector<DeviceInfo> TestBackend::ListDevices() const {
  DeviceInfo info;
  info.name = name_;
  return {info};
}

absl::StatusOr<std::unique_ptr<Device>> TestBackend::OpenDevice(int ordinal) {
  return std::unique_ptr<Device>(std::make_unique<TestDevice>(name_, ops_, fail_compile_));
}

}  // namespace braid::testing
