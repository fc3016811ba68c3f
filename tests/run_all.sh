#!/bin/sh
# run_all.sh UNIT_BIN QGDC — the whole suite: CUnit unit tests, then the
# golden, error and command-line tests. Ends with one summary line.
# Progress is streamed as it happens, never held back until the end: one
# line per unit suite with its time, then each group of golden tests as it
# starts and its count as it ends, and every failure in full.
set -u
UNIT=$1
QGDC=$2
tmpd=$(mktemp -d)
trap 'rm -rf "$tmpd"' EXIT
log=$tmpd/log

start=$(date +%s)
echo "unit tests ($UNIT), one line per suite:"
# the unit binary's status travels through a file: a pipeline's status is tee's
{ (cd tests && "../$UNIT") 2>&1; echo $? > "$tmpd/unit_rc"; } | tee "$log"
unit_rc=1; [ -s "$tmpd/unit_rc" ] && unit_rc=$(cat "$tmpd/unit_rc")
unit_run=$(sed -n 's/^unit: \([0-9]*\) tests run, \([0-9]*\) failures$/\1/p' "$log")
unit_fail=$(sed -n 's/^unit: \([0-9]*\) tests run, \([0-9]*\) failures$/\2/p' "$log")
if [ -z "$unit_run" ]; then unit_run=0; unit_fail=1; fi   # crashed before the summary
[ "$unit_rc" -ne 0 ] && [ "$unit_fail" -eq 0 ] && unit_fail=1

echo "golden, error and command-line tests (tests/run_golden.sh), one line per group, and every failure:"
{ sh tests/run_golden.sh "$QGDC" 2>&1; echo $? > "$tmpd/golden_rc"; } | tee "$log" | awk '
    function group(l) {
        if (l ~ /^\[ok\]   tests\/golden\//) return "golden IR dumps (tests/golden)"
        if (l ~ /^\[ok\]   tests\/errors\//) return "error messages (tests/errors)"
        if (l ~ /^\[ok\]   examples\//) return "examples"
        if (l ~ /fuzz regression\)$/) return "fuzz regressions"
        return "command line and docs (tests/cli*.sh)"
    }
    function done_group() { if (n) { printf "  %-40s %4d ok\n", cur, n; fflush() } n = 0 }
    /^\[ok\]/ {
        g = group($0)
        if (g != cur) { done_group(); cur = g; printf "  %s ...\n", g; fflush() }
        n++; next
    }
    { done_group(); print; fflush() }
    END { done_group() }'
golden_rc=1; [ -s "$tmpd/golden_rc" ] && golden_rc=$(cat "$tmpd/golden_rc")
g_pass=$(sed -n 's/^golden: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$log")
g_fail=$(sed -n 's/^golden: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$log")
[ -z "$g_pass" ] && { g_pass=0; g_fail=1; }

passed=$((unit_run - unit_fail + g_pass))
failed=$((unit_fail + g_fail))
echo "whole suite: $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
[ "$unit_rc" -eq 0 ] && [ "$golden_rc" -eq 0 ]
