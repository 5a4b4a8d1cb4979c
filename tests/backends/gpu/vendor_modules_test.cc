// The vendor backend modules load side by side in one process (with the
// emulator linked in), expose only BraidCreateBackend, and report
// Unavailable with the runtime's reason on a machine without their driver.
#include <dlfcn.h>

#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "backends/gpu/emulator/emu_backend.h"
#include "braid/backend.h"
#include "tests/backends/gpu/op_harness.h"

namespace braid::backends::gpu::testing {
namespace {

struct Module {
  std::string path;
  void* handle = nullptr;
};

std::vector<std::string> ModulePaths() {
  std::vector<std::string> paths;
#ifdef BRAID_HIP_MODULE
  paths.push_back(BRAID_HIP_MODULE);
#endif
#ifdef BRAID_CUDA_MODULE
  paths.push_back(BRAID_CUDA_MODULE);
#endif
  return paths;
}

class VendorModulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ModulePaths().empty()) GTEST_SKIP() << "configured without BRAID_ENABLE_HIP / BRAID_ENABLE_CUDA";
    for (const std::string& path : ModulePaths()) {
      void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      ASSERT_NE(h, nullptr) << "dlopen " << path << ": " << dlerror();
      modules_.push_back({path, h});
    }
  }
  void TearDown() override {
    // Modules stay loaded: vendor runtimes register exit handlers.
  }
  std::vector<Module> modules_;
};

TEST_F(VendorModulesTest, EachModuleExportsTheEntryPointAndChecksTheAbi) {
  for (const Module& m : modules_) {
    auto create = reinterpret_cast<CreateBackendFn>(dlsym(m.handle, kBackendEntryPoint));
    ASSERT_NE(create, nullptr) << m.path;
    EXPECT_EQ(create(kBackendAbiVersion + 1), nullptr) << m.path << " accepted a foreign ABI version";
    // Internal symbols stay hidden.
    EXPECT_EQ(dlsym(m.handle, "_ZN5braid8backends3gpu10target_hip14GetKernelTableEv"), nullptr);
    EXPECT_EQ(dlsym(m.handle, "_ZN5braid8backends3gpu11target_cuda14GetKernelTableEv"), nullptr);
  }
}

TEST_F(VendorModulesTest, BackendsReportUnavailableWithAReasonWithoutADevice) {
  for (const Module& m : modules_) {
    auto create = reinterpret_cast<CreateBackendFn>(dlsym(m.handle, kBackendEntryPoint));
    ASSERT_NE(create, nullptr);
    std::unique_ptr<Backend> backend(create(kBackendAbiVersion));
    ASSERT_NE(backend, nullptr) << m.path;
    EXPECT_TRUE(backend->name() == "hip" || backend->name() == "cuda") << backend->name();
    BackendAvailability a = backend->availability();
    if (a.available) {
      GTEST_SKIP() << backend->name() << " has a usable device here; this test covers machines without one";
    }
    EXPECT_FALSE(a.reason.empty()) << backend->name();
    RecordProperty(backend->name() + "_reason", a.reason);
    std::cout << backend->name() << " unavailable: " << a.reason << "\n";
    // The reason names the runtime call and its error.
    EXPECT_NE(a.reason.find("GetDeviceCount"), std::string::npos) << a.reason;
    EXPECT_TRUE(backend->ListDevices().empty());
    absl::StatusOr<std::unique_ptr<Device>> d = backend->OpenDevice(0);
    EXPECT_EQ(d.status().code(), absl::StatusCode::kUnavailable) << d.status();
  }
}

TEST_F(VendorModulesTest, EmulatorStillWorksBesideTheModules) {
  OpHarness h(0);
  h.Input("a", DataType::kFloat32, {5, 7});
  h.Input("b", DataType::kFloat32, {7, 3});
  h.Node("MatMul", {"a", "b"}, {"y"}, {DataType::kFloat32});
  h.Output("y");
  Random rng(1);
  Tensor a = rng.Uniform(DataType::kFloat32, {5, 7}), b = rng.Uniform(DataType::kFloat32, {7, 3});
  auto out = h.Run({a, b});
  ASSERT_TRUE(out.ok()) << out.status();
  ExpectClose((*out)[0], MatMulRef(ToRef(a), ToRef(b)), 1e-4, 1e-5, "MatMul beside the modules");
}

}  // namespace
}  // namespace braid::backends::gpu::testing
