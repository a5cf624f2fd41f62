#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with ctest.
# Extra arguments go to ctest (e.g. scripts/test.sh -R isa). The fuzz smoke run is
# scripts/fuzz.sh (docs/fuzzing.md); it is not part of this run while a known libonnx
# crash (fuzz/findings/) is open.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
