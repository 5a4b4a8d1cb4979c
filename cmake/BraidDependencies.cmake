# Third-party packages, all from Debian 12 (see scripts/setup.sh).
find_package(Threads REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(TBB CONFIG REQUIRED)
find_package(Protobuf REQUIRED)
find_package(ONNX CONFIG REQUIRED)       # targets: onnx, onnx_proto
find_package(dnnl CONFIG REQUIRED)       # target: DNNL::dnnl
find_package(Boost REQUIRED COMPONENTS context)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
if(BRAID_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
endif()
if(BRAID_BUILD_BENCHMARKS)
  find_package(benchmark CONFIG REQUIRED)
endif()
