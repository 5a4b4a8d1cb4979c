# GPU language set-up, included before project() because CMake decides the
# HIP and CUDA toolchains while enabling languages.
#
# BRAID_ENABLE_HIP / BRAID_ENABLE_CUDA: build the vendor backend modules
# (compile and link only; running them needs a driver and a device).
option(BRAID_ENABLE_HIP "Build the AMD HIP backend module" OFF)
option(BRAID_ENABLE_CUDA "Build the NVIDIA CUDA backend module" OFF)
