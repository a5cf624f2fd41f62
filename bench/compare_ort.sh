#!/usr/bin/env bash
# compare_ort.sh - tessera's `cpu` backend against ONNX Runtime's CPU engine.
#
#   bench/compare_ort.sh [--build DIR] [--models DIR] [--repeat N] [--rounds K (5)]
#                        [--threads "1 2"] [--no-tune] [--schedule-tune TRIALS] [--models-list "a b"]
#
# For ResNet-18, MobileNetV2, SqueezeNet 1.1 (torchvision exports, fp32, batch 1,
# opset 13) and an MLP 784-512-256-10, and each thread count: compiles the model with
# `tessera compile --target cpu --tune` (AOT .so; kernels' schedules timed on this
# machine, as TVM tunes before it is measured; --no-tune: the default schedules),
# times `tessera run --backend cpu` (median of N runs after a warm-up, in process)
# and ONNX Runtime on the same input (node + onnxruntime-node, installed in bench/
# with --ignore-scripts) in K alternating rounds -- tessera, ORT, tessera, ORT, ... so
# a slow phase of a shared host hits both alike -- and prints, the medians being the
# median of the K rounds' medians,
#
#   <model> isa=<avx512|avx2> threads=<n> tessera_ms=<median> ort_ms=<median> ort_over_tessera=<ratio>
#
# --schedule-tune TRIALS: instead of --tune's candidate list, each model's kernel
# schedules are tuned through the CPU space (`tessera tune --target cpu --trials TRIALS
# --records`) and compiled with `--records`.
#
# Models come from scripts/export_models.py when present, else from the small
# exporter below (same torchvision constructors, seeded weights).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
models="${TMPDIR:-/tmp}/tessera-bench-models"
repeat=20
rounds=5
threads_list="1 2"
tune=--tune
schedule_trials=""
model_list="resnet18 mobilenet_v2 squeezenet1_1 mlp"
usage="usage: $0 [--build DIR] [--models DIR] [--repeat N] [--rounds K] [--threads \"1 2\"] [--no-tune] [--schedule-tune TRIALS] [--models-list \"a b\"]"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads_list="$2"; shift 2 ;;
    --no-tune) tune=""; shift ;;
    --schedule-tune) schedule_trials="$2"; shift 2 ;;
    --models-list) model_list="$2"; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
tessera="$build/bin/tessera"
[[ -x "$tessera" ]] || { echo "compare_ort.sh: $tessera not built" >&2; exit 1; }
python=/usr/bin/python3
mkdir -p "$models"

# ONNX Runtime through node, installed once beside the script.
if [[ ! -d "$root/bench/node_modules/onnxruntime-node" ]]; then
  (cd "$root/bench" && npm install --ignore-scripts --no-audit --no-fund --silent >/dev/null)
fi

# Models: the front end's exporter, else a minimal one.
if [[ -f "$root/scripts/export_models.py" ]]; then
  "$python" "$root/scripts/export_models.py" --out "$models" >/dev/null 2>&1 || true
fi
"$python" - "$models" <<'PY'
import os, sys
import torch, torchvision
out = sys.argv[1]
torch.manual_seed(0)
nets = {
    "resnet18": (torchvision.models.resnet18, (1, 3, 224, 224)),
    "mobilenet_v2": (torchvision.models.mobilenet_v2, (1, 3, 224, 224)),
    "squeezenet1_1": (torchvision.models.squeezenet1_1, (1, 3, 224, 224)),
    "mlp": (lambda: torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256),
                                        torch.nn.ReLU(), torch.nn.Linear(256, 10)), (1, 784)),
}
for name, (make, shape) in nets.items():
    path = os.path.join(out, name + ".onnx")
    x = torch.randn(*shape)
    if not os.path.exists(path):
        model = make().eval()
        torch.onnx.export(model, x, path, opset_version=13, input_names=["input"], output_names=["output"])
    x.numpy().astype("float32").tofile(os.path.join(out, name + ".input.bin"))
    with open(os.path.join(out, name + ".input.bin.shape"), "w") as f:
        f.write(str(list(shape)))
    import numpy
    numpy.save(os.path.join(out, name + ".input.npy"), x.numpy().astype("float32"))
PY

# The median of whitespace-separated numbers.
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The host's widest vector ISA, named on every line.
isa=avx2
grep -qw avx512f /proc/cpuinfo && isa=avx512

for model in $model_list; do
  onnx="$models/$model.onnx"
  so="$models/$model.so"
  if [[ -n "$schedule_trials" ]]; then
    records="$models/$model.cpu.jsonl"
    rm -f "$records"
    echo "tuning $model (tessera tune --target cpu --trials $schedule_trials)" >&2
    "$tessera" tune "$onnx" --target cpu --trials "$schedule_trials" --records "$records" >/dev/null
    "$tessera" compile "$onnx" --target cpu -o "$so" --records "$records" >/dev/null
  else
    echo "compiling $model (tessera compile --target cpu $tune)" >&2
    "$tessera" compile "$onnx" --target cpu -o "$so" $tune >/dev/null
  fi
  for threads in $threads_list; do
    tessera_runs="" ort_runs=""
    for ((round = 0; round < rounds; ++round)); do
      tessera_runs+=" $("$tessera" run "$so" --backend cpu --input "input=$models/$model.input.npy" \
                          --repeat "$repeat" --threads "$threads" --print-time |
                        sed -n 's/^latency_ms: median=\([0-9.]*\).*/\1/p')"
      ort_runs+=" $(node "$root/bench/ort_bench.js" "$onnx" "$threads" "$repeat" "$models/$model.input.bin" |
                    sed -n 's/^ort_ms=//p')"
    done
    tessera_ms=$(echo "$tessera_runs" | median)
    ort_ms=$(echo "$ort_runs" | median)
    ratio=$(awk -v o="$ort_ms" -v t="$tessera_ms" 'BEGIN { printf "%.3f", o / t }')
    echo "$model isa=$isa threads=$threads tessera_ms=$tessera_ms ort_ms=$ort_ms ort_over_tessera=$ratio"
  done
done
