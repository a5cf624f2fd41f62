#!/usr/bin/env bash
# compare_ort.sh - tessera's `cpu` backend against ONNX Runtime's CPU engine.
#
#   bench/compare_ort.sh [--build DIR] [--models DIR] [--repeat N] [--rounds K (5)]
#                        [--threads "1 2"] [--isa host|avx2|avx512] [--no-tune]
#                        [--schedule-tune TRIALS] [--models-list "a b"]
#
# For every model of the benchmark set (scripts/export_models.py --list: ten torchvision
# architectures, a transformer encoder and an MLP; fp32, batch 1, opset 13, seeded
# weights) and each thread count: compiles the model with
# `tessera compile --target cpu --tune` (AOT .so; kernels' schedules timed on this
# machine, as TVM tunes before it is measured; --no-tune: the default schedules),
# checks its output against the reference interpreter (`--check 1e-4`), times
# `tessera run --backend cpu` (median of N runs after a warm-up, in process) and ONNX
# Runtime on the same input (node + onnxruntime-node, installed in bench/ with
# --ignore-scripts) in K alternating rounds -- tessera, ORT, tessera, ORT, ... so a slow
# phase of a shared host hits both alike -- and prints, the medians being the median of
# the K rounds' medians,
#
#   <model> isa=<avx512|avx2> threads=<n> tessera_ms=<median> ort_ms=<median> ort_over_tessera=<ratio> ref_fallbacks=<n> core_transfer_GBps=<rate>
#
# after a header line naming the host CPU, its vector ISA and the load average.
# core_transfer_GBps (bench/core_transfer, measured after the line's rounds) is how fast
# data one core writes reaches the other: on a shared virtual machine it halves for
# minutes at a time, and two-thread times rise with it for both engines.
# --isa: the vector ISA of both engines: host (the default: tessera's code for the host's
# own CPU and features, ONNX Runtime's kernels picked from it), avx2 (as on an AVX2-only
# host: tessera's code for `--cpu x86-64-v3`, 8-lane kernels, and ONNX Runtime run under
# libtessera_cpuid_mask.so, which hides AVX-512 from its CPUID, so it runs its AVX2
# kernels) or avx512 (`--cpu x86-64-v4`). The header names ONNX Runtime's ISA too.
# --schedule-tune TRIALS: instead of --tune's candidate list, each model's kernel
# schedules are tuned through the CPU space (`tessera tune --target cpu --trials TRIALS
# --records`) and compiled with `--records`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
models="${TMPDIR:-/tmp}/tessera-bench-models"
repeat=20
rounds=5
threads_list="1 2"
tune=--tune
schedule_trials=""
isa_choice=host
python=/usr/bin/python3
model_list="$("$python" "$root/scripts/export_models.py" --list)"
usage="usage: $0 [--build DIR] [--models DIR] [--repeat N] [--rounds K] [--threads \"1 2\"] [--isa host|avx2|avx512] [--no-tune] [--schedule-tune TRIALS] [--models-list \"a b\"]"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads_list="$2"; shift 2 ;;
    --isa) isa_choice="$2"; shift 2 ;;
    --no-tune) tune=""; shift ;;
    --schedule-tune) schedule_trials="$2"; shift 2 ;;
    --models-list) model_list="$2"; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
tessera="$build/bin/tessera"
[[ -x "$tessera" ]] || { echo "compare_ort.sh: $tessera not built" >&2; exit 1; }
mkdir -p "$models"

# The vector ISA of the generated code, named on every line.
host_isa=avx2
grep -qw avx512f /proc/cpuinfo && host_isa=avx512
cpu_flag=()
ort_env=()
ort_isa=$host_isa
case "$isa_choice" in
  host) isa=$host_isa ;;
  avx2) isa=avx2; cpu_flag=(--cpu x86-64-v3)
        if [[ $host_isa == avx512 ]]; then
          mask="$build/lib/libtessera_cpuid_mask.so"
          [[ -f "$mask" ]] || { echo "compare_ort.sh: $mask not built" >&2; exit 1; }
          ort_env=(env LD_PRELOAD="$mask" TESSERA_CPUID_MASK=avx512)
          seen="$("${ort_env[@]}" "$build/bin/cpuid_features" 2>&1)"
          [[ "$seen" == *"avx512f=0"* ]] ||
            { echo "compare_ort.sh: cannot hide AVX-512 from ONNX Runtime here: $seen" >&2; exit 1; }
          ort_isa=avx2
        fi ;;
  avx512) isa=avx512; cpu_flag=(--cpu x86-64-v4) ;;
  *) echo "compare_ort.sh: --isa '$isa_choice': expected host, avx2 or avx512" >&2; exit 2 ;;
esac
[[ -z "$schedule_trials" || "$isa_choice" == host ]] ||
  { echo "compare_ort.sh: --schedule-tune records are the host's: use it with --isa host" >&2; exit 2; }
cpu_name="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "host: $cpu_name, host_isa=$host_isa, code_isa=$isa, ort_isa=$ort_isa, cores=$(nproc), load=$(cut -d' ' -f1-3 /proc/loadavg)"

# ONNX Runtime through node, installed once beside the script.
if [[ ! -d "$root/bench/node_modules/onnxruntime-node" ]]; then
  (cd "$root/bench" && npm install --ignore-scripts --no-audit --no-fund --silent >/dev/null)
fi

# Models and their seeded inputs; ort_bench.js reads raw float32 with a shape file.
for model in $model_list; do
  if [[ ! -f "$models/$model.onnx" ]]; then
    "$python" "$root/scripts/export_models.py" --out "$models" --models "$model" >/dev/null 2>&1 ||
      { echo "compare_ort.sh: exporting $model failed" >&2; exit 1; }
  fi
  "$python" - "$models/$model" <<'PY'
import sys
import numpy as np
base = sys.argv[1]
x = np.load(base + ".input.npy").astype(np.float32)
x.tofile(base + ".input.bin")
with open(base + ".input.bin.shape", "w") as f:
    f.write(str(list(x.shape)))
PY
done

# The median of whitespace-separated numbers.
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for model in $model_list; do
  onnx="$models/$model.onnx"
  so="$models/$model.so"
  if [[ -n "$schedule_trials" ]]; then
    records="$models/$model.cpu.jsonl"
    rm -f "$records"
    echo "tuning $model (tessera tune --target cpu --trials $schedule_trials)" >&2
    "$tessera" tune "$onnx" --target cpu --trials "$schedule_trials" --records "$records" >/dev/null
    summary="$("$tessera" compile "$onnx" --target cpu "${cpu_flag[@]}" -o "$so" --records "$records")"
  else
    echo "compiling $model (tessera compile --target cpu ${cpu_flag[*]} $tune)" >&2
    summary="$("$tessera" compile "$onnx" --target cpu "${cpu_flag[@]}" -o "$so" $tune)"
  fi
  fallbacks="$(echo "$summary" | sed -n 's/.* \([0-9]*\) ref fallbacks.*/\1/p' | tail -1)"
  "$tessera" run "$so" --backend cpu --input "input=$models/$model.input.npy" --check 1e-4 >/dev/null ||
    { echo "compare_ort.sh: $model: output differs from the reference interpreter" >&2; exit 1; }
  for threads in $threads_list; do
    tessera_runs="" ort_runs=""
    for ((round = 0; round < rounds; ++round)); do
      tessera_runs+=" $("$tessera" run "$so" --backend cpu --input "input=$models/$model.input.npy" \
                          --repeat "$repeat" --threads "$threads" --print-time |
                        sed -n 's/^latency_ms: median=\([0-9.]*\).*/\1/p')"
      ort_runs+=" $("${ort_env[@]}" node "$root/bench/ort_bench.js" "$onnx" "$threads" "$repeat" "$models/$model.input.bin" |
                    sed -n 's/^ort_ms=//p')"
    done
    tessera_ms=$(echo "$tessera_runs" | median)
    ort_ms=$(echo "$ort_runs" | median)
    ratio=$(awk -v o="$ort_ms" -v t="$tessera_ms" 'BEGIN { printf "%.3f", o / t }')
    transfer=n/a
    [[ -x "$build/bin/core_transfer" ]] &&
      transfer="$("$build/bin/core_transfer" 2>/dev/null | sed -n 's/^core_transfer_GBps=\([0-9.]*\).*/\1/p')"
    echo "$model isa=$isa threads=$threads tessera_ms=$tessera_ms ort_ms=$ort_ms ort_over_tessera=$ratio ref_fallbacks=$fallbacks core_transfer_GBps=${transfer:-n/a}"
  done
done
