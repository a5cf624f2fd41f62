#!/usr/bin/env bash
# tessera run of the assembled examples/matmul_256.s on the functional backend matches
# the plain C++ reference (two seeds).
set -euo pipefail
BIN=$1; SRC=$2; WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
"$BIN/tessera" asm "$SRC/examples/matmul_256.s" --config "$SRC/configs/default.json" -o "$WORK/mm.tsb"
for seed in 1 2; do
  mkdir -p "$WORK/in$seed"; "$BIN/matmul-reference" gen "$WORK/in$seed" --seed $seed
  "$BIN/tessera" run "$WORK/mm.tsb" --backend functional --input A="$WORK/in$seed/A.npy" \
      --input B="$WORK/in$seed/B.npy" --output-dir "$WORK/out$seed" --report "$WORK/r$seed.json"
  "$BIN/matmul-reference" check "$WORK/mm.tsb" "$WORK/in$seed" "$WORK/out$seed"
  grep -q '"config_hash"' "$WORK/r$seed.json"
  grep -q '"gemm_macs": 16777216' "$WORK/r$seed.json"
done
