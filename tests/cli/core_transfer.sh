#!/usr/bin/env bash
# bench/core_transfer: prints the core-to-core and memory rates; bad arguments and a
# process confined to one CPU are errors that say why. Skipped (77) with one CPU.
set -uo pipefail
BIN=$1
fail() { echo "FAIL: $*"; exit 1; }
[[ $(nproc) -ge 2 ]] || { echo "one CPU: nothing to transfer between"; exit 77; }
out=$("$BIN/core_transfer" --kib 64 --rounds 20 2>&1) || fail "run: $out"
[[ "$out" =~ ^core_transfer_GBps=[0-9]+\.[0-9]+\ dram_GBps=[0-9]+\.[0-9]+$ ]] || fail "output: $out"
awk -v line="$out" 'BEGIN { split(line, f, /[= ]/); exit !(f[2] > 0 && f[4] > 0) }' || fail "a zero rate: $out"
out=$("$BIN/core_transfer" --kib 0 2>&1) && fail "--kib 0 accepted"
[[ "$out" == *"--kib '0': expected a positive integer"* ]] || fail "--kib message: $out"
out=$("$BIN/core_transfer" --bogus 2>&1) && fail "--bogus accepted"
[[ "$out" == *"usage: core_transfer"* ]] || fail "usage: $out"
if command -v taskset >/dev/null; then
  out=$(taskset -c 0 "$BIN/core_transfer" 2>&1) && fail "one CPU accepted"
  [[ "$out" == *"may run on one CPU only"* ]] || fail "one-CPU message: $out"
fi
echo "ok"
