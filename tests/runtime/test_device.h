// A test-only device: claims a chosen set of ops and executes them with the
// CPU backend, but keeps its tensors in a separate (host) memory space
// labelled with its own name, so the session must copy at boundaries. Used
// to test partitioning and copies without GPU hardware; it is never
// registered outside tests.
#ifndef BRAID_TESTS_RUNTIME_TEST_DEVICE_H_
#define BRAID_TESTS_RUNTIME_TEST_DEVICE_H_

#include <atomic>
#include <set>
#include <string>

#include "backends/cpu/cpu_device.h"
#include "backends/cpu/kernel_registry.h"
#include "braid/backend.h"
#include "graph/graph.h"

namespace braid::testing {

class TestDevice : public Device {
 public:
  TestDevice(std::string name, std::set<std::string> ops, bool fail_compile = false);

  const DeviceInfo& info() const override { return info_; }
  absl::Status CanRun(const graph::Node& node) const override;
  absl::StatusOr<std::unique_ptr<Executable>> Compile(const graph::Graph& g, const CompileOptions& o) override;
  absl::StatusOr<Tensor> CopyFromHost(const Tensor& host) override;
  absl::StatusOr<Tensor> CopyToHost(const Tensor& t) override;

  std::atomic<int> copies_in{0};
  std::atomic<int> copies_out{0};

 private:
  DeviceInfo info_;
  std::set<std::string> ops_;
  bool fail_compile_;
  backends::cpu::CpuDevice cpu_;
};

class TestBackend : public Backend {
 public:
  TestBackend(std::string name, std::set<std::string> ops, bool fail_compile = false)
      : name_(std::move(name)), ops_(std::move(ops)), fail_compile_(fail_compile) {}
  std::string name() const override { return "test"; }
  BackendAvailability availability() const override { return {true, ""}; }
  std::vector<DeviceInfo> ListDevices() const override;
  absl::StatusOr<std::unique_ptr<Device>> OpenDevice(int ordinal) override;

 private:
  std::string name_;
  std::set<std::string> ops_;
  bool fail_compile_;
};

}  // namespace braid::testing

#endif  // BRAID_TESTS_RUNTIME_TEST_DEVICE_H_
