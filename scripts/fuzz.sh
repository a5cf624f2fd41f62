#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (preset `fuzz`: clang-19, ASan + UBSan, only the
# fuzz targets and the libraries they link) and runs each for SECONDS on a copy of its seeds
# (seed_files below), one fuzzer at a time; fails if any finds a crash, leak, UB,
# timeout (-timeout=10) or out-of-memory (-rss_limit_mb=2048), keeping the input that did
# under the work directory it prints. See docs/fuzzing.md.
# Usage: scripts/fuzz.sh [SECONDS [NAME...]]   (SECONDS 20 by default; NAME: npy config
#        asm tsb graph loop onnx, all by default)
# Environment: TESSERA_FUZZ_BIN=DIR runs the fuzzers already built in DIR (the ctest
# fuzz_smoke does) instead of configuring and building build-fuzz/.
#   FUZZ_SEED=N fixes libFuzzer's random seed (0, the default, draws one per run): the
#   inputs tried are then the same sequence on every machine, a faster one going further
#   along it. scripts/test.sh (CI) runs the smoke with a fixed seed, so that a rare
#   finding turns up in a search by hand (docs/fuzzing.md), not as a random CI failure.
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-20}
shift $(($# > 0 ? 1 : 0))
NAMES=("$@")
((${#NAMES[@]})) || NAMES=(npy config asm tsb graph loop onnx)

BIN=${TESSERA_FUZZ_BIN:-}
if [[ -z $BIN ]]; then
  [[ -f build-fuzz/build.ninja ]] || cmake --preset fuzz >/dev/null || exit 1
  targets=(); for name in "${NAMES[@]}"; do targets+=("fuzz_$name"); done
  cmake --build build-fuzz -j "${FUZZ_BUILD_JOBS:-2}" --target "${targets[@]}" || exit 1
  BIN=build-fuzz/bin
fi

# Each fuzzer's seeds: inputs the repository already has for that format (examples, the
# lit tests' inputs, the regression inputs of tests/regress/), plus the few of
# fuzz/corpus/<name>/ that exist nowhere else.
seed_files() {
  case "$1" in
    npy) echo examples/models/digits_samples/*.npy tests/regress/*.npy ;;
    config) echo configs/*.json tests/regress/config_*.json ;;
    asm) echo examples/*.s tests/regress/*.s ;;
    tsb) echo tests/regress/*.tsb ;;
    graph) echo tests/lit/Inputs/*.tg tests/lit/graph/*.tg tests/lit/accel/*.tg tests/regress/*.tg ;;
    loop) echo tests/lit/loop/*.tl tests/regress/*.tl ;;
    onnx) echo examples/models/qdq_conv.onnx tests/regress/*.onnx ;;
  esac
  if [[ -d fuzz/corpus/$1 ]]; then echo fuzz/corpus/"$1"/*; fi
}

WORK=$(mktemp -d /tmp/tessera-fuzz.XXXXXX)
failures=0
for name in "${NAMES[@]}"; do
  fuzzer="$BIN/fuzz_$name"
  [[ -x $fuzzer ]] || { echo "fuzz: $fuzzer not built"; failures=$((failures + 1)); continue; }
  mkdir -p "$WORK/$name/corpus"
  # shellcheck disable=SC2046
  cp $(seed_files "$name") "$WORK/$name/corpus/"
  "$fuzzer" "$WORK/$name/corpus" -seed="${FUZZ_SEED:-0}" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$WORK/$name/" -print_final_stats=1 >"$WORK/$name/log" 2>&1
  rc=$?
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$WORK/$name/log" | tail -1)
  runs=$(grep -E '^stat::number_of_executed_units' "$WORK/$name/log" | awk '{print $2}')
  if ((rc != 0)); then
    echo "FAIL fuzz_$name (exit $rc): log and input under $WORK/$name/"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$WORK/$name/log" | head -5
    # The stack and the input itself, so that a finding on a machine whose /tmp is gone
    # (CI) can be reproduced from the printed log: base64 -d > input; fuzzer input.
    grep -E '^ +#[0-9]+ 0x' "$WORK/$name/log" | head -16
    for input in "$WORK/$name"/crash-* "$WORK/$name"/leak-* "$WORK/$name"/timeout-* "$WORK/$name"/oom-*; do
      [[ -f $input ]] || continue
      if (($(stat -c %s "$input") <= 8192)); then
        echo "input $(basename "$input") (base64):"; base64 -w 100 "$input"
      fi
    done
    failures=$((failures + 1))
  else
    echo "ok   fuzz_$name: ${runs:-?} runs in ${SECONDS_EACH} s; ${done_line:-no DONE line}"
  fi
done
if ((failures == 0)); then rm -rf "$WORK"; fi
exit $((failures > 0))
