#!/usr/bin/env bash
# tessera tune --target cpu on the digits CNN: every kernel gets an outcome, every timing
# is a record with a `schedule` (not `mapping`) and this host's config_hash; compile
# --records applies one to every kernel and the library's outputs match the reference
# interpreter; --resume takes the recorded schedules without timing the space again;
# foreign-host records are counted as skipped; the other cost models are refused.
# Usage: tune_cpu.sh BIN_DIR SOURCE_DIR
set -euo pipefail
BIN=$1; SRC=$2; WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
T="$BIN/tessera"; MODEL="$SRC/examples/models/digits_cnn.onnx"
fail() { echo "tune_cpu: FAIL: $*" >&2; exit 1; }

"$T" tune "$MODEL" --target cpu --trials 40 --records "$WORK/r.jsonl" >"$WORK/tune.txt" || fail "tune failed"
grep -q "^tune: measure, [0-9]* kernels" "$WORK/tune.txt" || fail "no summary: $(cat "$WORK/tune.txt")"
grep -q "^total " "$WORK/tune.txt" || fail "no total row"
records=$(wc -l <"$WORK/r.jsonl")
((records >= 10)) || fail "only $records records"
grep -q '"schedule":"' "$WORK/r.jsonl" || fail "records hold no schedule"
! grep -q '"mapping"' "$WORK/r.jsonl" || fail "a cpu record has a mapping key"
grep -q '"target":"cpu"' "$WORK/r.jsonl" || fail "records are not cpu records"

"$T" compile "$MODEL" --target cpu --records "$WORK/r.jsonl" -o "$WORK/m.so" >"$WORK/compile.txt" || fail "compile --records failed"
grep -q "kernels scheduled from records" "$WORK/compile.txt" || fail "no records applied: $(cat "$WORK/compile.txt")"
"$T" run "$WORK/m.so" --backend cpu --random-inputs 1 --check 1e-4 >"$WORK/run.txt" || fail "tuned library differs from the interpreter: $(cat "$WORK/run.txt")"

"$T" tune "$MODEL" --target cpu --trials 40 --records "$WORK/r.jsonl" --resume >"$WORK/resume.txt" || fail "resume failed"
timed=$(awk '$1 ~ /^k[0-9]/ {s += $2} END {print s}' "$WORK/resume.txt")
kernels=$(awk '$1 ~ /^k[0-9]/ {n++} END {print n}' "$WORK/resume.txt")
((timed == 2 * kernels)) || fail "--resume timed $timed schedules for $kernels kernels (expected only the final check, 2 each)"

sed 's/"config_hash":"[0-9a-f]*"/"config_hash":"0000000000000000"/' "$WORK/r.jsonl" >"$WORK/foreign.jsonl"
records=$(wc -l <"$WORK/foreign.jsonl")
"$T" compile "$MODEL" --target cpu --records "$WORK/foreign.jsonl" -o "$WORK/f.so" >"$WORK/foreign.txt" 2>&1 || fail "compile with foreign records failed"
grep -q "skipped $records of $records records" "$WORK/foreign.txt" || fail "foreign records not reported: $(cat "$WORK/foreign.txt")"

if "$T" tune "$MODEL" --target cpu --cost-model xgb --trials 4 2>"$WORK/err.txt"; then fail "xgb accepted for cpu"; fi
grep -q "\-\-target cpu tunes with --cost-model measure" "$WORK/err.txt" || fail "unclear error: $(cat "$WORK/err.txt")"
echo "tune_cpu: $records records; compile --records applied them; --resume re-timed none; foreign records skipped"
