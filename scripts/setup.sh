#!/usr/bin/env bash
# Installs every Debian 12 package Braid's build, tests and benchmarks need.
# Idempotent: installs only what is missing (after `apt-get update`).
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ binutils cmake ninja-build ccache pkg-config git
  # libraries
  libabsl-dev libtbb-dev libprotobuf-dev protobuf-compiler libonnx-dev
  libdnnl-dev ocl-icd-opencl-dev opencl-headers libboost-context-dev
  libcli11-dev nlohmann-json3-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev libonnx-testdata locales-all
  python3 python3-onnx python3-numpy
  # AMD HIP toolchain (builds the HIP module; running it needs an AMD GPU)
  hipcc libamdhip64-dev rocm-device-libs clang-15
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
