#!/usr/bin/env bash
#===- config_grid.sh - Models x derived hardware configs, resumable ----------------===#
#
#   bench/config_grid.sh [--build DIR] [--out DIR] [--models resnet18,mobilenet_v2,squeezenet1_1]
#                        [--quick] [--fresh]
#
# Derives the grid's configs (bench/config_grid.py configs: block 4..64, data buffers
# x0.25/x1/x4, DRAM 4..64 B/cycle; >= 20 configs), exports the torchvision models once
# (scripts/export_models.py) and quantizes each once (tessera quantize --calibrate
# random:2), then for every config x model compiles, runs on functional and systemc
# with --reference and writes OUT/points/CONFIG__MODEL.json (bench/config_grid.py point).
# A point whose file exists is skipped, so a stopped run resumes where it was; each point
# prints a progress line. Last, OUT/summary.{json,csv} and the table (config_grid.py
# summary). --quick: 3 configs on the digits CNN (examples/models), the ctest
# bench.config_grid_quick; it fails unless every point is ok. --fresh: remove OUT first.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
out=
models=resnet18,mobilenet_v2,squeezenet1_1
quick=0
fresh=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    --fresh) fresh=1; shift ;;
    *) echo "config_grid.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
tessera=$build/bin/tessera
py=/usr/bin/python3
grid=$root/bench/config_grid.py
if [[ $quick == 1 ]]; then
  out=${out:-$build/config-grid-quick}
  models=digits_cnn
else
  out=${out:-$build/config-grid}
fi
if [[ $fresh == 1 ]]; then rm -rf "$out"; fi
mkdir -p "$out/models"

# The configs (cheap: derived every time, so a changed rule reaches a resumed grid).
if [[ $quick == 1 ]]; then "$py" "$grid" configs --tessera "$tessera" --out "$out" --quick
else "$py" "$grid" configs --tessera "$tessera" --out "$out"; fi
mapfile -t configs < <("$py" -c 'import json,sys; [print(e["name"]) for e in json.load(open(sys.argv[1])) if e["path"]]' \
  "$out/configs/index.json")

# Each model quantized once; every config reuses the int8 graph.
IFS=, read -ra model_list <<< "$models"
declare -A graph input
for model in "${model_list[@]}"; do
  q=$out/models/$model.q.tg
  if [[ $model == digits_cnn ]]; then
    onnx=$root/examples/models/digits_cnn.onnx
    calibrate=$root/examples/models/digits_calib
    input[$model]=
  else
    onnx=$build/models/$model.onnx
    calibrate=random:2
    input[$model]=input=$build/models/$model.input.npy
    if [[ ! -f $onnx ]]; then
      echo "config_grid: exporting the torchvision models into $build/models"
      "$py" "$root/scripts/export_models.py" --out "$build/models"
    fi
  fi
  if [[ ! -f $q ]]; then
    echo "config_grid: quantizing $model"
    "$tessera" quantize "$onnx" --calibrate "$calibrate" -o "$q" > "$out/models/$model.quantize.log"
  fi
  graph[$model]=$q
done

total=$(( ${#configs[@]} * ${#model_list[@]} ))
n=0
for config in "${configs[@]}"; do
  for model in "${model_list[@]}"; do
    n=$((n + 1))
    result=$out/points/${config}__${model}.json
    if [[ -f $result ]]; then
      echo "[$n/$total] $config $model: done before, skipped"
      continue
    fi
    start=$SECONDS
    args=(point --tessera "$tessera" --out "$out" --config "$config" --model "$model" --graph "${graph[$model]}")
    [[ -n ${input[$model]} ]] && args+=(--input "${input[$model]}")
    "$py" "$grid" "${args[@]}"
    line=$("$py" -c 'import json,sys; p=json.load(open(sys.argv[1])); print(p["status"], "cycles=%s" % p.get("total_cycles"), p.get("error", ""))' "$result")
    echo "[$n/$total] $config $model: $line ($((SECONDS - start)) s)"
  done
done

if [[ $quick == 1 ]]; then "$py" "$grid" summary --out "$out" --check
else "$py" "$grid" summary --out "$out"; fi
