# cli_docs.sh — sourced by run_golden.sh: every output the docs show under a
# qgdc-doc marker is what the tool prints now (scripts/check_docs.sh reruns
# the commands and diffs; slow ones are left to `check_docs.sh --all`), and
# the checker itself catches drift, honours masks and rewrites on --update.

sh scripts/check_docs.sh --qgdc "$QGDC" > "$tmp/docs.log" 2>&1
docs_rc=$?
docs_fail=0
while IFS= read -r line; do
    case $line in
    "[ok]   "*) ok "docs: ${line#\[ok\]   }" ;;
    "[FAIL] "*)
        docs_fail=$((docs_fail + 1))
        where=${line#\[FAIL\] }
        awk -v w="$line" '$0 == w { on = 1; next } on && /^       / { print; next } { on = 0 }' "$tmp/docs.log" > "$tmp/docs_diff"
        bad "docs: $where" "$tmp/docs_diff" ;;
    esac
done < "$tmp/docs.log"
if [ $docs_rc -ne 0 ] && [ $docs_fail -eq 0 ]; then
    bad "docs: scripts/check_docs.sh exit status $docs_rc" "$tmp/docs.log"
fi
if grep -q '^docs: [1-9][0-9]* checked' "$tmp/docs.log"; then ok "docs: some documented outputs are checked"; else bad "docs: no documented output was checked" "$tmp/docs.log"; fi

# the checker: a drifted block fails, a masked difference does not, --update rewrites
mkdir -p "$tmp/docs_self"
cat > "$tmp/docs_self/t.md" <<'MD'
Text before.

<!-- qgdc-doc -->
<!-- qgdc-doc-mask: [0-9]+ nonzero -->
```
$ qgdc check examples/quad_cubic.qgd
examples/quad_cubic.qgd: ok: gd quad_cubic: n = 2, q = 2, T = 7, 999 nonzero coefficients
```

An unmarked block is left alone:

```
$ qgdc check examples/quad_cubic.qgd
anything
```

<!-- qgdc-doc: qgdc check examples/tiny1.qgd; qgdc check examples/quad_cubic.qgd -->
<!-- qgdc-doc-mask: [0-9]+ nonzero -->
```
examples/tiny1.qgd: ok: gd tiny1: n = 1, q = 2, T = 1, 77 nonzero coefficients
stale
```
Text after.
MD
cp "$tmp/docs_self/t.md" "$tmp/docs_self/orig.md"
expect_rc "check_docs: a drifted block fails" 1 sh scripts/check_docs.sh --qgdc "$QGDC" "$tmp/docs_self/t.md"
if grep -qF -- '-examples/quad_cubic.qgd: ok: gd quad_cubic: n = 2, q = 2, T = 7, <...> coefficients' "$tmp/cli_out" \
    && grep -q '^docs: 2 checked, 2 differ' "$tmp/cli_out"; then
    ok "check_docs: the diff shows the drift, masked"
else
    bad "check_docs: the diff shows the drift, masked" "$tmp/cli_out"
fi
expect_rc "check_docs --update" 0 sh scripts/check_docs.sh --update --qgdc "$QGDC" "$tmp/docs_self/t.md"
"$QGDC" check examples/quad_cubic.qgd > "$tmp/docs_self/qc.out" 2>&1
awk 'NR == 7 || NR == 21' "$tmp/docs_self/t.md" > "$tmp/docs_self/lines"
cat "$tmp/docs_self/qc.out" "$tmp/docs_self/qc.out" > "$tmp/docs_self/lines_want"
# a line that differs only where masked keeps its documented text (77)
if cmp -s "$tmp/docs_self/lines" "$tmp/docs_self/lines_want" \
    && grep -qx 'anything' "$tmp/docs_self/t.md" && grep -qx 'Text after.' "$tmp/docs_self/t.md" \
    && grep -qx 'examples/tiny1.qgd: ok: gd tiny1: n = 1, q = 2, T = 1, 77 nonzero coefficients' "$tmp/docs_self/t.md" \
    && ! grep -q stale "$tmp/docs_self/t.md" \
    && [ "$(wc -l < "$tmp/docs_self/t.md")" -eq "$(wc -l < "$tmp/docs_self/orig.md")" ]; then
    ok "check_docs --update rewrites the marked blocks only"
else
    bad "check_docs --update rewrites the marked blocks only" "$tmp/docs_self/t.md"
fi
expect_rc "check_docs after --update" 0 sh scripts/check_docs.sh --qgdc "$QGDC" "$tmp/docs_self/t.md"
sed 's/T = 6, [0-9]* nonzero/T = 6, 12345 nonzero/' "$tmp/docs_self/t.md" > "$tmp/docs_self/masked.md"
expect_rc "check_docs: a masked difference passes" 0 sh scripts/check_docs.sh --qgdc "$QGDC" "$tmp/docs_self/masked.md"
printf '<!-- qgdc-doc -->\nno fence here\n' > "$tmp/docs_self/bad.md"
expect_rc "check_docs: a marker without its block is an error" 2 sh scripts/check_docs.sh --qgdc "$QGDC" "$tmp/docs_self/bad.md"
