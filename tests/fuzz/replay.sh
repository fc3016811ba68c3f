#!/bin/sh
# replay.sh [QGDC] — runs every input in tests/fuzz/regressions/ (inputs that
# once crashed, hung or misled qgdc) through the commands that read it:
# `qgdc check` for a .qgd file; `qgdc count`, `qgdc sim` and `qgdc qasm
# --flat` for a .qasm file. Each run must end, within 10 seconds, with exit
# status 0 (valid) or 1 (errors reported): never a crash, an abort (ICE), a
# sanitizer report or a timeout. Prints [ok]/[FAIL] per file and command
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

# run FILE CMD...: one run, judged by its exit status
run() {
    f=$1
    shift
    timeout 10 "$QGDC" "$@" "$f" > "$out" 2>&1
    rc=$?
    if [ $rc -eq 0 ] || [ $rc -eq 1 ]; then
        pass=$((pass + 1))
        echo "[ok]   $f ($*)"
    else
        fail=$((fail + 1))
        if [ $rc -eq 124 ]; then why="timed out"; else why="exit status $rc"; fi
        echo "[FAIL] $f ($*): $why"
        tail -n 20 "$out" | sed 's/^/       /'
    fi
}

for f in "$dir"/*; do
    [ -f "$f" ] || continue
    case $f in
    *.md) ;;
    *.qasm)
        run "$f" count
        run "$f" sim
        run "$f" qasm --flat
        ;;
    *) run "$f" check ;;
    esac
done
echo "fuzz regressions: $pass passed, $fail failed"
[ $fail -eq 0 ]
