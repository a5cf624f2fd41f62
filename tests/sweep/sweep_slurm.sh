#!/usr/bin/env bash
# tessera sweep on Slurm gives the same results.csv as the local executor: starts a
# private one-node Slurm cluster (scripts/slurm_local.sh) under WORK_DIR, runs one small
# sweep with `--executor local -j 2` and again with `--executor slurm --points-per-task 2
# --wait` (a job array of 2 tasks for 3 points), merges the Slurm run with `--collect`,
# and diffs the two results.csv. The cluster is stopped on every exit. Exits 77 (skipped)
# when slurm-wlm or munge is not installed.
#
# Usage: tests/sweep/sweep_slurm.sh TESSERA_BIN SOURCE_DIR WORK_DIR
set -uo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 TESSERA_BIN SOURCE_DIR WORK_DIR" >&2
  exit 2
fi
TESSERA=$1
SRC=$(cd "$2" && pwd)
mkdir -p "$3"
WORK=$(cd "$3" && pwd)

# --- the sweep under test (the one place to change it) ---------------------------------
# 6 points (3 derived configs x 2 DRAM bandwidths) x 1 model on the cycle-accurate SystemC
# model: the digits CNN, calibrated on its bundled samples (the local and Slurm runs share
# nothing but the spec, so each quantizes it).
MODEL=$SRC/examples/models/digits_cnn.onnx
write_spec() {
  cat >"$1" <<EOF
{
  "base": "$SRC/configs/default.json",
  "points": [
    {"derive": {"block": 8}},
    {"derive": {"block": 16}},
    {"derive": {"block": 16, "scale_buffers": 0.5}}
  ],
  "grid": {"dram_bytes_per_cycle": [8, 16]},
  "models": ["$MODEL"],
  "calibrate": "$SRC/examples/models/digits_calib",
  "backend": "systemc"
}
EOF
}
EXPECTED_ROWS=6          # results.csv data rows: points x models
POINTS_PER_TASK=2
EXPECTED_TASKS=3         # ceil(6 points / 2 per task) array tasks
SWEEP_TIMEOUT_S=200      # per sweep, below ctest's TIMEOUT 300 so the trap still runs
# ----------------------------------------------------------------------------------------

fail() {
  echo "sweep_slurm: FAIL: $*" >&2
  exit 1
}

for tool in slurmctld slurmd sbatch munged; do
  if ! command -v "$tool" >/dev/null; then
    echo "sweep_slurm: skipped: slurm-wlm/munge not installed (scripts/setup.sh installs them)"
    exit 77
  fi
done
[[ -x "$TESSERA" ]] || fail "tessera binary not found: $TESSERA"
[[ -f "$MODEL" ]] || fail "model not found: $MODEL"

# Only what this test writes is removed; WORK_DIR itself may hold other things.
STATE=$WORK/slurm-state
# munge's socket path (STATE/munge.socket) must fit a Unix socket's 107 bytes.
if ((${#STATE} > 90)); then
  STATE=$(mktemp -d /tmp/tessera-slurm.XXXXXX)
fi
SLURM_LOCAL=$SRC/scripts/slurm_local.sh
cleanup() {
  "$SLURM_LOCAL" stop "$STATE" >/dev/null || echo "sweep_slurm: warning: stopping the cluster in $STATE failed" >&2
  if [[ "$STATE" == /tmp/tessera-slurm.* ]]; then rm -rf "$STATE"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$WORK/local" "$WORK/slurm" "$WORK/spec.json"
write_spec "$WORK/spec.json"
echo "sweep_slurm: spec $WORK/spec.json ($EXPECTED_ROWS points x $(basename "$MODEL"), backend systemc)"

echo "sweep_slurm: starting a one-node Slurm cluster in $STATE"
"$SLURM_LOCAL" start "$STATE" || fail "scripts/slurm_local.sh start $STATE failed"

echo "sweep_slurm: local sweep into $WORK/local"
timeout "$SWEEP_TIMEOUT_S" "$TESSERA" sweep "$WORK/spec.json" -o "$WORK/local" --executor local -j 2 ||
  fail "local sweep failed (exit $?)"

echo "sweep_slurm: Slurm sweep into $WORK/slurm"
(
  # shellcheck disable=SC1091
  source "$STATE/env.sh"
  timeout "$SWEEP_TIMEOUT_S" "$TESSERA" sweep "$WORK/spec.json" -o "$WORK/slurm" --executor slurm \
    --points-per-task "$POINTS_PER_TASK" --wait
) || fail "slurm sweep failed (exit $?); slurmctld log: $STATE/slurmctld.log"
[[ -f "$WORK/slurm/slurm/sweep.sbatch" ]] || fail "no $WORK/slurm/slurm/sweep.sbatch"

echo "sweep_slurm: collecting $WORK/slurm"
timeout "$SWEEP_TIMEOUT_S" "$TESSERA" sweep --collect "$WORK/slurm" || fail "--collect failed (exit $?)"

# The job array really ran on the cluster: one allocation per array task.
tasks=$(grep -c "sched: Allocate JobId=" "$STATE/slurmctld.log" || true)
[[ "$tasks" == "$EXPECTED_TASKS" ]] ||
  fail "slurmctld allocated $tasks array task(s), expected $EXPECTED_TASKS ($STATE/slurmctld.log)"

for run in local slurm; do
  csv=$WORK/$run/results.csv
  [[ -f "$csv" ]] || fail "no $csv"
  rows=$(($(wc -l <"$csv") - 1))
  [[ "$rows" == "$EXPECTED_ROWS" ]] || fail "$csv has $rows data rows, expected $EXPECTED_ROWS"
done
if ! out=$(diff "$WORK/local/results.csv" "$WORK/slurm/results.csv"); then
  fail "results.csv differ (< local, > slurm):"$'\n'"$out"
fi

echo "sweep_slurm: $EXPECTED_ROWS points on $tasks Slurm array tasks; results.csv identical to the local run:"
cat "$WORK/slurm/results.csv"
echo "sweep_slurm: PASS"
