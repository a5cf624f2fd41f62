#!/usr/bin/env bash
# The generated blocks of docs/isa.md and docs/config.md match what tessera-isagen prints
# from isa/isa.def and isa/config.h now. Regenerate with scripts/update_docs.sh.
set -euo pipefail
ISAGEN=$1; SRC=$2; WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
"$ISAGEN" --config "$SRC/configs/default.json" --docs "$WORK/isa.md" --config-table "$WORK/config.md"
block() { sed -n "/<!-- BEGIN GENERATED: $2 -->/,/<!-- END GENERATED: $2 -->/p" "$1" | sed '1d;$d'; }
status=0
for pair in "isa.md isa-tables" "config.md config-keys"; do
  set -- $pair
  if ! diff <(block "$SRC/docs/$1" "$2") "$WORK/$1"; then
    echo "docs/$1 is out of date: run scripts/update_docs.sh"; status=1
  fi
done
exit $status
