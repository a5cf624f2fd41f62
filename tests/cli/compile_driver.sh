#!/usr/bin/env bash
# tessera compile through the driver: every stage printed (--print-after-all) or written
# (--dump-dir), and a pre-quantized (QDQ) ONNX model compiled for the accelerator with no
# --calibrate and run on the functional backend.
set -uo pipefail
BIN=$1; SRC=$2; WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
T="$BIN/tessera"
CONFIG="$SRC/configs/default.json"
fail() { echo "FAIL: $*"; exit 1; }

out=$("$T" compile "$SRC/examples/models/qdq_conv.onnx" --target accel --config "$CONFIG" -o "$WORK/qdq.tsb" \
  --dump-dir "$WORK/stages" 2>&1) || fail "QDQ compile: $out"
[[ "$out" == *"ops on accel: QAdd x1, QConv x1"* ]] || fail "QDQ ops not on the accelerator: $out"
[[ "$out" == *"wrote $WORK/qdq.tsb ("*" bytes) in "* ]] || fail "no wrote line: $out"
for stage in 01-import 02-graph-passes 03-quantize 04-partition 05-layers 06-mappings 07-assembly; do
  [[ -s "$WORK/stages/$stage.txt" ]] || fail "--dump-dir wrote no $stage.txt: $(ls "$WORK/stages")"
done
grep -q '= QConv(' "$WORK/stages/02-graph-passes.txt" || fail "qdq-import did not run"
grep -q 'to device:' "$WORK/stages/04-partition.txt" || fail "no transfers in the partition plan"
echo "ok: QDQ model compiled for accel, stages dumped"

"$T" compile "$SRC/examples/models/qdq_conv.onnx" --target accel --config "$CONFIG" -o "$WORK/m1.tsb" \
  --dump-mappings "$WORK/m.txt" >/dev/null || fail "--dump-mappings"
cmp -s "$WORK/m.txt" "$WORK/stages/06-mappings.txt" || fail "--dump-mappings differs from the mappings stage"
"$T" compile "$SRC/examples/models/qdq_conv.onnx" --target accel --config "$CONFIG" -o "$WORK/m2.tsb" \
  --mappings "$WORK/m.txt" >/dev/null || fail "--mappings"
cmp -s "$WORK/m1.tsb" "$WORK/m2.tsb" || fail "the cost model's own mappings given back change the binary"
echo "ok: --dump-mappings then --mappings gives the same binary"

out=$("$T" run "$WORK/qdq.tsb" --backend functional --random-inputs 1 --output-dir "$WORK/out" 2>&1) ||
  fail "run QDQ binary: $out"
[[ "$out" == *"backend: functional"* ]] || fail "no run summary: $out"
ls "$WORK"/out/*.npy >/dev/null 2>&1 || fail "no outputs written"
echo "ok: QDQ binary runs on the functional backend"

out=$("$T" compile "$SRC/examples/models/digits_cnn.onnx" --target cpu -o "$WORK/d.so" --print-after-all 2>&1) ||
  fail "cpu --print-after-all: $out"
for stage in import graph-passes plan loop-ir; do
  [[ "$out" == *"// ----- after $stage -----"* ]] || fail "stage $stage not printed: $out"
done
[[ "$out" == *"wrote $WORK/d.so ("*" kernels, "*" ref fallbacks)"* ]] || fail "no wrote line: $out"
echo "ok: cpu stages printed"

out=$("$T" compile "$SRC/examples/models/digits_cnn.onnx" --target accel --config "$CONFIG" -o "$WORK/x.tsb" 2>&1) &&
  fail "fp32 model compiled for accel without --calibrate"
[[ "$out" == *"is an fp32 model: give --calibrate"* ]] || fail "fp32 message: $out"
echo "ok: an fp32 model without --calibrate is refused"
