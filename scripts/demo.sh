#!/usr/bin/env bash
# The main job on the embedded default: assembles examples/matmul_256.s (a 256x256x256
# int8 matmul with per-channel requantize, double-buffered with dependency tokens), runs
# it on the accelerator's golden functional executor, checks every output against a plain
# C++ reference, and prints the run's counters. Installs and builds first if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BIN=build/bin
WORK=build/demo
mkdir -p "$WORK"
echo
echo "== assemble examples/matmul_256.s for configs/default.json"
"$BIN/tessera" asm examples/matmul_256.s --config configs/default.json -o "$WORK/matmul_256.tsb"
echo "== generate inputs A (256x256 int8) and B (blocked 16x16x16x16 int8), seed 42"
"$BIN/matmul-reference" gen "$WORK" --seed 42
backends=(functional)
if "$BIN/tessera" run "$WORK/matmul_256.tsb" --backend systemc --random-inputs 1 >/dev/null 2>&1; then
  backends+=(systemc)
fi
for backend in "${backends[@]}"; do
  echo "== run on the $backend backend"
  "$BIN/tessera" run "$WORK/matmul_256.tsb" --backend "$backend" --input A="$WORK/A.npy" \
      --input B="$WORK/B.npy" --output-dir "$WORK/out-$backend" --report "$WORK/report-$backend.json"
  echo "== check the $backend outputs against the C++ reference"
  "$BIN/matmul-reference" check "$WORK/matmul_256.tsb" "$WORK" "$WORK/out-$backend"
done
echo
echo "report: $WORK/report-functional.json    outputs: $WORK/out-functional/C.npy"
