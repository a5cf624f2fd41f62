#!/usr/bin/env bash
# bench/gpu_compare_torch.sh: the benchmark set's NVPTX kernels on the GPU
# (gpu_model_bench: checked against the cpu target, timed) beside PyTorch eager on the
# same architectures (bench/gpu_torch_peer.py: eager, and replayed as a CUDA graph), and
# the ratios torch_ms / tessera_ms for both.
#
#   bench/gpu_compare_torch.sh --bin build/bin --models DIR [--models-list "a b"] [--repeat 50] [--log DIR]
#
# DIR holds NAME.onnx files (scripts/export_models.py --out DIR --models all).
set -uo pipefail
BIN=build/bin; MODELS=; LIST=; REPEAT=50; LOG=
while [[ $# -gt 0 ]]; do
  case $1 in
    --bin) BIN=$2; shift 2 ;;
    --models) MODELS=$2; shift 2 ;;
    --models-list) LIST=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --log) LOG=$2; shift 2 ;;
    *) echo "gpu_compare_torch.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -n $MODELS && -d $MODELS ]] || { echo "gpu_compare_torch.sh: --models DIR (a folder of NAME.onnx) is required" >&2; exit 2; }
[[ -x $BIN/gpu_model_bench ]] || { echo "gpu_compare_torch.sh: $BIN/gpu_model_bench not built" >&2; exit 2; }
[[ -n $LIST ]] || LIST=$(cd "$MODELS" && ls *.onnx | sed 's/\.onnx$//' | tr '\n' ' ')
LOG=${LOG:-$(mktemp -d)}; mkdir -p "$LOG"
HERE=$(cd "$(dirname "$0")" && pwd)
echo "host: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for m in $LIST; do
  "$BIN/gpu_model_bench" "$MODELS/$m.onnx" --repeat "$REPEAT" > "$LOG/$m.tessera" 2>&1
  rc=$?
  if [[ $rc == 0 ]]; then echo "tessera $m: $(grep -h 'forward_ms\|check' "$LOG/$m.tessera" | tr '\n' ' ')"
  else echo "tessera $m: exit $rc: $(tail -1 "$LOG/$m.tessera")"; fi
done
python3 "$HERE/gpu_torch_peer.py" --models "$(echo $LIST | tr ' ' ',')" --repeat "$REPEAT" > "$LOG/peer.txt" 2>&1 ||
  echo "gpu_torch_peer.py failed: $(tail -3 "$LOG/peer.txt")"
head -1 "$LOG/peer.txt"
printf "%-20s %11s %11s %11s %11s %11s %10s\n" model tessera_ms eager_ms eager/tess graph_ms graph/tess check
for m in $LIST; do
  t=$(awk '/^forward_ms/ {print $3}' "$LOG/$m.tessera")
  c=$(awk '/^check/ {print $NF}' "$LOG/$m.tessera")
  p=$(awk -v m="$m" '$1 == "peer" && $2 == m {print $4}' "$LOG/peer.txt")
  g=$(awk -v m="$m" '$1 == "peer" && $2 == m {print $6}' "$LOG/peer.txt")
  ratio() { awk -v t="${1:-0}" -v p="${2:-0}" 'BEGIN { if (t > 0 && p > 0) printf "%.3f", p / t; else print "-" }'; }
  printf "%-20s %11s %11s %11s %11s %11s %10s\n" "$m" "${t:--}" "${p:--}" "$(ratio "$t" "$p")" "${g:--}" \
    "$(ratio "$t" "$g")" "${c:--}"
done
