# GPU language set-up, included before project() because CMake decides the
# HIP and CUDA toolchains while enabling languages.
#
# BRAID_ENABLE_HIP / BRAID_ENABLE_CUDA (AUTO, ON or OFF): build the vendor
# backend modules (compile and link only; running them needs a driver and a
# device). AUTO builds a module when its toolchain is installed: Debian's
# clang-15 HIP (hipcc, libamdhip64-dev, rocm-device-libs) for HIP, nvcc for
# CUDA. ON fails the configuration when the toolchain is missing. The
# languages themselves are enabled by backends/hip and backends/cuda.
#
#   cmake -DBRAID_ENABLE_HIP=ON -DBRAID_ENABLE_CUDA=OFF ...
#
# Cache variables (override for other toolchains or devices):
#   BRAID_HIP_ARCHITECTURES   offload archs for the HIP module (gfx942/gfx11xx
#                             need a newer ROCm than Debian 12's 5.2)
#   BRAID_HIP_CLANG           clang++ that compiles HIP (Debian: clang++-15)
#   BRAID_ROCM_PREFIX         where hip-lang's CMake package lives
#   BRAID_CUDA_ARCHITECTURES  SM versions for the CUDA module ("native" needs a GPU)
set(BRAID_ENABLE_HIP AUTO CACHE STRING "Build the AMD HIP backend module: AUTO, ON or OFF")
set(BRAID_ENABLE_CUDA AUTO CACHE STRING "Build the NVIDIA CUDA backend module: AUTO, ON or OFF")
set_property(CACHE BRAID_ENABLE_HIP PROPERTY STRINGS AUTO ON OFF)
set_property(CACHE BRAID_ENABLE_CUDA PROPERTY STRINGS AUTO ON OFF)

# BRAID_BUILD_HIP / BRAID_BUILD_CUDA: the resolved decisions used below and
# by the rest of the build.
set(BRAID_BUILD_HIP OFF)
if(BRAID_ENABLE_HIP STREQUAL "AUTO")
  find_program(_braid_hip_clang_probe NAMES clang++-15)
  if(_braid_hip_clang_probe AND (EXISTS "/usr/lib/x86_64-linux-gnu/cmake/hip-lang/hip-lang-config.cmake"
                                 OR EXISTS "/usr/lib/cmake/hip-lang/hip-lang-config.cmake"))
    set(BRAID_BUILD_HIP ON)
  else()
    message(STATUS "HIP module: not built (no clang++-15 HIP toolchain; scripts/setup.sh installs it)")
  endif()
elseif(BRAID_ENABLE_HIP)
  set(BRAID_BUILD_HIP ON)
endif()

set(BRAID_BUILD_CUDA OFF)
if(BRAID_ENABLE_CUDA STREQUAL "AUTO")
  find_program(_braid_nvcc_probe NAMES nvcc PATHS /usr/local/cuda/bin NO_CACHE)
  if(_braid_nvcc_probe)
    set(BRAID_BUILD_CUDA ON)
  else()
    message(STATUS "CUDA module: not built (nvcc not found; install the CUDA Toolkit in /usr/local/cuda)")
  endif()
elseif(BRAID_ENABLE_CUDA)
  set(BRAID_BUILD_CUDA ON)
endif()

set(BRAID_HIP_ARCHITECTURES "gfx90a;gfx908" CACHE STRING "AMD offload architectures for libbraid_hip")
set(BRAID_CUDA_ARCHITECTURES "80;90" CACHE STRING "NVIDIA SM architectures for libbraid_cuda")

if(BRAID_BUILD_HIP)
  find_program(BRAID_HIP_CLANG NAMES clang++-15 clang++ DOC "clang++ used to compile HIP")
  set(BRAID_ROCM_PREFIX "/usr" CACHE PATH "ROCm installation prefix")
  set(_braid_multiarch "${BRAID_ROCM_PREFIX}/lib/x86_64-linux-gnu")
  if(EXISTS "${BRAID_ROCM_PREFIX}/lib/cmake/hip-lang/hip-lang-config.cmake")
    set(_braid_rocm_root "${BRAID_ROCM_PREFIX}")
  elseif(EXISTS "${_braid_multiarch}/cmake/hip-lang/hip-lang-config.cmake")
    # Debian keeps hip-lang under the multiarch folder, where CMake's HIP
    # support does not look: present it through a small ROCm root in the build tree.
    set(_braid_rocm_root "${CMAKE_BINARY_DIR}/braid-rocm-root")
    file(MAKE_DIRECTORY "${_braid_rocm_root}/lib/cmake")
    if(NOT EXISTS "${_braid_rocm_root}/lib/cmake/hip-lang")
      file(CREATE_LINK "${_braid_multiarch}/cmake/hip-lang" "${_braid_rocm_root}/lib/cmake/hip-lang" SYMBOLIC)
    endif()
    if(EXISTS "${_braid_multiarch}/cmake/amd_comgr")
      set(amd_comgr_DIR "${_braid_multiarch}/cmake/amd_comgr" CACHE PATH "amd_comgr package")
      list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES amd_comgr_DIR)
    endif()
  else()
    message(FATAL_ERROR "BRAID_ENABLE_HIP: no hip-lang CMake package under ${BRAID_ROCM_PREFIX}; "
                        "install hipcc libamdhip64-dev rocm-device-libs or set BRAID_ROCM_PREFIX")
  endif()
  set(CMAKE_HIP_COMPILER_ROCM_ROOT "${_braid_rocm_root}" CACHE PATH "ROCm root seen by CMake's HIP support")
  if(NOT CMAKE_HIP_COMPILER)
    set(CMAKE_HIP_COMPILER "${BRAID_HIP_CLANG}")
  endif()
  set(CMAKE_HIP_ARCHITECTURES "${BRAID_HIP_ARCHITECTURES}")
  set(_braid_device_libs "${_braid_multiarch}/amdgcn/bitcode")
  if(EXISTS "${_braid_device_libs}")
    set(CMAKE_HIP_FLAGS_INIT "--rocm-path=${BRAID_ROCM_PREFIX} --rocm-device-lib-path=${_braid_device_libs}")
  else()
    set(CMAKE_HIP_FLAGS_INIT "--rocm-path=${BRAID_ROCM_PREFIX}")
  endif()
endif()

if(BRAID_BUILD_CUDA)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  set(CMAKE_CUDA_ARCHITECTURES "${BRAID_CUDA_ARCHITECTURES}")
endif()
