#!/usr/bin/env bash
# Every example assembles, disassembles, reassembles to the same bytes, and prints the
# same text again: tessera asm / tessera disasm are inverse on canonical text.
set -euo pipefail
TESSERA=$1; SRC=$2; WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
for example in "$SRC"/examples/*.s; do
  name=$(basename "$example" .s)
  "$TESSERA" asm "$example" --config "$SRC/configs/default.json" -o "$WORK/$name.tsb" 2>/dev/null
  "$TESSERA" disasm "$WORK/$name.tsb" -o "$WORK/$name.dis.s"
  "$TESSERA" asm "$WORK/$name.dis.s" --config "$SRC/configs/default.json" -o "$WORK/$name.again.tsb" 2>/dev/null
  cmp "$WORK/$name.tsb" "$WORK/$name.again.tsb"
  "$TESSERA" disasm "$WORK/$name.again.tsb" > "$WORK/$name.again.s"
  diff "$WORK/$name.dis.s" "$WORK/$name.again.s"
  echo "round trip ok: $name"
done
