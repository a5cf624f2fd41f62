#!/bin/sh
# cli_test.sh - End to end: `tessera run` of the assembled matmul_256 on the systemc
# backend writes the report, the CSV, the trace and the VCD, and its outputs equal the
# functional backend's. Usage: cli_test.sh path/to/tessera source_dir
set -eu
tessera=$1
src=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$tessera" asm "$src/examples/matmul_256.s" -c "$src/configs/default.json" -o "$out/m.tsb" >/dev/null
"$tessera" run "$out/m.tsb" --backend functional --random-inputs 3 --output-dir "$out/functional" >/dev/null
"$tessera" run "$out/m.tsb" --backend systemc --random-inputs 3 --output-dir "$out/systemc" \
  --report "$out/r.json" --report-csv "$out/r.csv" --trace "$out/t.json" --vcd "$out/w.vcd" >/dev/null
for f in "$out"/functional/*.npy; do cmp "$f" "$out/systemc/$(basename "$f")"; done

python3 - "$out" <<'PY'
import csv, json, sys
out = sys.argv[1]
report = json.load(open(f"{out}/r.json"))
assert report["total_cycles"] > 0, report["total_cycles"]
for key in ["time_us", "units", "gemm_utilization", "alu_utilization", "dram", "segments", "counters",
            "config", "config_hash", "tool_version", "overlap"]:
    assert key in report, key
for unit in ["fetch", "load", "compute", "store"]:
    for key in ["busy_cycles", "stall_token_cycles", "stall_dram_cycles", "idle_cycles"]:
        assert key in report["units"][unit], (unit, key)
rows = list(csv.DictReader(open(f"{out}/r.csv")))
assert [r["name"] for r in rows] == [s["name"] for s in report["segments"]], rows
assert len(rows) == 9 and rows[1]["name"] == "tile0", rows
trace = json.load(open(f"{out}/t.json"))
assert trace["otherData"]["ts_unit"] == "cycles"
assert any(e["ph"] == "X" and e["name"] == "gemm" for e in trace["traceEvents"])
assert open(f"{out}/w.vcd").read().startswith("$comment")
print("ok: total_cycles", report["total_cycles"], "gemm_utilization", round(report["gemm_utilization"], 3))
PY
