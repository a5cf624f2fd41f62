#!/usr/bin/env bash
# Runs tessera on each minimized bad input in tests/regress/ (one per class of input bug
# fixed for issue 19) and checks that it fails cleanly: exit status in [1, 127] (no
# signal, no abort), exactly one line of output naming the file or key, within 10 s.
# Usage: run_regress.sh BIN_DIR SOURCE_DIR
set -uo pipefail
BIN=$1; SRC=$2; WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
T="$BIN/tessera"; R="$SRC/tests/regress"; CFG="$SRC/configs/default.json"
failures=0
# reject FRAGMENT... -- command...: every FRAGMENT must appear in the one-line output.
reject() {
  local fragments=()
  while [[ $1 != "--" ]]; do fragments+=("$1"); shift; done
  shift
  local output; output=$(timeout 10 "$@" 2>&1); local got=$?
  local lines; lines=$(printf '%s\n' "$output" | wc -l)
  local problem=""
  if ((got == 0)); then problem="succeeded"
  elif ((got == 124)); then problem="took over 10 s"
  elif ((got >= 128)); then problem="died with status $got (signal)"
  elif ((lines != 1)); then problem="printed $lines lines, not one"
  fi
  for fragment in "${fragments[@]}"; do
    [[ -z $problem && "$output" != *"$fragment"* ]] && problem="no '$fragment' in the message"
  done
  if [[ -n $problem ]]; then
    echo "FAIL: ${*#"$SRC/"} -> $problem; output: $output"; failures=$((failures + 1))
  else
    echo "ok ($got): $output"
  fi
}

"$T" asm "$SRC/examples/gemm_16.s" -c "$CFG" -o "$WORK/gemm_16.tsb" >/dev/null || { echo "FAIL: cannot assemble gemm_16.s"; exit 1; }

# Binary integrity: a flipped byte that still decodes, caught by the section checksum.
reject flipped_instruction_byte.tsb "section INSTRUCTIONS" "checksum mismatch" -- "$T" disasm "$R/flipped_instruction_byte.tsb"
reject flipped_instruction_byte.tsb "section INSTRUCTIONS" -- "$T" run "$R/flipped_instruction_byte.tsb" --random-inputs 1
reject truncated.tsb "truncated" -- "$T" disasm "$R/truncated.tsb"

# Sizes: a 128-byte .npy declaring 10^11 elements, and one whose shape product wraps.
reject huge_header.npy "more than 2147483648 elements" -- "$T" run "$WORK/gemm_16.tsb" --input "A=$R/huge_header.npy"
reject overflow_shape.npy "more than 2147483648 elements" -- "$T" run "$WORK/gemm_16.tsb" --input "A=$R/overflow_shape.npy"
reject overflow_shape.s ":4: .tensor 'T'" "more than 2147483648 elements" -- "$T" asm "$R/overflow_shape.s" -c "$CFG" -o "$WORK/x.tsb"
reject huge_dram_bytes.s ":3: .dram_bytes is 17592186044416 bytes" -- "$T" asm "$R/huge_dram_bytes.s" -c "$CFG" -o "$WORK/x.tsb"
reject tensor_past_dram_limit.s ":3: .tensor 'T'" "DRAM limit" -- "$T" asm "$R/tensor_past_dram_limit.s" -c "$CFG" -o "$WORK/x.tsb"

# Config JSON: numbers nlohmann cannot hold, negative sizes, non-integers.
reject config_number_overflow.json "config key 'clock_mhz'" -- "$T" config "$R/config_number_overflow.json"
reject config_u64_max.json "config key 'weight_buffer_bytes' is out of range" -- "$T" config "$R/config_u64_max.json"
reject config_negative_size.json "config key 'input_buffer_bytes'" -- "$T" config "$R/config_negative_size.json"
reject config_non_integer.json "config key 'batch' must be an integer" -- "$T" config "$R/config_non_integer.json"
reject config_number_overflow.json "config key 'clock_mhz'" -- "$T" asm "$SRC/examples/gemm_16.s" -c "$R/config_number_overflow.json" -o "$WORK/x.tsb"

# A directory where a file is expected, for each kind of file a command reads.
reject "'$R'" "is a directory" -- "$T" config "$R"
reject "'$R'" "is a directory" -- "$T" disasm "$R"
reject "'$R'" "is a directory" -- "$T" asm "$R" -c "$CFG" -o "$WORK/x.tsb"
reject "'$R'" "is a directory" -- "$T" asm "$SRC/examples/gemm_16.s" -c "$R" -o "$WORK/x.tsb"
mkdir "$WORK/dir.npy"
reject "'$WORK/dir.npy'" "is a directory" -- "$T" run "$WORK/gemm_16.tsb" --input "A=$WORK/dir.npy"

# Flags out of range, and flags the chosen backend does not have, are errors.
reject "--threads 100000" "expected 1 to" -- "$T" run "$SRC/examples/models/digits_cnn.onnx" --backend cpu --threads 100000 --random-inputs 1
reject "--threads 0" -- "$T" run "$SRC/examples/models/digits_cnn.onnx" --backend cpu --threads 0 --random-inputs 1
reject "--repeat 0" -- "$T" run "$SRC/examples/models/digits_cnn.onnx" --backend cpu --repeat 0 --random-inputs 1
reject "--max-cycles -5" -- "$T" run "$WORK/gemm_16.tsb" --max-cycles -5 --random-inputs 1
reject "--trace and --vcd need --backend systemc or rtl" -- "$T" run "$WORK/gemm_16.tsb" --trace "$WORK/t.json" --random-inputs 1
reject "--threads applies to --backend cpu only" -- "$T" run "$WORK/gemm_16.tsb" --threads 2 --random-inputs 1
# A long program stops at --max-cycles on the functional backend too, before its huge GEMM runs.
reject "instruction 4 (gemm)" "exceeds --max-cycles 1000000" -- "$T" run "$R/long_gemm.s" -c "$CFG" --max-cycles 1000000 --random-inputs 1

# ONNX attributes and sizes checked before ONNX's shape inference and before allocation.
reject "conv_stride0.onnx" "node 'y' (Conv): attribute 'strides' must be positive, got [0, 0]" -- "$T" run "$R/conv_stride0.onnx" --backend cpu --random-inputs 1
reject "node 'y' (MaxPool): attribute 'kernel_shape' must be positive" -- "$T" run "$R/maxpool_k0.onnx" --backend cpu --random-inputs 1
reject "OneHot" "depth must be positive, got -5" -- "$T" run "$R/onehot_neg.onnx" --backend cpu --random-inputs 1
reject "Pad" "negative dimension" -- "$T" run "$R/pad_neg.onnx" --backend cpu --random-inputs 1
reject "ConstantOfShape" "more than 2147483648 elements" -- "$T" run "$R/const_huge.onnx" --backend cpu --random-inputs 1
reject "input 'x' has dynamic dimensions" "--input-shape" -- "$T" run "$R/dynamic.onnx" --backend cpu --random-inputs 1
# Found by the fuzzers (docs/fuzzing.md): exceptions out of the loop IR's number parsing,
# a non-ASCII name reaching the .tsb's JSON, a constant allocated before its literal was read.
reject "loop_int_overflow.tl: 3:6: expected an integer within 64 bits" -- "$T" opt "$R/loop_int_overflow.tl"
reject "loop_float_overflow.tl: 3:11:" "within the double range" -- "$T" opt "$R/loop_float_overflow.tl"
reject "asm_non_ascii_name.s:4:" "byte 0x8A outside a comment" -- "$T" asm "$R/asm_non_ascii_name.s" -c "$CFG" -o "$WORK/x.tsb"
reject "graph_const_huge.tg" "more than 2147483648 elements" -- "$T" opt "$R/graph_const_huge.tg"
reject "undefined_output_opset5.onnx" "graph output 'i' is produced by no node" -- "$T" opt "$R/undefined_output_opset5.onnx"

# A write that fails at flush (a full disk) is an error, not exit 0.
reject "cannot write '/dev/full'" -- "$T" disasm "$WORK/gemm_16.tsb" -o /dev/full

# An initializer declaring 2^31 floats with 72 bytes of data: checked before allocating.
reject "tensor 'k' has 72 raw bytes, its shape needs 8589533176" -- "$T" opt "$R/onnx_huge_initializer.onnx" -o "$WORK/x.tg"

# A Conv whose input has rank 2 and whose weight has rank 4 (found by fuzz_onnx): libonnx's
# inference indexed past `dilations` (SIGSEGV); the ranks are now checked first.
reject "Conv defining %conv: input 0 has rank 2" -- "$T" compile "$R/conv_rank_mismatch.onnx" --target cpu -o "$WORK/x.so"

# Shape operands of the wrong type or size (found by fuzz_onnx): a Reshape whose shape is
# f64 1e300 (UB converting it to int64), a OneHot whose depth has no element (uncaught
# std::out_of_range from vector::at).
reject "Reshape" "input 1 holds integers (shape), not f64" -- "$T" opt "$R/reshape_float_shape.onnx"
reject "OneHot" "input 1 must hold one element, it holds 0" -- "$T" opt "$R/onehot_empty_depth.onnx"

# A program written for the 1x16x16 array, assembled for small.json (1x4x4): refused.
reject "gemm_16.s:8: .geometry block_in=16, but config 'small' has block_in=4" -- "$T" asm "$SRC/examples/gemm_16.s" -c "$SRC/configs/small.json" -o "$WORK/x.tsb"

exit $((failures > 0))
