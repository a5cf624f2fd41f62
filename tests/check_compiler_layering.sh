#!/usr/bin/env bash
# The compiler's libraries sit below the simulators and the device runtime: no file under
# compiler/ outside tests includes simulator/ or runtime/ (running compiled models is
# runtime/model's, above both).
set -uo pipefail
SRC=$1
hits=$(grep -rnE '#include "(simulator|runtime)/' "$SRC/compiler" --include='*.cpp' --include='*.h' |
       grep -vE '(_test\.cpp|test_util\.h|test_graphs\.h|test_kernels\.h):')
if [[ -n "$hits" ]]; then
  echo "FAIL: compiler/ includes simulator/ or runtime/ outside tests:"; echo "$hits"; exit 1
fi
echo "ok: compiler/ includes nothing from simulator/ or runtime/ outside tests"
