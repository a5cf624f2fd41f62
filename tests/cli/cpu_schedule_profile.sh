#!/usr/bin/env bash
# tessera compile --target cpu --schedule NAME=VALUE changes the kernels (here: the
# 3x3 conv of digits_cnn without Winograd) and rejects bad parameters; --tune picks
# among candidate schedules by timing them; tessera run
# --backend cpu --profile prints each step's mean time and the time by op, and the
# outputs still match the interpreter.
set -uo pipefail
BIN=$1; SRC=$2; WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
T="$BIN/tessera"
MODEL="$SRC/examples/models/digits_cnn.onnx"
fail() { echo "FAIL: $*"; exit 1; }

# Winograd forced on for the small 3x3 conv (the defaults keep it for 64+ channels).
"$T" compile "$MODEL" --target cpu -o "$WORK/wino.so" --dump-loop-ir "$WORK/wino.tl" \
  --schedule winogradMinChannels=1 --schedule winogradMinPixels=0 >/dev/null || fail "compile with Winograd"
grep -q '%wino_v' "$WORK/wino.tl" || fail "no Winograd stage with winogradMinChannels=1"
out=$("$T" compile "$MODEL" --target cpu -o "$WORK/direct.so" --schedule winogradOutputTile=0 \
  --dump-loop-ir "$WORK/direct.tl" 2>&1) || fail "compile with --schedule winogradOutputTile=0: $out"
grep -q 'wino' "$WORK/direct.tl" && fail "--schedule winogradOutputTile=0 still emits Winograd stages"

for so in wino direct; do
  out=$("$T" run "$WORK/$so.so" --backend cpu --random-inputs 1 --profile --repeat 2 --check 1e-4 2>&1) ||
    fail "run $so.so --profile: $out"
  [[ "$out" == *"profile: mean of 2 runs, "*" ms in 7 steps (slowest first)"* ]] || fail "$so: no profile header: $out"
  [[ "$out" =~ k3_conv\ +Conv\+Relu\+Add\+Relu\ 1x32x4x4 ]] || fail "$so: no k3_conv step line: $out"
  by_op=${out#*profile by op:}
  [[ "$by_op" != "$out" ]] || fail "$so: no 'profile by op:' section: $out"
  [[ "$by_op" =~ Conv\+Relu\ +[0-9.]+\ ms ]] || fail "$so: no Conv+Relu row by op: $by_op"
  [[ "$out" == *"check: max difference from the reference interpreter"* ]] || fail "$so: outputs not checked: $out"
  echo "ok: $so.so profiled and checked"
done

# --tune times each kernel's distinct candidate schedules and says which it keeps;
# the tuned library still matches the interpreter.
# --tune-threads 1,2 times each schedule on one and on two threads ("0.41/0.22 ms").
out=$("$T" compile "$MODEL" --target cpu -o "$WORK/tuned.so" --tune --tune-threads 1,2 2>&1) || fail "compile --tune: $out"
[[ "$out" =~ tune\ k0_conv:\ default\ [0-9.]+/[0-9.]+\ ms,\ .*\ -\>\ .*\(threads\ 1/2\) ]] ||
  fail "no two-thread tuning line for k0_conv: $out"
out=$("$T" compile "$MODEL" --target cpu -o "$WORK/tuned1.so" --tune --tune-threads 1 2>&1) || fail "compile --tune: $out"
[[ "$out" =~ tune\ k0_conv:\ default\ [0-9.]+\ ms,\ .*\ -\>\  && "$out" != *"(threads"* ]] ||
  fail "no one-thread tuning line for k0_conv: $out"
out=$("$T" compile "$MODEL" --target cpu -o "$WORK/bad.so" --tune --tune-threads 1,0 2>&1) && fail "--tune-threads 1,0 accepted"
[[ "$out" == *"--tune-threads '1,0': '0' is not a thread count"* ]] || fail "--tune-threads 1,0: $out"
# --tune-cache cold evicts each kernel's weights before every timed call and says so;
# the small model otherwise stays cached (auto); a bad value names the flag.
out=$("$T" compile "$MODEL" --target cpu -o "$WORK/cold.so" --tune --tune-threads 1 --tune-cache cold 2>&1) ||
  fail "compile --tune-cache cold: $out"
[[ "$out" == *"tune: kernels timed with their constants evicted from the caches before every call"* ]] ||
  fail "--tune-cache cold: $out"
[[ "$out" =~ tune\ k0_conv:\ default\ [0-9.]+\ ms ]] || fail "--tune-cache cold: no tuning line: $out"
out=$("$T" compile "$MODEL" --target cpu -o "$WORK/auto.so" --tune --tune-threads 1 2>&1) || fail "compile --tune: $out"
[[ "$out" == *"tune: kernels timed with their constants left in the caches (one inference touches"* ]] ||
  fail "--tune-cache auto on a small model: $out"
out=$("$T" compile "$MODEL" --target cpu -o "$WORK/bad.so" --tune --tune-cache lukewarm 2>&1) &&
  fail "--tune-cache lukewarm accepted"
[[ "$out" == *"--tune-cache 'lukewarm': expected auto, warm or cold"* ]] || fail "--tune-cache lukewarm: $out"
out=$("$T" run "$WORK/tuned.so" --backend cpu --random-inputs 1 --check 1e-4 2>&1) || fail "run tuned.so: $out"
out=$("$T" run "$WORK/cold.so" --backend cpu --random-inputs 1 --check 1e-4 2>&1) || fail "run cold.so: $out"
echo "ok: --tune"

# A depthwise 3x3 conv of 14-column rows in 8 lanes: two column tiles, unrolled by
# default (windowUnrollColumnTiles=2: no `wo` loop left), a loop with 0; both match
# the interpreter.
/usr/bin/python3 - "$WORK/dw.onnx" <<'PY' || fail "writing the depthwise model"
import sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
w = numpy_helper.from_array(np.random.RandomState(0).randn(8, 1, 3, 3).astype(np.float32), "w")
conv = helper.make_node("Conv", ["x", "w"], ["y"], group=8, kernel_shape=[3, 3], pads=[1, 1, 1, 1])
graph = helper.make_graph([conv], "dw", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 14, 14])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, 14, 14])], [w])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.save(model, sys.argv[1])
PY
for tiles in 2 0; do
  "$T" compile "$WORK/dw.onnx" --target cpu --cpu x86-64-v3 -o "$WORK/dw$tiles.so" --dump-loop-ir "$WORK/dw$tiles.tl" \
    --schedule windowUnrollColumnTiles=$tiles >/dev/null || fail "compile the depthwise conv ($tiles)"
  out=$("$T" run "$WORK/dw$tiles.so" --backend cpu --random-inputs 1 --check 1e-5 2>&1) || fail "run dw$tiles.so: $out"
done
grep -q 'for %wo' "$WORK/dw2.tl" && fail "windowUnrollColumnTiles=2 left the column tiles of 14 columns a loop"
grep -q 'for %wo from 0 extent 2' "$WORK/dw0.tl" || fail "windowUnrollColumnTiles=0 unrolled the column tiles"
echo "ok: depthwise column tiles"

expect_error() { # expect_error FRAGMENT SCHEDULE
  local out; out=$("$T" compile "$MODEL" --target cpu -o "$WORK/bad.so" --schedule "$2" 2>&1)
  local got=$?
  [[ $got -ne 0 && "$out" == *"$1"* ]] || fail "--schedule $2 -> status $got, output: $out (wanted '$1')"
  [[ -e "$WORK/bad.so" ]] && fail "--schedule $2 still wrote bad.so"
  echo "ok: --schedule $2 rejected"
}
expect_error "unknown schedule parameter 'bogus' (known: transposeGemmWeights, " bogus=1
expect_error "schedule parameter 'winogradOutputTile=x': expected NAME=INTEGER" winogradOutputTile=x
expect_error "schedule parameter 'channelBlock' must not be negative" channelBlock=-1
exit 0
