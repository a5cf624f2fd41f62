#!/usr/bin/env bash
# bench/gpu_model_bench: a whole model's NVPTX kernels. Without a GPU it exits 77 with
# the driver's reason (the test then passes on the emulated runs); --emulate runs the same kernels on the host and checks them
# against the cpu target; --save-reference / --reference carry the cpu target's output
# to a GPU machine; bad arguments and mismatched references are errors.
set -uo pipefail
BIN=$1; SRC=$2; WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
G="$BIN/gpu_model_bench"; M="$SRC/examples/models/digits_cnn.onnx"
fail() { echo "FAIL: $*"; exit 1; }
out=$("$G" "$M" --emulate --repeat 2 --top 3 2>&1) || fail "emulated run: $out"
[[ "$out" == *"device host emulation"* ]] || fail "no device line: $out"
[[ "$out" == *"kernels 9 (for 6 graph kernels), block 256"* ]] || fail "kernel count: $out"
err=$(awk '/^check/ {print $NF}' <<< "$out")
awk -v e="$err" 'BEGIN { exit !(e < 1e-5) }' || fail "emulated kernels differ from the cpu target: $err"
[[ $(grep -c '^  k[0-9]' <<< "$out") == 3 ]] || fail "--top 3 did not list three kernels: $out"
out=$("$G" "$M" --save-reference "$WORK/ref.npy" 2>&1) || fail "save reference: $out"
[[ -s "$WORK/ref.npy" ]] || fail "no reference written"
out=$("$G" "$M" --emulate --repeat 1 --reference "$WORK/ref.npy" 2>&1) || fail "run against the reference: $out"
awk -v e="$(awk '/^check/ {print $NF}' <<< "$out")" 'BEGIN { exit !(e < 1e-5) }' || fail "reference check: $out"
/usr/bin/python3 -c "import numpy; numpy.save('$WORK/bad.npy', numpy.zeros((1, 3), numpy.float32))" 2>/dev/null &&
  { out=$("$G" "$M" --emulate --repeat 1 --reference "$WORK/bad.npy" 2>&1) && fail "a 1x3 reference accepted";
    [[ "$out" == *"the reference output logits is 1x3, the GPU's 1x10"* ]] ||
      fail "reference mismatch message: $out"; }
out=$("$G" --repeat 2>&1) && fail "usage accepted"
[[ "$out" == *"usage: gpu_model_bench"* ]] || fail "usage message: $out"
"$G" "$M" --repeat 1 > "$WORK/gpu.txt" 2>&1
rc=$?
if [[ $rc == 77 ]]; then
  grep -q "libcuda.so.1 not found\|no CUDA device" "$WORK/gpu.txt" || fail "no reason without a GPU: $(cat "$WORK/gpu.txt")"
  echo "no GPU, so the emulated runs only: $(cat "$WORK/gpu.txt")"
  exit 0
fi
[[ $rc == 0 ]] || fail "GPU run: $(cat "$WORK/gpu.txt")"
awk -v e="$(awk '/^check/ {print $NF}' "$WORK/gpu.txt")" 'BEGIN { exit !(e < 1e-4) }' || fail "GPU check: $(cat "$WORK/gpu.txt")"
