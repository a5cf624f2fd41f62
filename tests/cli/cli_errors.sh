#!/usr/bin/env bash
# Bad input gives a clear error and exit status 1 (2 for usage), never a crash.
set -uo pipefail
BIN=$1; SRC=$2; WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
T="$BIN/tessera"
failures=0
expect() { # expect STATUS FRAGMENT -- command...
  local status=$1 fragment=$2; shift 3
  local output; output=$("$@" 2>&1); local got=$?
  if [[ $got -ne $status || "$output" != *"$fragment"* ]]; then
    echo "FAIL: $* -> status $got, output: $output (wanted $status and '$fragment')"; failures=$((failures+1))
  else
    echo "ok: $fragment"
  fi
}
"$T" asm "$SRC/examples/gemm_16.s" -c "$SRC/configs/default.json" -o "$WORK/g.tsb" 2>/dev/null
head -c 100 "$WORK/g.tsb" > "$WORK/truncated.tsb"
printf 'garbage' > "$WORK/garbage.tsb"
echo '{"batch": 1}' > "$WORK/partial.json"
expect 2 "unknown command 'frobnicate'" -- "$T" frobnicate
expect 2 "usage: tessera asm" -- "$T" asm
expect 0 "usage: tessera run" -- "$T" run --help
expect 1 "cannot open '$WORK/missing.s'" -- "$T" asm "$WORK/missing.s" -c "$SRC/configs/default.json" -o "$WORK/x.tsb"
expect 1 "truncated" -- "$T" disasm "$WORK/truncated.tsb"
expect 1 "not a tessera binary" -- "$T" disasm "$WORK/garbage.tsb"
expect 1 "is missing" -- "$T" config "$WORK/partial.json"
expect 1 "unknown backend 'warp'" -- "$T" run "$WORK/g.tsb" --backend warp --random-inputs 1
expect 1 "no value for input(s) A (i8 1x16), W (i8 16x16)" -- "$T" run "$WORK/g.tsb"
expect 1 "built for config 'default'" -- "$T" run "$WORK/g.tsb" -c "$SRC/configs/small.json" --random-inputs 1
expect 1 "assembling" -- "$T" run "$SRC/examples/gemm_16.s"
expect 1 "--input 'A' must be NAME=FILE" -- "$T" run "$WORK/g.tsb" --input A
exit $((failures > 0))
