#!/usr/bin/env bash
# An interrupted sweep resumes to the same results: runs a sweep uninterrupted into
# WORK_DIR/whole, then the same sweep into WORK_DIR/cut, stopped with SIGINT once two
# points have finished (the workers stop with it), then rerun: the rerun must say it
# skipped the finished points, and both results.csv must be byte-identical. The spec has
# one invalid point (a DRAM burst that is no power of two): it is recorded as an error
# row and the sweep goes on.
#
# Usage: tests/sweep/sweep_resume.sh TESSERA_BIN SOURCE_DIR WORK_DIR
set -uo pipefail

TESSERA=$1
SRC=$(cd "$2" && pwd)
mkdir -p "$3"
WORK=$(cd "$3" && pwd)
fail() {
  echo "sweep_resume: FAIL: $*" >&2
  exit 1
}

rm -rf "$WORK/whole" "$WORK/cut"
cat >"$WORK/spec.json" <<EOF
{
  "base": "$SRC/configs/default.json",
  "points": [{"derive": {"block": 8}}, {"derive": {"block": 16}}, {"derive": {"block": 16, "scale_buffers": 0.5}}],
  "grid": {"dram_burst_bytes": [64, 100, 256], "dram_bytes_per_cycle": [8, 16]},
  "models": ["$SRC/examples/models/digits_cnn.onnx"],
  "calibrate": "$SRC/examples/models/digits_calib",
  "backend": "systemc"
}
EOF

timeout 200 "$TESSERA" sweep "$WORK/spec.json" -o "$WORK/whole" -j 1 >"$WORK/whole.log" 2>&1 ||
  fail "uninterrupted sweep failed: $(cat "$WORK/whole.log")"

"$TESSERA" sweep "$WORK/spec.json" -o "$WORK/cut" -j 1 >"$WORK/cut1.log" 2>&1 &
coordinator=$!
for _ in $(seq 1 400); do
  finished=$(find "$WORK/cut/points" -name result.json 2>/dev/null | wc -l)
  ((finished >= 2)) && break
  sleep 0.05
done
kill -INT "$coordinator"
wait "$coordinator"
status=$?
finished=$(find "$WORK/cut/points" -name result.json | wc -l)
((status != 0)) || fail "the interrupted sweep exited 0 (it finished before the signal?)"
((finished >= 2 && finished < 18)) || fail "$finished points finished before the interrupt, expected 2 to 17"
[[ ! -f "$WORK/cut/results.csv" ]] || fail "an interrupted sweep wrote results.csv"
sleep 0.2
pgrep -f "sweep --worker $WORK/cut" >/dev/null && fail "a worker of the interrupted sweep is still running"

timeout 200 "$TESSERA" sweep "$WORK/spec.json" -o "$WORK/cut" -j 2 >"$WORK/cut2.log" 2>&1 ||
  fail "the resumed sweep failed: $(cat "$WORK/cut2.log")"
grep -q "skipped $finished finished points" "$WORK/cut2.log" || fail "the rerun did not skip $finished points: $(cat "$WORK/cut2.log")"
diff "$WORK/whole/results.csv" "$WORK/cut/results.csv" || fail "results.csv of the resumed sweep differs"
errors=$(tail -n +2 "$WORK/whole/results.csv" | grep -c ",error,")
[[ "$errors" == 6 ]] || fail "expected 6 error rows (dram_burst_bytes=100), got $errors"
grep -q "dram_burst_bytes. must be" <(tail -n +2 "$WORK/whole/results.csv" | grep ",error,") || fail "the error rows do not name dram_burst_bytes"
echo "sweep_resume: interrupted after $finished of 18 points; the rerun skipped them; results.csv identical (18 rows, 6 errors)"
