#!/bin/sh
# replay.sh [QGDC] — runs `qgdc check` on every input in tests/fuzz/regressions/
# (inputs that once crashed qgdc) and checks that each ends, within 10
# seconds, with exit status 0 (valid) or 1 (errors reported): never a crash,
# an abort (ICE), a sanitizer report or a timeout. Prints [ok]/[FAIL] per file
# and a summary line; exits 1 if any failed. The memory budget is fixed at
# 256 MiB so that the outcome does not depend on the machine.
set -u
QGDC_MEM_LIMIT=256M
export QGDC_MEM_LIMIT
QGDC=${1:-./qgdc}
dir=$(dirname "$0")/regressions
pass=0
fail=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for f in "$dir"/*; do
    [ -f "$f" ] || continue
    case $f in *.md) continue ;; esac
    timeout 10 "$QGDC" check "$f" > "$out" 2>&1
    rc=$?
    if [ $rc -eq 0 ] || [ $rc -eq 1 ]; then
        pass=$((pass + 1))
        echo "[ok]   $f"
    else
        fail=$((fail + 1))
        if [ $rc -eq 124 ]; then why="timed out"; else why="exit status $rc"; fi
        echo "[FAIL] $f: $why"
        tail -n 20 "$out" | sed 's/^/       /'
    fi
done
echo "fuzz regressions: $pass passed, $fail failed"
[ $fail -eq 0 ]
