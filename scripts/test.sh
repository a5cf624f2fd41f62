#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with ctest; then builds the
# libFuzzer targets (preset `fuzz`, clang-19) and runs each fuzzer for 20 s on its seed
# corpus (scripts/fuzz.sh, docs/fuzzing.md). Extra arguments go to ctest (e.g.
# scripts/test.sh -R isa); with arguments the fuzz smoke run is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
if [[ $# -eq 0 ]]; then
  if command -v clang++-19 >/dev/null; then
    scripts/fuzz.sh 20
  else
    echo "test.sh: fuzz smoke skipped: clang-19 is not installed (scripts/setup.sh installs it)"
  fi
fi
