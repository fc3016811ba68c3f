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
want_mode=$(printf '%o' $((0666 & ~$(umask))))
if [ "$(stat -c %a "$tmp/o.ir")" = "$want_mode" ]; then ok "cli: -o file has the umask's mode"; else bad "cli: -o file mode $(stat -c %a "$tmp/o.ir"), expected $want_mode"; fi
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

# analyze and generate
expect_rc "analyze --help" 0 "$QGDC" analyze --help
expect_rc "generate --help" 0 "$QGDC" generate --help
expect_rc "analyze quad_cubic" 0 "$QGDC" analyze --max-order 3 examples/quad_cubic.qgd
if grep -q "verdict: fully dissipative" "$tmp/cli_out"; then ok "cli: analyze verdict"; else bad "cli: analyze verdict" "$tmp/cli_out"; fi
expect_rc "analyze --plot" 0 "$QGDC" analyze --plot "$tmp/plots" examples/update_map.qgd
for f in coupled_map_error coupled_map_eigenvalues coupled_map_proxy; do
    if grep -q "<svg" "$tmp/plots/$f.svg" 2> /dev/null; then ok "cli: plot $f.svg"; else bad "cli: plot $f.svg"; fi
done
expect_rc "analyze --spectrum" 0 "$QGDC" analyze --spectrum examples/spectrum_hist.txt --tmax 50
if grep -q "E(t) first exceeds 1 at t = 21" "$tmp/cli_out"; then ok "cli: spectrum re-upload interval"; else bad "cli: spectrum re-upload interval" "$tmp/cli_out"; fi
printf '1\nabc\n' > "$tmp/bad_spectrum.txt"
expect_rc "analyze --spectrum bad file" 1 "$QGDC" analyze --spectrum "$tmp/bad_spectrum.txt"
if grep -q "bad_spectrum.txt:2:1: error: expected a number" "$tmp/cli_err"; then ok "cli: spectrum error located"; else bad "cli: spectrum error located" "$tmp/cli_err"; fi
expect_rc "analyze bad --form" 2 "$QGDC" analyze --form nope examples/quad_cubic.qgd
expect_rc "analyze bad --kappa0" 2 "$QGDC" analyze --kappa0 1 examples/quad_cubic.qgd
expect_rc "generate" 0 "$QGDC" generate --n 3 --fractions 1,0.5 --steps 5 --order 2 -o "$tmp/gen.qgd"
expect_rc "generated file checks" 0 "$QGDC" check "$tmp/gen.qgd"
if [ "$(grep -c '^gd ' "$tmp/gen.qgd")" = 2 ]; then ok "cli: generate writes one problem per fraction"; else bad "cli: generate writes one problem per fraction"; fi
expect_rc "generate bad fraction" 2 "$QGDC" generate --fractions 1.5
if command -v python3 > /dev/null 2>&1; then
    if "$QGDC" analyze --json examples/quad_cubic.qgd | python3 -c '
import json, sys
p = json.load(sys.stdin)["problems"][0]
assert p["verdict"] == "fully dissipative"
assert len(p["u_true"]) == p["T"] + 1
assert p["truncation"][-1]["max_error"] < 2e-4
' 2> "$tmp/cli_err"; then ok "cli: analyze json"; else bad "cli: analyze json" "$tmp/cli_err"; fi
fi
for f in examples/*.qgd; do
    if grep -q '^model ' "$f"; then
        # size-only models are estimated, not analysed
        expect_rc "analyze $f (model: refused)" 2 "$QGDC" analyze "$f"
        expect_rc "estimate $f" 0 "$QGDC" estimate "$f"
    else
        expect_rc "analyze $f" 0 "$QGDC" analyze "$f"
    fi
done
expect_rc "analyze double_well" 0 "$QGDC" analyze examples/double_well.qgd
if grep -q "verdict: not dissipative" "$tmp/cli_out"; then ok "cli: double well is not dissipative"; else bad "cli: double well is not dissipative" "$tmp/cli_out"; fi

# OpenQASM 3 in: sim, count, qasm (round trips through our own emitter)
expect_rc "sim --help" 0 "$QGDC" sim --help
expect_rc "count --help" 0 "$QGDC" count --help
expect_rc "qasm --help" 0 "$QGDC" qasm --help
expect_rc "sim bell" 0 "$QGDC" sim --shots 1000 tests/interop/circuits/bell.qasm
if grep -q "^  00  *0.5 " "$tmp/cli_out" && grep -q "^  11  *0.5 " "$tmp/cli_out"; then ok "cli: bell distribution"; else bad "cli: bell distribution" "$tmp/cli_out"; fi
expect_rc "sim missing file" 1 "$QGDC" sim tests/no-such.qasm
printf 'OPENQASM 3.0;\nqubit[2] q;\nfoo q[0];\nh q[5];\n' > "$tmp/bad.qasm"
expect_rc "sim bad qasm" 1 "$QGDC" sim "$tmp/bad.qasm"
if grep -q "bad.qasm:3:1: error" "$tmp/cli_err"; then ok "cli: qasm error located"; else bad "cli: qasm error located" "$tmp/cli_err"; fi
if command -v python3 > /dev/null 2>&1; then
    cat > "$tmp/agree.py" << 'PY'
import json, sys
d = sys.argv[1]
a, b, c = (json.load(open(f"{d}/{n}.json")) for n in "abc")
for other in (b, c):
    keys = set(a["probabilities"]) | set(other["probabilities"])
    for k in keys:
        assert abs(a["probabilities"].get(k, 0) - other["probabilities"].get(k, 0)) < 1e-12, k
ca, cc = (json.load(open(f"{d}/{n}.json"))["logical"] for n in ("ca", "cc"))
for key in ("tCount", "rotationCount", "cczCount", "measurementCount"):
    assert ca[key] == cc[key], (key, ca[key], cc[key])
PY
    for f in tests/interop/circuits/*.qasm; do
        case "$f" in *ccx.qasm|*if_measured.qasm|*reset.qasm) continue ;; esac
        if "$QGDC" qasm "$f" > "$tmp/h.qasm" 2> "$tmp/cli_err" && "$QGDC" qasm --flat "$f" > "$tmp/f.qasm" 2>> "$tmp/cli_err" &&
            "$QGDC" sim --json --shots 0 "$f" > "$tmp/a.json" 2>> "$tmp/cli_err" &&
            "$QGDC" sim --json --shots 0 "$tmp/h.qasm" > "$tmp/b.json" 2>> "$tmp/cli_err" &&
            "$QGDC" sim --json --shots 0 "$tmp/f.qasm" > "$tmp/c.json" 2>> "$tmp/cli_err" &&
            "$QGDC" count --json --no-physical "$f" > "$tmp/ca.json" 2>> "$tmp/cli_err" &&
            "$QGDC" count --json --no-physical "$tmp/f.qasm" > "$tmp/cc.json" 2>> "$tmp/cli_err" &&
            python3 "$tmp/agree.py" "$tmp" >> "$tmp/cli_err" 2>&1; then
            ok "cli: round trip and flat lowering agree: $f"
        else
            bad "cli: round trip and flat lowering agree: $f" "$tmp/cli_err"
        fi
    done
fi

# compile and run (the quantum pipeline, docs/pipeline.md)
expect_rc "compile --help" 0 "$QGDC" compile --help
expect_rc "run --help" 0 "$QGDC" run --help
expect_rc "run without file" 2 "$QGDC" run
expect_rc "run bad --kappa0" 2 "$QGDC" run --kappa0 1 examples/tiny1.qgd
expect_rc "run bad --shots" 2 "$QGDC" run --shots 0 examples/tiny1.qgd
expect_rc "run unknown problem" 2 "$QGDC" run --problem nope examples/tiny1.qgd
expect_rc "compile too few clock bits" 1 "$QGDC" compile --clock-bits 2 examples/tiny1.qgd
if grep -q "too few for kappa0" "$tmp/cli_err" && grep -q "use at least 5 clock bits" "$tmp/cli_err"; then
    ok "cli: too few clock bits message"; else bad "cli: too few clock bits message" "$tmp/cli_err"; fi
expect_rc "run a circuit too large to simulate" 1 "$QGDC" run examples/quad_cubic.qgd
if grep -q "quad_cubic.qgd:6:1: error: cannot run problem 'quad_cubic': the circuit has [0-9]* qubits" "$tmp/cli_err"; then
    ok "cli: too large to simulate message"; else bad "cli: too large to simulate message" "$tmp/cli_err"; fi
rm -f "$tmp/big.qasm"
expect_rc "compile a circuit too large to simulate" 0 "$QGDC" compile -o "$tmp/big.qasm" examples/quad_cubic.qgd
expect_rc "  ... its QASM counts" 0 "$QGDC" count --no-physical "$tmp/big.qasm"
echo "keep me" > "$tmp/keep.qasm"
expect_rc "compile -o on a refused build" 1 "$QGDC" compile --clock-bits 2 -o "$tmp/keep.qasm" examples/tiny1.qgd
if [ "$(cat "$tmp/keep.qasm")" = "keep me" ]; then ok "cli: refused compile leaves -o file untouched"; else bad "cli: refused compile leaves -o file untouched"; fi
expect_rc "compile tiny1" 0 "$QGDC" compile -o "$tmp/tiny1.qasm" --report "$tmp/tiny1.rep" examples/tiny1.qgd
expect_rc "compile tiny1 --flat" 0 "$QGDC" compile --flat -o "$tmp/tiny1f.qasm" --report "$tmp/tiny1f.report" examples/tiny1.qgd
expect_rc "run tiny1" 0 "$QGDC" run -o "$tmp/run.txt" examples/tiny1.qgd
if grep -q "end to end .*within the precision" "$tmp/run.txt"; then ok "cli: run prints the budget"; else bad "cli: run prints the budget" "$tmp/run.txt"; fi
if command -v python3 > /dev/null 2>&1; then
    # the compiled circuit, read back by qgdc sim, keeps the same branch with
    # the same probability as the run's own simulation, and its counts through
    # the hierarchy equal those of its flat form
    if "$QGDC" run --json examples/tiny1.qgd > "$tmp/run.json" 2> "$tmp/cli_err" &&
        "$QGDC" sim --json --shots 0 "$tmp/tiny1.qasm" > "$tmp/s1.json" 2>> "$tmp/cli_err" &&
        "$QGDC" count --json --no-physical "$tmp/tiny1.qasm" > "$tmp/c1.json" 2>> "$tmp/cli_err" &&
        "$QGDC" count --json --no-physical "$tmp/tiny1f.qasm" > "$tmp/c2.json" 2>> "$tmp/cli_err" &&
        python3 - "$tmp" >> "$tmp/cli_err" 2>&1 << 'PY'
import json, sys
d = sys.argv[1]
r = json.load(open(f"{d}/run.json"))["problems"][0]
s = json.load(open(f"{d}/s1.json"))
assert r["budget"]["within_budget"] and r["fidelity"]["state_vs_filtered"] >= 0.99, r["budget"]
assert abs(s["postselection_probability"] - r["postselection"]["all"]) < 1e-10, (s["postselection_probability"], r["postselection"]["all"])
a, b = (json.load(open(f"{d}/{n}.json"))["logical"] for n in ("c1", "c2"))
for key in ("tCount", "rotationCount", "cczCount", "measurementCount"):
    assert a[key] == b[key], (key, a[key], b[key])
PY
    then ok "cli: compiled QASM agrees with run (post-selection, counts)"; else bad "cli: compiled QASM agrees with run" "$tmp/cli_err"; fi
fi
expect_rc "run ntk_micro (quantum predictions equal the classical ones)" 0 "$QGDC" run -o "$tmp/ntk.txt" examples/ntk_micro.qgd
if grep -q "equal the classical sparse-NTK ones on 2 of 2" "$tmp/ntk.txt"; then ok "cli: ntk run prints the agreement"; else bad "cli: ntk run prints the agreement" "$tmp/ntk.txt"; fi
expect_rc "compile ntk_micro --test-point 1" 0 "$QGDC" compile --test-point 1 -o "$tmp/ntk.qasm" examples/ntk_micro.qgd
expect_rc "compile ntk_micro: no such test point" 1 "$QGDC" compile --test-point 9 -o "$tmp/ntk.qasm" examples/ntk_micro.qgd
if grep -q "test point 9 does not exist" "$tmp/cli_err"; then ok "cli: missing test point message"; else bad "cli: missing test point message" "$tmp/cli_err"; fi
# estimate (docs/estimate.md)
expect_rc "estimate --help" 0 "$QGDC" estimate --help
expect_rc "estimate poly1_paper" 0 "$QGDC" estimate -o "$tmp/est.txt" examples/poly1_paper.qgd
if grep -q "one controlled walk: CCZ" "$tmp/est.txt"; then ok "cli: estimate prints the walk"; else bad "cli: estimate prints the walk" "$tmp/est.txt"; fi
expect_rc "estimate --json --shape" 0 "$QGDC" estimate --json --shape -o "$tmp/est.json" examples/poly1_paper.qgd
if grep -q '"oracles": "counted"' "$tmp/est.json"; then ok "cli: estimate --shape counts opaque oracles"; else bad "cli: estimate --shape counts opaque oracles" "$tmp/est.json"; fi
expect_rc "estimate too few clock bits" 1 "$QGDC" estimate --clock-bits 2 examples/poly1_paper.qgd
if grep -q "use at least" "$tmp/cli_err"; then ok "cli: estimate clock-bit message"; else bad "cli: estimate clock-bit message" "$tmp/cli_err"; fi
expect_rc "estimate bad sweep" 2 "$QGDC" estimate --sweep x=1..2 examples/poly1_paper.qgd
expect_rc "estimate --plot without --sweep" 2 "$QGDC" estimate --plot "$tmp/p.svg" examples/poly1_paper.qgd
expect_rc "estimate sweep T with a plot" 0 "$QGDC" estimate --sweep T=4..16 --plot "$tmp/p.svg" -o "$tmp/sw.txt" examples/poly1_paper.qgd
if [ -s "$tmp/p.svg" ] && grep -q "log-log slopes" "$tmp/sw.txt"; then ok "cli: estimate sweep table and plot"; else bad "cli: estimate sweep table and plot" "$tmp/sw.txt"; fi
expect_rc "estimate an ntk-only file" 2 "$QGDC" estimate examples/ntk_micro.qgd
# size-only models (examples/resnet*.qgd)
expect_rc "estimate resnet7m --json" 0 "$QGDC" estimate --json -o "$tmp/r7.json" examples/resnet7m.qgd
if python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))
assert e["n"] == 7451044 and e["model"] == "resnet7m", e["n"]
assert e["oracles"] == "counted"
' "$tmp/r7.json" 2> "$tmp/cli_err"; then ok "cli: estimate of a model file, exact n in JSON"; else bad "cli: estimate of a model file, exact n in JSON" "$tmp/cli_err"; fi
expect_rc "estimate model sweep n" 0 "$QGDC" estimate --sweep n=1e3..1e9 -o "$tmp/swn.txt" examples/resnet7m.qgd
if grep -q "log-log slopes" "$tmp/swn.txt"; then ok "cli: model n sweep"; else bad "cli: model n sweep" "$tmp/swn.txt"; fi
expect_rc "estimate model sweep n json" 0 "$QGDC" estimate --json --sweep n=1e3..1e6 -o "$tmp/swn.json" examples/resnet7m.qgd
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = d["fits"]
assert abs(f["queries_exponent"]) < 1e-12, f      # queries do not depend on n
assert 0.95 < f["ccz_per_run_exponent"] < 1.1, f  # the tables: linear in nnz = n*s
assert len(d["points"]) == 4
' "$tmp/swn.json" 2> "$tmp/cli_err"; then ok "cli: n sweep fits (queries flat, CCZ linear)"; else bad "cli: n sweep fits (queries flat, CCZ linear)" "$tmp/cli_err"; fi
expect_rc "compile a model" 2 "$QGDC" compile examples/resnet7m.qgd
if grep -q "size-only model" "$tmp/cli_err"; then ok "cli: compile refuses a model with a reason"; else bad "cli: compile refuses a model with a reason" "$tmp/cli_err"; fi
expect_rc "run a model" 2 "$QGDC" run examples/resnet103m.qgd
sed 's/kappa0 = 5;/kappa0 = 5; clock_bits = 9;/' examples/structured_tiny.qgd > "$tmp/tiny9.qgd"
expect_rc "estimate takes a gd file's clock_bits" 0 "$QGDC" estimate --json -o "$tmp/t9.json" "$tmp/tiny9.qgd"
if python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["clock_bits"] == 9' "$tmp/t9.json" 2> "$tmp/cli_err"; then ok "cli: estimate uses the file's clock_bits"; else bad "cli: estimate uses the file's clock_bits" "$tmp/cli_err"; fi
printf 'model m { n = 1e6; F1 = sparse(sparsity = 4, max = 0.1); u_norm = 1e300; T = 10; options { carleman_order = 3; } }\n' > "$tmp/huge_u.qgd"
expect_rc "estimate refuses |u| = 1e300" 1 "$QGDC" estimate "$tmp/huge_u.qgd"
if grep -q "rescale the parameters" "$tmp/cli_err"; then ok "cli: estimate says why |u| = 1e300 is refused"; else bad "cli: estimate says why |u| = 1e300 is refused" "$tmp/cli_err"; fi
# structured encoding: compile writes the circuit estimate counts (same generator)
for f in examples/*.qgd; do
    grep -q 'block_encoding *= *structured' "$f" || continue
    expect_rc "compile structured $f" 0 "$QGDC" compile --json --report "$tmp/sc.json" -o "$tmp/sc.qasm" "$f"
    expect_rc "estimate structured $f" 0 "$QGDC" estimate --json -o "$tmp/se.json" "$f"
    if python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["resources"]["logical"]
e = json.load(open(sys.argv[2]))
r, q = e["run"], e["qubits"]
assert (c["cczCount"], c["tCount"], c["rotationCount"], c["measurementCount"]) == (r["ccz"], r["t"], r["rotations"], r["measurements"]), (c, r)
assert c["qubitsPeak"] == q["total"], (c["qubitsPeak"], q)
' "$tmp/sc.json" "$tmp/se.json" 2> "$tmp/cli_err"; then ok "cli: $f: compile's counts = estimate's"; else bad "cli: $f: compile's counts = estimate's" "$tmp/cli_err"; fi
done
