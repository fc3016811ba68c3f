# cli_usability.sh — sourced by run_golden.sh: an input with no problem is
# bad input (exit 1, located) for every command; progress lines only on a
# terminal, never in a log.

# an empty file, one with only comments, and one with only constants
: > "$tmp/empty.qgd"
printf '# nothing but a comment\n' > "$tmp/comments.qgd"
printf 'const n = 3;\n' > "$tmp/consts.qgd"
for f in empty comments consts; do
    for c in check analyze compile run estimate; do
        expect_rc "$c on a file with no problem ($f)" 1 "$QGDC" $c "$tmp/$f.qgd"
        if grep -q "^$tmp/$f.qgd:[0-9]*:[0-9]*: error: .*no problem\|^$tmp/$f.qgd:1:1: error: the file is empty" "$tmp/cli_err"; then
            ok "cli: $c on a file with no problem ($f): located message"
        else
            bad "cli: $c on a file with no problem ($f): located message" "$tmp/cli_err"
        fi
    done
done

# estimate --sweep: stderr is a file here, so no progress lines in it
expect_rc "estimate --sweep into a log" 0 "$QGDC" estimate --sweep T=10..20 examples/resnet7m.qgd
if [ -s "$tmp/cli_err" ]; then
    bad "cli: estimate --sweep writes nothing to a stderr that is not a terminal" "$tmp/cli_err"
else
    ok "cli: estimate --sweep writes nothing to a stderr that is not a terminal"
fi
# ... and on a terminal (a pseudo-terminal from script(1), where present) it does
if command -v script > /dev/null 2>&1; then
    script -qec "$QGDC estimate --sweep T=10..20 examples/resnet7m.qgd -o $tmp/sweep.txt" "$tmp/typescript" > "$tmp/script_out" 2>&1
    if grep -q "T = 20 *estimated" "$tmp/typescript"; then
        ok "cli: estimate --sweep shows progress on a terminal"
    else
        bad "cli: estimate --sweep shows progress on a terminal" "$tmp/typescript"
    fi
else
    echo "cli: script(1) not found: progress on a terminal not tested"
fi

# the unit runner (built beside qgdc by `make test`): one line per suite
# with its count, result and time, and a total over all the suites named
unit_bin=$(dirname "$QGDC")/unit_tests
if [ -x "$unit_bin" ]; then
    case $unit_bin in /*) ;; *) unit_bin=$(pwd)/$unit_bin ;; esac
    (cd tests && "$unit_bin" parser poly) > "$tmp/unit_out" 2>&1
    if grep -q '^unit: parser  *[0-9][0-9]* tests, ok  *[0-9.]* s$' "$tmp/unit_out" \
        && grep -q '^unit: poly  *[0-9][0-9]* tests, ok  *[0-9.]* s$' "$tmp/unit_out"; then
        ok "cli: unit runner prints one line per suite with its time"
    else
        bad "cli: unit runner prints one line per suite with its time" "$tmp/unit_out"
    fi
    n_parser=$(sed -n 's/^unit: parser  *\([0-9]*\) tests.*/\1/p' "$tmp/unit_out")
    n_poly=$(sed -n 's/^unit: poly  *\([0-9]*\) tests.*/\1/p' "$tmp/unit_out")
    if grep -q "^unit: $((${n_parser:-0} + ${n_poly:-0})) tests run, 0 failures$" "$tmp/unit_out"; then
        ok "cli: unit runner totals the suites named"
    else
        bad "cli: unit runner totals the suites named" "$tmp/unit_out"
    fi
else
    echo "cli: no unit_tests beside $QGDC: the unit runner's output not tested"
fi
