#!/usr/bin/env bash
# Builds every GoogleTest binary (target unit_tests) with AddressSanitizer and
# UndefinedBehaviorSanitizer (preset `asan`, build-asan/, without the Verilated RTL) and
# runs them (ctest label `unit`); any sanitizer report fails the test that raised it.
# Extra arguments go to ctest (e.g. scripts/sanitizers.sh -R Binary).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f build-asan/build.ninja ]] || cmake --preset asan >/dev/null
cmake --build build-asan -j "$(nproc)" --target unit_tests
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir build-asan -L unit --output-on-failure -j "$(nproc)" "$@"
