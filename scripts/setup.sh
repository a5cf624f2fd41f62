#!/usr/bin/env bash
# Installs tessera's dependencies from Debian's packages (only those missing), then
# configures and builds the default preset into build/. Idempotent: a second run only
# rebuilds what changed. Usage: scripts/setup.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  cmake ninja-build g++ pkg-config
  llvm-19-dev llvm-19-tools libzstd-dev
  libsystemc-dev verilator
  libboost-all-dev libabsl-dev nlohmann-json3-dev libxxhash-dev
  googletest libgtest-dev libbenchmark-dev
  libxgboost-dev xgboost
  libonnx-dev libprotobuf-dev protobuf-compiler libonnx-testdata
  python3-torch python3-torchvision python3-onnx python3-numpy
  pybind11-dev python3-pytest python3-matplotlib
  slurm-wlm munge
  clang-19 libfuzzer-19-dev libclang-rt-19-dev
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} missing package(s): ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#PACKAGES[@]} packages present"
fi

if [[ "${1:-}" == "--no-build" ]]; then exit 0; fi

if [[ ! -f build/build.ninja ]]; then
  cmake --preset default
fi
cmake --build build -j "$(nproc)"
echo "setup: built build/bin/tessera"
