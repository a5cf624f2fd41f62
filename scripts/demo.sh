#!/usr/bin/env bash
# The main job on the embedded default model: compiles the trained digits CNN
# (examples/models/digits_cnn.onnx, 8x8 handwritten digits) for the accelerator
# (int8 post-training quantization calibrated on the committed samples, lowering,
# configs/default.json), runs it on the cycle-accurate SystemC simulator for each
# committed sample image, checks every output against the reference interpreter running
# the same int8 graph (bit for bit), and prints the predictions and the per-layer cycle
# table; then sweeps the same model over three hardware points (8x8, 16x16 and 32x32
# arrays) on SystemC and points to the sweep's Pareto plot. Installs and builds first if
# needed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BIN=build/bin
WORK=build/demo
MODELS=examples/models
mkdir -p "$WORK"
echo
echo "== compile $MODELS/digits_cnn.onnx for the accelerator (configs/default.json)"
"$BIN/tessera" compile "$MODELS/digits_cnn.onnx" --target accel --config configs/default.json \
    --calibrate "$MODELS/digits_calib" --emit-quantized "$WORK/digits_cnn.q.tg" -o "$WORK/digits_cnn.tsb"
correct=0
total=0
for sample in "$MODELS"/digits_samples/*.npy; do
  name=$(basename "$sample" .npy)
  label=${name##*_d}
  echo
  echo "== $name (label $label): run on systemc, check against the reference interpreter"
  output=$("$BIN/tessera" run "$WORK/digits_cnn.tsb" --backend systemc --input input="$sample" \
      --reference "$WORK/digits_cnn.q.tg" --report "$WORK/report-$name.json" --roofline "$WORK/roofline-$name.svg")
  if [[ $total -eq 0 ]]; then echo "$output"; else echo "$output" | grep -E "prediction|reference|total_cycles"; fi
  prediction=$(echo "$output" | sed -n 's/.*prediction (argmax): \([0-9]*\).*/\1/p')
  total=$((total + 1))
  [[ "$prediction" == "$label" ]] && correct=$((correct + 1))
done
echo
echo "predictions: $correct of $total samples match their labels; every output bit-identical to the interpreter"
echo "reports: $WORK/report-*.json   roofline plots: $WORK/roofline-*.svg"
echo
echo "== co-design sweep: the digits CNN on three configs (examples/sweeps/digits_three_configs.json)"
"$BIN/tessera" sweep examples/sweeps/digits_three_configs.json -o "$WORK/sweep" -j "$(nproc)" --fresh
echo "pareto plot: $WORK/sweep/pareto.svg   table: $WORK/sweep/results.csv"
