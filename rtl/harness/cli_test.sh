#!/bin/sh
# rtl/harness/cli_test.sh BIN_DIR SOURCE_DIR: `tessera run --backend rtl` on every example:
# outputs identical to the functional backend's, a report with total_cycles and units,
# a VCD waveform with --vcd, and the same --trace as systemc. A config with no Verilated model is refused by name.
set -eu
bin="$1/tessera"; src="$2"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for example in "$src"/examples/*.s; do
  name=$(basename "$example" .s)
  for backend in functional rtl; do
    "$bin" run "$example" --config "$src/configs/default.json" --backend $backend --random-inputs 7 \
      --output-dir "$work/$name.$backend" --report "$work/$name.$backend.json" > /dev/null
  done
  for output in "$work/$name.functional"/*.npy; do
    cmp "$output" "$work/$name.rtl/$(basename "$output")" || { echo "$name: $(basename "$output") differs"; exit 1; }
  done
  grep -q '"total_cycles"' "$work/$name.rtl.json" || { echo "$name: no total_cycles in the rtl report"; exit 1; }
  grep -q '"stall_token_cycles"' "$work/$name.rtl.json" || { echo "$name: no units in the rtl report"; exit 1; }
done
"$bin" run "$src/examples/gemm_16.s" --config "$src/configs/default.json" --backend rtl --random-inputs 1 \
  --vcd "$work/wave.vcd" > /dev/null
grep -q 'tessera_top' "$work/wave.vcd" || { echo "--vcd wrote no waveform of tessera_top"; exit 1; }
# With the SystemC model built, --trace of rtl is the systemc trace, byte for byte.
if "$bin" run "$src/examples/gemm_16.s" --config "$src/configs/default.json" --backend systemc \
    --random-inputs 1 --trace "$work/systemc.json" > /dev/null 2>&1; then
  "$bin" run "$src/examples/gemm_16.s" --config "$src/configs/default.json" --backend rtl --random-inputs 1 \
    --trace "$work/rtl.json" > /dev/null
  cmp "$work/systemc.json" "$work/rtl.json" || { echo "--trace differs between systemc and rtl"; exit 1; }
fi
printf '.geometry batch=1 block_in=16 block_out=16\ngemm uop_bgn=0 uop_end=1 iter_out=1 iter_in=1\nfinish\n' > "$work/tiny.s"
sed -e 's/"name": "default"/"name": "unbuilt"/' -e 's/"dram_latency_cycles": 40/"dram_latency_cycles": 41/' \
  "$src/configs/default.json" > "$work/unbuilt.json"
if "$bin" run "$work/tiny.s" --config "$work/unbuilt.json" --backend rtl > "$work/unbuilt.txt" 2>&1; then
  echo "a config with no Verilated model ran on rtl"; exit 1
fi
grep -q "no Verilated model for config 'unbuilt'" "$work/unbuilt.txt" || { cat "$work/unbuilt.txt"; exit 1; }
echo "rtl CLI: all examples match functional"
