#!/usr/bin/env bash
#===- check_layering.sh - Libraries include only from libraries below them ------===#
#
#   scripts/check_layering.sh [source dir]      (the ctest `layering` runs it)
#
# LAYERS lists every library's directory once, lowest first (docs/architecture.md,
# "Layers", states the same list). A file belongs to the library of the longest LAYERS
# entry its path starts with (compiler/quant/arith/x.h is in compiler/quant/arith, not
# compiler/quant); so does a header it includes. The check fails, naming the file, the
# include and both libraries, when
#   1. a file includes a header of a library that is not below its own (its own is fine);
#   2. a file of a lowering library under compiler/ (LOWERING) includes anything from
#      simulator/, rtl/ or runtime/: the compiler emits programs, it does not run them;
#   3. a file is in no layer (a new directory must be placed in LAYERS);
#   4. the Layers table of docs/architecture.md does not list LAYERS, in order.
# Tests may include anything: *_test.cpp, *test_util*, and whatever is under tests/ or
# bench/ (not scanned). Includes without a directory ("rtl_models.def", Verilator's
# headers) are local or generated and not checked.
#
# Like LLVM's library layering (its build checks each library's dependencies), this only
# looks at #include "..." lines: a grep, fast enough to run with every ctest.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

# Lowest first. A library may include only from itself and the entries above its line.
LAYERS=(
  support                # status, dtypes, tensors, files, hashing
  isa                    # the ISA table, config, encoder, assembler, binaries
  isa/timing             # the timing contract: DRAM channel, transfer costs, durations
  simulator/golden       # the golden functional executor
  simulator/timing       # the instruction-level cycle reference
  simulator/testing      # random valid programs for co-simulation
  runtime/backend_api    # what a backend implements (RunOptions, RunResult, Backend)
  simulator/systemc      # the cycle-accurate SystemC model, backend `systemc`
  rtl                    # the Verilated RTL's harness, backend `rtl`
  runtime                # the backend registry (backends.def) and the Device
  compiler/graph         # graph IR, text form, verifier, shape inference
  compiler/loop          # loop IR, compute stages, schedules
  compiler/quant/arith   # fixed-point requant operands, ALU lane semantics
  compiler/interp        # the reference interpreter
  compiler/onnx          # ONNX import; the ONNX backend-test runner (on the interpreter)
  compiler/passes        # graph passes and the pass manager
  compiler/quant         # calibration, PTQ, the qdq-import pass
  compiler/lower         # graph ops as compute stages, CPU and GPU schedules
  compiler/codegen       # loop IR -> LLVM IR, the JIT, NVPTX
  compiler/exec          # the CPU graph executor
  compiler/accel         # accelerator instruction emission and model compilation
  runtime/model          # running a compiled model on a backend (the model runner)
  compiler/driver        # the compilation driver: every compiler library and the runtime
  compiler/tune          # the accelerator auto-tuner: search, cost models, records
  sweep                  # co-design sweeps: specs, points, worker pools, Slurm/k8s, results
  tools                  # the tessera CLI
  python                 # the tessera Python package (pybind11) over the driver, runners, sweeps
  examples               # hand-written programs and their reference checkers
)

# The compiler's lowering libraries: they include nothing from simulator/, rtl/, runtime/.
LOWERING=(
  compiler/graph compiler/onnx compiler/passes compiler/quant compiler/quant/arith
  compiler/interp compiler/loop compiler/lower compiler/codegen compiler/accel compiler/exec
)

# Violations known to be fixed by work in flight, as "file include". Each entry says why
# and goes when that work lands; nothing else belongs here.
KNOWN_PENDING=(
)

# The docs state the same order: their table's directory column must equal LAYERS.
# shellcheck disable=SC2016 # the backquotes are markdown, not a command
documented=$(sed -n 's/^| [0-9][0-9]* | `\([^`]*\)` |.*/\1/p' docs/architecture.md)
if [[ $documented != "$(printf '%s\n' "${LAYERS[@]}")" ]]; then
  echo "docs/architecture.md: the Layers table does not list LAYERS of scripts/check_layering.sh in order:"
  diff <(printf '%s\n' "${LAYERS[@]}") <(echo "$documented") || true
  exit 1
fi

# Every non-test source file under the layers' top directories, with its quoted includes.
tops=()
for dir in $(printf '%s\n' "${LAYERS[@]}" | cut -d/ -f1 | sort -u); do
  if [[ -d $dir ]]; then tops+=("$dir"); fi
done
mapfile -t files < <(find "${tops[@]}" -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.cpp' \
                       -o -name '*.cc' -o -name '*.def' -o -name '*.inc' -o -name '*.in' \) \
                       ! -name '*_test.cpp' ! -name '*test_util*' | sort)

{
  printf 'LAYER %s\n' "${LAYERS[@]}"
  printf 'LOWERING %s\n' "${LOWERING[@]}"
  printf 'PENDING %s\n' "${KNOWN_PENDING[@]}"
  printf 'FILE %s\n' "${files[@]}"
  grep -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "${files[@]}" /dev/null || true
} | awk '
  # The library of a path: the longest LAYERS entry that is a directory prefix of it.
  function library(path,    dir, best) {
    best = ""
    for (dir in rank)
      if (index(path, dir "/") == 1 && length(dir) > length(best)) best = dir
    return best
  }
  $1 == "LAYER"    { rank[$2] = ++layers; next }
  $1 == "LOWERING" { lowering[$2] = 1; next }
  $1 == "PENDING"  { if (NF == 3) pending[$2 " " $3] = 1; next }
  $1 == "FILE" {
    if (library($2) == "") {
      printf "%s: in no layer; add its directory to LAYERS in scripts/check_layering.sh\n", $2
      errors++
    }
    next
  }
  {
    file = substr($0, 1, index($0, ":") - 1)
    header = $0
    sub(/^[^"]*"/, "", header)
    sub(/".*/, "", header)
    if (index(header, "/") == 0) next
    own = library(file)
    used = library(header)
    if (own == "") next
    why = ""
    if (own in lowering && header ~ /^(simulator|rtl|runtime)\//)
      why = sprintf("library %s includes library %s: the compiler lowering libraries include nothing from simulator/, rtl/ or runtime/", own, used)
    else if (used != "" && rank[used] > rank[own])
      why = sprintf("library %s includes library %s, which is above it", own, used)
    if (why == "") next
    if ((file " " header) in pending) { used_pending[file " " header] = 1; next }
    printf "%s: #include \"%s\": %s\n", file, header, why
    errors++
  }
  END {
    for (entry in pending)
      if (!(entry in used_pending))
        printf "note: KNOWN_PENDING \"%s\" is no longer needed; remove it\n", entry
    if (errors) {
      printf "layering: %d violation(s); the order is LAYERS in scripts/check_layering.sh\n", errors
      exit 1
    }
    printf "layering: ok (%d libraries)\n", layers
  }
'
