# cli_qsvt.sh — the QSVT solver from the command line (sourced by
# run_golden.sh: ok, bad, expect_rc, $QGDC, $tmp). Each check compares
# with an independent figure: the classical filtered solution (run's
# fidelity), the emitted file counted again (count), phase estimation's
# walks (estimate --compare), the NTK's classical predictions.

# run: fidelity with the filtered solution >= 0.99 and the answer within the budget
for f in examples/tiny1.qgd examples/poly1.qgd examples/double_well1.qgd; do
    expect_rc "qsvt: run $f" 0 "$QGDC" run --solver qsvt "$f"
    fid=$(sed -n 's/.*solver (QSVT).*fidelity |<x_q,x~>| = \([0-9.]*\).*/\1/p' "$tmp/cli_out")
    if [ -n "$fid" ] && awk -v f="$fid" 'BEGIN { exit !(f >= 0.99) }'; then ok "qsvt: $f fidelity $fid"; else bad "qsvt: $f fidelity '$fid'" "$tmp/cli_out"; fi
    if grep -q "end to end .*within the budget" "$tmp/cli_out"; then ok "qsvt: $f within the budget"; else bad "qsvt: $f within the budget" "$tmp/cli_out"; fi
    if grep -q "predicted kept state *fidelity 1.0000000" "$tmp/cli_out"; then ok "qsvt: $f predicted state = simulated"; else bad "qsvt: $f predicted state = simulated" "$tmp/cli_out"; fi
done
# the file's option does what the flag does; the report and the JSON name the solver
sed 's/options { carleman_order = 1; precision = 0.05; }/options { carleman_order = 1; precision = 0.05; solver = qsvt; }/' examples/tiny1.qgd > "$tmp/tq.qgd"
expect_rc "qsvt: run --json (option in the file)" 0 "$QGDC" run --json "$tmp/tq.qgd"
if python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))["problems"][0]
assert p["solver"] == "qsvt", p["solver"]
q = p["qsvt"]
assert q["degree"] % 2 == 1 and q["phase_residual"] < 1e-11, q
' "$tmp/cli_out" 2> "$tmp/cli_err"; then ok "qsvt: run json names the solver"; else bad "qsvt: run json names the solver" "$tmp/cli_err"; fi

# compile: the emitted circuit has the qsvt definition and no clock; count agrees with compile's report
expect_rc "qsvt: compile" 0 "$QGDC" compile --solver qsvt --json --report "$tmp/tq.json" -o "$tmp/tq.qasm" examples/tiny1.qgd
if grep -q "qsvt" "$tmp/tq.qasm" && ! grep -q "clock" "$tmp/tq.qasm"; then ok "qsvt: compiled circuit has qsvt, no clock"; else bad "qsvt: compiled circuit has qsvt, no clock" "$tmp/tq.qasm"; fi
expect_rc "qsvt: count the emitted circuit" 0 "$QGDC" count --json "$tmp/tq.qasm"
if python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["resources"]["logical"]
kl = json.load(open(sys.argv[2]))["logical"]
assert (c["cczCount"], c["rotationCount"]) == (kl["cczCount"], kl["rotationCount"]), (c, kl)
' "$tmp/tq.json" "$tmp/cli_out" 2> "$tmp/cli_err"; then ok "qsvt: count of the file = compile's"; else bad "qsvt: count of the file = compile's" "$tmp/cli_err"; fi

# bad values: a clear message, located in the file
expect_rc "qsvt: --solver nope" 2 "$QGDC" run --solver nope examples/tiny1.qgd
if grep -q "\-\-solver takes qpe or qsvt, not 'nope'" "$tmp/cli_err"; then ok "qsvt: --solver nope message"; else bad "qsvt: --solver nope message" "$tmp/cli_err"; fi
sed 's/solver = qsvt;/solver = hhl;/' "$tmp/tq.qgd" > "$tmp/tbad.qgd"
expect_rc "qsvt: solver = hhl in a file" 1 "$QGDC" check "$tmp/tbad.qgd"
if grep -q "tbad.qgd:[0-9]*:[0-9]*: error: option 'solver' must be 'qpe' or 'qsvt'" "$tmp/cli_err"; then ok "qsvt: solver = hhl located"; else bad "qsvt: solver = hhl located" "$tmp/cli_err"; fi

# ntk: the Hadamard test around the QSVT solve predicts as the classical sparse NTK
expect_rc "qsvt: ntk_tiny" 0 "$QGDC" run --solver qsvt examples/ntk_tiny.qgd
if grep -q "equal the classical sparse-NTK ones on 4 of 4" "$tmp/cli_out"; then ok "qsvt: ntk_tiny agrees 4 of 4"; else bad "qsvt: ntk_tiny agrees 4 of 4" "$tmp/cli_out"; fi

# estimate: the structured QSVT circuit compile builds is the one estimate counts
expect_rc "qsvt: compile structured" 0 "$QGDC" compile --solver qsvt --json --report "$tmp/sq.json" -o "$tmp/sq.qasm" examples/structured_tiny.qgd
expect_rc "qsvt: estimate structured" 0 "$QGDC" estimate --solver qsvt --algorithm paper --json -o "$tmp/sqe.json" examples/structured_tiny.qgd
if python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["resources"]["logical"]
e = json.load(open(sys.argv[2]))
r = e["run"]
assert r["solver"] == "qsvt" and r["qsvt"]["built"], r.get("qsvt")
assert (c["cczCount"], c["rotationCount"]) == (r["ccz"], r["rotations"]), (c, r)
assert int(r["walk_steps"]) == r["qsvt"]["degree"]
' "$tmp/sq.json" "$tmp/sqe.json" 2> "$tmp/cli_err"; then ok "qsvt: structured compile's counts = estimate's"; else bad "qsvt: structured compile's counts = estimate's" "$tmp/cli_err"; fi

# estimate --compare: the QSVT step, with fewer walks than phase estimation for resnet7m
expect_rc "qsvt: estimate --compare resnet7m" 0 "$QGDC" estimate --compare --json -o "$tmp/cmp.json" examples/resnet7m.qgd
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
steps = d["steps"] if "steps" in d else d["waterfall"]
q = [s for s in steps if s["solver"] == "qsvt"]
p = steps[0]
assert q and p["solver"] == "qpe", [s["label"] for s in steps]
assert int(q[0]["walk_steps"]) < int(p["walk_steps"]), (q[0]["walk_steps"], p["walk_steps"])
' "$tmp/cmp.json" 2> "$tmp/cli_err"; then ok "qsvt: resnet7m QSVT walks < phase estimation's"; else bad "qsvt: resnet7m QSVT walks < phase estimation's" "$tmp/cli_err"; fi

# with the techniques of the cheapest circuit: exact amplification around the QSVT solve, amplitude estimation
expect_rc "qsvt: run --amplify exact" 0 "$QGDC" run --solver qsvt --amplify exact examples/poly1.qgd
if grep -q "success probability [0-9.]* before, 1.0000000000 after" "$tmp/cli_out" && grep -q "kept state *fidelity 1.0000000" "$tmp/cli_out"; then ok "qsvt: amplified to 1, same kept state"; else bad "qsvt: amplified to 1, same kept state" "$tmp/cli_out"; fi
expect_rc "qsvt: run --readout amplitude_estimation" 0 "$QGDC" run --solver qsvt --readout amplitude_estimation examples/tiny1.qgd
if grep -q "end to end .*within the budget" "$tmp/cli_out"; then ok "qsvt: amplitude estimation within the budget"; else bad "qsvt: amplitude estimation within the budget" "$tmp/cli_out"; fi
