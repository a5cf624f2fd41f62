#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with ctest.
# Extra arguments go to ctest (e.g. scripts/test.sh -R isa).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
