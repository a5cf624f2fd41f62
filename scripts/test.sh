#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with ctest; then the 20 s fuzz
# smoke run (fixed seed) of every libFuzzer target (scripts/fuzz.sh, preset `fuzz`, docs/fuzzing.md)
# and every unit test built with ASan + UBSan (scripts/sanitizers.sh, preset `asan`).
# Extra arguments go to ctest (e.g. scripts/test.sh -R isa); with arguments only that
# ctest run happens.
set -euo pipefail
cd "$(dirname "$0")/.."
stage() { echo "test.sh: $1 ($(date -u +%H:%M:%S), ${SECONDS} s in)"; }
scripts/setup.sh
stage "build done; running ctest"
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
(($# == 0)) || exit 0
stage "ctest passed; fuzz smoke"
FUZZ_SEED=1 scripts/fuzz.sh 20
stage "fuzz smoke passed; sanitizers"
scripts/sanitizers.sh
stage "all passed"
