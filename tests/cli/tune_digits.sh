#!/usr/bin/env bash
# tessera tune on the digits CNN (examples/models/digits_cnn.onnx, calibrated) with the
# measuring cost model, then `compile --records`: the tuned binary uses the best record
# of every layer, runs on systemc in no more cycles than the untuned one, and each
# layer's cycles in it are compared with its recorded (alone) cost. --resume measures
# nothing twice; records of another format version or config are skipped with a
# count; a malformed line is an error naming file and line. docs/tuning.md.
set -uo pipefail
BIN=$1; SRC=$2; WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
T="$BIN/tessera"
MODEL=("$SRC/examples/models/digits_cnn.onnx" --calibrate "$SRC/examples/models/digits_calib")
CONFIG="$SRC/configs/default.json"
fail() { echo "FAIL: $*"; exit 1; }

out=$("$T" tune "${MODEL[@]}" --target accel --config "$CONFIG" --trials 30 --cost-model measure \
  --records "$WORK/r.jsonl" -j 2 --curve "$WORK/curve.svg" 2>"$WORK/tune.err") || fail "tune: $out $(cat "$WORK/tune.err")"
echo "$out" > "$WORK/tune.out"
[[ "$out" == *"tune: measure, 7 workloads of 7 layers, 30 trials (0 resumed from records), config default"* ]] ||
  fail "no tune summary: $out"
[[ "$out" == *"/conv1/Conv"*"->"*"%"* && "$out" == *"total "* ]] || fail "no per-layer table: $out"
[[ $(wc -l < "$WORK/r.jsonl") == 30 ]] || fail "expected 30 records: $(wc -l < "$WORK/r.jsonl")"
grep -q '<svg' "$WORK/curve.svg" || fail "--curve wrote no SVG"
echo "ok: tune --cost-model measure -j 2 wrote 30 records, the table and the curve"

"$T" compile "${MODEL[@]}" --target accel --config "$CONFIG" -o "$WORK/tuned.tsb" --records "$WORK/r.jsonl" \
  --dump-mappings "$WORK/tuned.txt" > "$WORK/compile.out" 2>&1 || fail "compile --records: $(cat "$WORK/compile.out")"
grep -q "records: .*r.jsonl: 7 layers mapped from records" "$WORK/compile.out" || fail "$(cat "$WORK/compile.out")"
"$T" compile "${MODEL[@]}" --target accel --config "$CONFIG" -o "$WORK/untuned.tsb" >/dev/null 2>&1 || fail "compile"
for b in tuned untuned; do
  "$T" run "$WORK/$b.tsb" --backend systemc --random-inputs 1 --report "$WORK/$b.json" >/dev/null 2>&1 || fail "run $b"
done
/usr/bin/python3 - "$WORK" <<'PY' || fail "tuned binary does not match the records"
import json, re, sys
work = sys.argv[1]
records = [json.loads(line) for line in open(f"{work}/r.jsonl")]
keys = {"version", "workload", "target", "config_hash", "mapping", "cost", "cost_model", "tool_version", "time"}
assert all(set(r) == keys for r in records), "a record's keys are not exactly the nine"
tuned_cost = {}  # layer -> the tune table's tuned cycles
for line in open(f"{work}/tune.out"):
    m = re.match(r"(\S+)\s+\S+\s+\d+\s+\d+\s+(\d+) ->\s+(\d+)", line)
    if m and m.group(1) != "total": tuned_cost[m.group(1)] = int(m.group(3))
mappings = dict(line.rstrip("\n").rsplit(": ", 1) for line in open(f"{work}/tuned.txt"))
segments = {s["name"]: s["cycles"] for s in json.load(open(f"{work}/tuned.json"))["segments"]}
for layer, mapping in mappings.items():
    costs = [r["cost"] for r in records if r["mapping"] == mapping]
    assert tuned_cost[layer] in costs, f"{layer}: the binary's mapping '{mapping}' is not its best record"
    print(f"  {layer}: recorded (alone) {tuned_cost[layer]}, in the model {segments[layer]}")
tuned = json.load(open(f"{work}/tuned.json"))["total_cycles"]
untuned = json.load(open(f"{work}/untuned.json"))["total_cycles"]
print(f"  total on systemc: untuned {untuned}, tuned {tuned}")
assert tuned <= untuned, "the tuned binary is slower"
PY
echo "ok: the tuned binary maps every layer with its best record, and is no slower on systemc"

out=$("$T" tune "${MODEL[@]}" --target accel --config "$CONFIG" --trials 10 --cost-model measure \
  --records "$WORK/r.jsonl" --resume 2>/dev/null) || fail "tune --resume: $out"
[[ "$out" == *"10 trials (30 resumed from records)"* ]] || fail "resume did not read the records: $out"
[[ $(wc -l < "$WORK/r.jsonl") == 40 ]] || fail "expected 40 records after --resume"
dups=$(/usr/bin/python3 -c "import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; \
  print(len(r) - len({(x['workload'], x['mapping']) for x in r}))" "$WORK/r.jsonl")
[[ $dups == 0 ]] || fail "--resume measured $dups mappings again"
out=$("$T" tune "${MODEL[@]}" --target accel --config "$CONFIG" --trials 5 --records "$WORK/r.jsonl" 2>&1) &&
  fail "tune over an existing records file without --resume"
[[ "$out" == *"records file '$WORK/r.jsonl' exists: pass --resume to continue it, or remove it"* ]] || fail "$out"
echo "ok: --resume measures only new mappings"

/usr/bin/python3 - "$WORK/r.jsonl" "$WORK/stale.jsonl" <<'PY'
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
old, foreign = dict(records[0], version=0), dict(records[1], config_hash="0000000000000000")
with open(sys.argv[2], "w") as out:
    for r in records + [old, foreign, foreign]: out.write(json.dumps(r) + "\n")
PY
out=$("$T" compile "${MODEL[@]}" --target accel --config "$CONFIG" -o "$WORK/stale.tsb" --records "$WORK/stale.jsonl" 2>&1) ||
  fail "compile with stale records: $out"
[[ "$out" == *"skipped 3 of 43 records (1 of another format version, 2 of another config)"* ]] ||
  fail "skipped records not counted: $out"
out=$("$T" tune "${MODEL[@]}" --target accel --config "$CONFIG" --trials 1 --records "$WORK/stale.jsonl" --resume 2>&1) ||
  fail "tune --resume with stale records: $out"
[[ "$out" == *"skipped 3 of 43 records (1 of another format version, 2 of another config)"* ]] ||
  fail "tune does not count skipped records: $out"
echo '{"version": 1' >> "$WORK/stale.jsonl"
out=$("$T" compile "${MODEL[@]}" --target accel --config "$CONFIG" -o "$WORK/bad.tsb" --records "$WORK/stale.jsonl" 2>&1) &&
  fail "a malformed record line compiled"
[[ "$out" == *"$WORK/stale.jsonl:45: not a JSON object"* ]] || fail "malformed line not named: $out"
echo "ok: stale and foreign records are counted, a malformed line is an error with file:line"

# The learned model's search is deterministic (fixed seed, one XGBoost thread), with
# measurements in one process or in worker processes.
for j in 1 2; do
  "$T" tune "${MODEL[@]}" --target accel --config "$CONFIG" --trials 40 --cost-model xgb -j $j \
    --records "$WORK/x$j.jsonl" > "$WORK/x$j.out" 2>/dev/null || fail "tune --cost-model xgb -j $j"
done
grep -q "tune: xgb, 7 workloads of 7 layers, 40 trials" "$WORK/x1.out" || fail "xgb summary: $(cat "$WORK/x1.out")"
strip() { /usr/bin/python3 -c "import json,sys; [print(json.dumps(dict(json.loads(l), time=''))) for l in open(sys.argv[1])]" "$1"; }
cmp -s <(strip "$WORK/x1.jsonl") <(strip "$WORK/x2.jsonl") || fail "xgb tuning with -j 1 and -j 2 differ"
grep -q '"cost_model": "xgb"' <(strip "$WORK/x1.jsonl") || fail "xgb records do not say cost_model xgb"
echo "ok: --cost-model xgb gives the same records with -j 1 and -j 2"
