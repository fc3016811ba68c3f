#!/bin/sh
# Golden tests: run qgdc on input files and compare with the expected output
# stored beside them.
#   tests/golden/NAME.qgd   expected IR dump in NAME.ir (and NAME.json if present)
#   tests/errors/NAME.qgd   expected diagnostics (stderr) in NAME.err, exit 1
#   tests/cli.sh, tests/cli_*.sh   command-line behaviour (help, exit codes, -o, ...)
#   examples/*.qgd          must check without error
# UPDATE=1 rewrites the expected files from the current output (review the
# diff before committing). Prints [ok]/[FAIL] per case and a summary line.
set -u
QGDC=${1:-./qgdc}
# memory messages quote the budget: make it the same on every machine
QGDC_MEM_LIMIT=2G
export QGDC_MEM_LIMIT
unset QGDC_MAX_INPUT
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); echo "[ok]   $1"; }
bad() {
    fail=$((fail + 1)); echo "[FAIL] $1"
    [ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/       /' "$2" | head -40
}

# compare NAME EXPECTED ACTUAL
compare() {
    if [ "${UPDATE:-0}" = 1 ]; then
        cp "$3" "$2"; ok "$1 (updated)"; return
    fi
    if [ ! -f "$2" ]; then
        bad "$1: no expected file $2"; return
    fi
    if diff -u "$2" "$3" > "$tmp/diff"; then ok "$1"; else bad "$1" "$tmp/diff"; fi
}

for f in tests/golden/*.qgd; do
    [ -e "$f" ] || continue
    base=${f%.qgd}
    if "$QGDC" check --dump-ir "$f" > "$tmp/out" 2> "$tmp/err"; then
        compare "$f (ir)" "$base.ir" "$tmp/out"
    else
        bad "$f: check failed" "$tmp/err"
    fi
    if [ -f "$base.json" ] || { [ "${UPDATE:-0}" = 1 ] && [ -f "$base.json" ]; }; then
        "$QGDC" check --json "$f" > "$tmp/out" 2>&1
        compare "$f (json)" "$base.json" "$tmp/out"
    fi
done

for f in tests/errors/*.qgd; do
    [ -e "$f" ] || continue
    base=${f%.qgd}
    "$QGDC" check "$f" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    if [ $rc -ne 1 ]; then
        bad "$f: exit status $rc, expected 1" "$tmp/err"
        continue
    fi
    if [ -s "$tmp/out" ]; then
        bad "$f: wrote to stdout on error" "$tmp/out"
        continue
    fi
    compare "$f" "$base.err" "$tmp/err"
done

for f in examples/*.qgd; do
    if "$QGDC" check "$f" > "$tmp/out" 2> "$tmp/err"; then ok "$f"; else bad "$f" "$tmp/err"; fi
done

# inputs the fuzzer once broke: each must end with status 0 or 1, in time
for f in tests/fuzz/regressions/*.qgd; do
    [ -e "$f" ] || continue
    QGDC_MEM_LIMIT=256M timeout 20 "$QGDC" check "$f" > /dev/null 2>&1
    rc=$?
    if [ $rc -eq 0 ] || [ $rc -eq 1 ]; then ok "$f (fuzz regression)"; else bad "$f (fuzz regression): exit status $rc"; fi
done

# command-line behaviour: tests/cli.sh, then each tests/cli_TOPIC.sh
for f in tests/cli.sh tests/cli_*.sh; do
    [ -f "$f" ] && . "./$f"
done

echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
