#!/usr/bin/env bash
# cpu_model_check.sh TESSERA MODEL_DIR NAME - one model of the CPU benchmark set
# (scripts/export_models.py) through `tessera compile --target cpu`: every node must
# compile to generated code (zero reference fallbacks) and the library's output must
# match the reference interpreter within 1e-4 of the output's scale (`run --check`).
set -euo pipefail
tessera="$1" dir="$2" name="$3"
summary="$("$tessera" compile "$dir/$name.onnx" --target cpu -o "$dir/$name.so")"
echo "$summary"
grep -q " 0 ref fallbacks" <<<"$summary" || { echo "cpu_model_check: $name: nodes fall back to the reference interpreter" >&2; exit 1; }
"$tessera" run "$dir/$name.so" --backend cpu --input "input=$dir/$name.input.npy" --check 1e-4
