#!/bin/sh
# run_all.sh UNIT_BIN QGDC — the whole suite: CUnit unit tests, then the
# golden, error and command-line tests. Ends with one summary line.
set -u
UNIT=$1
QGDC=$2
log=$(mktemp)
trap 'rm -f "$log"' EXIT

(cd tests && "../$UNIT") > "$log" 2>&1
unit_rc=$?
cat "$log"
unit_run=$(sed -n 's/^unit: \([0-9]*\) tests run, \([0-9]*\) failures$/\1/p' "$log")
unit_fail=$(sed -n 's/^unit: \([0-9]*\) tests run, \([0-9]*\) failures$/\2/p' "$log")
if [ -z "$unit_run" ]; then unit_run=0; unit_fail=1; fi   # crashed before the summary
[ $unit_rc -ne 0 ] && [ "$unit_fail" -eq 0 ] && unit_fail=1

sh tests/run_golden.sh "$QGDC" > "$log" 2>&1
golden_rc=$?
grep -v '^\[ok\]' "$log"
g_pass=$(sed -n 's/^golden: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$log")
g_fail=$(sed -n 's/^golden: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$log")
[ -z "$g_pass" ] && { g_pass=0; g_fail=1; }

passed=$((unit_run - unit_fail + g_pass))
failed=$((unit_fail + g_fail))
echo "$passed passed, $failed failed"
[ $unit_rc -eq 0 ] && [ $golden_rc -eq 0 ]
