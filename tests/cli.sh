# cli.sh — command-line behaviour, sourced by run_golden.sh (uses its
# ok/bad helpers, $QGDC and $tmp).

expect_rc() { # NAME WANT CMD...
    name=$1; want=$2; shift 2
    "$@" > "$tmp/cli_out" 2> "$tmp/cli_err"
    rc=$?
    if [ $rc -eq "$want" ]; then ok "cli: $name"; else bad "cli: $name: exit $rc, expected $want" "$tmp/cli_err"; fi
}

expect_rc "qgdc --help" 0 "$QGDC" --help
expect_rc "qgdc --version" 0 "$QGDC" --version
expect_rc "qgdc check --help" 0 "$QGDC" check --help
expect_rc "no command" 2 "$QGDC"
expect_rc "unknown command" 2 "$QGDC" frobnicate
expect_rc "check without file" 2 "$QGDC" check
expect_rc "check bad option" 2 "$QGDC" check --bogus examples/quad_cubic.qgd
expect_rc "check missing file" 1 "$QGDC" check tests/no-such-file.qgd
if grep -q "cannot read 'tests/no-such-file.qgd'" "$tmp/cli_err"; then ok "cli: missing file message"; else bad "cli: missing file message" "$tmp/cli_err"; fi
expect_rc "check a directory" 1 "$QGDC" check tests

# every option in the help text
"$QGDC" check --help > "$tmp/help"
for o in carleman_order carleman_form kappa0 clock_bits idle_blocks precision shots seed gate_set block_encoding; do
    if grep -q "^  $o " "$tmp/help"; then ok "cli: help lists $o"; else bad "cli: help lists $o"; fi
done

# -o writes the file whole, and leaves nothing behind on failure
rm -f "$tmp/o.ir"
expect_rc "check -o" 0 "$QGDC" check --dump-ir -o "$tmp/o.ir" examples/quad_cubic.qgd
"$QGDC" check --dump-ir examples/quad_cubic.qgd > "$tmp/o2.ir"
if cmp -s "$tmp/o.ir" "$tmp/o2.ir"; then ok "cli: -o content equals stdout"; else bad "cli: -o content equals stdout"; fi
echo "keep me" > "$tmp/keep.ir"
expect_rc "check -o on bad input" 1 "$QGDC" check --dump-ir -o "$tmp/keep.ir" tests/errors/syntax_missing_semicolon.qgd
if [ "$(cat "$tmp/keep.ir")" = "keep me" ]; then ok "cli: failed check leaves -o file untouched"; else bad "cli: failed check leaves -o file untouched"; fi
if ls "$tmp"/*.tmp* > /dev/null 2>&1; then bad "cli: temporary files left behind"; else ok "cli: no temporary files left"; fi
expect_rc "check -o into missing directory" 1 "$QGDC" check -o "$tmp/nodir/x.ir" examples/quad_cubic.qgd

# JSON parses (python3 is on Debian images; skip the parse check without it)
if command -v python3 > /dev/null 2>&1; then
    for f in examples/*.qgd; do
        if "$QGDC" check --json "$f" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["problems"]' 2> "$tmp/cli_err"; then
            ok "cli: json parses: $f"
        else
            bad "cli: json parses: $f" "$tmp/cli_err"
        fi
    done
fi
