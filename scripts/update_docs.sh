#!/usr/bin/env bash
# Regenerates the generated blocks of docs/isa.md and docs/config.md from isa/isa.def and
# isa/config.h (via build/bin/tessera-isagen). Run after changing either.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target tessera-isagen >/dev/null
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
build/bin/tessera-isagen --config configs/default.json --docs "$WORK/isa-tables" --config-table "$WORK/config-keys"
for pair in "isa.md isa-tables" "config.md config-keys"; do
  set -- $pair
  python3 - "docs/$1" "$2" "$WORK/$2" <<'PY'
import sys
path, tag, generated = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
text = open(path).read()
begin, end = f"<!-- BEGIN GENERATED: {tag} -->\n", f"<!-- END GENERATED: {tag} -->"
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(head + begin + generated + end + tail)
PY
  echo "updated docs/$1"
done
