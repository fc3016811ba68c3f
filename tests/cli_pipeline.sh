# cli_pipeline.sh — the pipeline written once: --dump-after=PASS on compile
# and run (sourced by run_golden.sh). The dumps of tiny1 (every pass), and
# of the solver of structured_tiny and ntk_micro, are compared with
# tests/golden/dump/; each is also checked against an independent output
# of the tool where one exists.

for p in problem carleman unroll dilate encode solver; do
    "$QGDC" compile --dump-after=$p examples/tiny1.qgd > "$tmp/dump" 2> "$tmp/cli_err"
    compare "dump-after=$p tiny1" "tests/golden/dump/tiny1.$p.txt" "$tmp/dump"
done
for f in structured_tiny ntk_micro; do
    "$QGDC" compile --dump-after=solver "examples/$f.qgd" > "$tmp/dump" 2> "$tmp/cli_err"
    compare "dump-after=solver $f" "tests/golden/dump/$f.solver.txt" "$tmp/dump"
done

# the problem dump is check --dump-ir's; the solver's registers are the emitted circuit's
"$QGDC" compile --dump-after=problem examples/quad_cubic.qgd > "$tmp/dump_p"
"$QGDC" check --dump-ir examples/quad_cubic.qgd > "$tmp/dump_c"
if cmp -s "$tmp/dump_p" "$tmp/dump_c"; then ok "cli: dump-after=problem is check --dump-ir"; else bad "cli: dump-after=problem is check --dump-ir"; fi
for f in tiny1 structured_tiny; do
    "$QGDC" compile --dump-after=solver "examples/$f.qgd" | sed -n 's/^qreg \([a-z_]*\)\[\([0-9]*\)\] at [0-9]*$/qubit[\2] \1;/p' > "$tmp/regs_dump"
    "$QGDC" compile -o "$tmp/regs.qasm" "examples/$f.qgd" > /dev/null 2>&1
    grep '^qubit\[' "$tmp/regs.qasm" > "$tmp/regs_qasm"
    if [ -s "$tmp/regs_dump" ] && cmp -s "$tmp/regs_dump" "$tmp/regs_qasm"; then ok "cli: dump-after=solver registers = the circuit's ($f)"; else bad "cli: dump-after=solver registers = the circuit's ($f)"; fi
done
# the lowered circuit has the qubits the flat QASM declares
"$QGDC" compile --dump-after=lower examples/tiny1.qgd > "$tmp/dump_l"
"$QGDC" compile --flat -o "$tmp/flat.qasm" examples/tiny1.qgd > /dev/null 2>&1
nq_dump=$(sed -n '1s/^circuit: \([0-9]*\) qubits.*/\1/p' "$tmp/dump_l")
nq_flat=$(sed -n 's/^qubit\[\([0-9]*\)\] .*/\1/p' "$tmp/flat.qasm" | awk '{s += $1} END {print s}')
if [ -n "$nq_dump" ] && [ "$nq_dump" = "$nq_flat" ]; then ok "cli: dump-after=lower has the flat circuit's $nq_flat qubits"; else bad "cli: dump-after=lower qubits $nq_dump, flat circuit $nq_flat"; fi
# the dilation is the size the solver's system register says: 2^s
s=$(sed -n 's/^qreg sys\[\([0-9]*\)\].*/\1/p' tests/golden/dump/tiny1.solver.txt)
if grep -q "^dilation: .*, $s qubits, H $((1 << s)) x $((1 << s))," tests/golden/dump/tiny1.dilate.txt; then ok "cli: dilation size = 2^(system qubits)"; else bad "cli: dilation size = 2^(system qubits)"; fi

# -o, run, the list, and refusals
expect_rc "dump-after -o" 0 "$QGDC" compile --dump-after=unroll -o "$tmp/unroll.txt" examples/tiny1.qgd
if cmp -s "$tmp/unroll.txt" tests/golden/dump/tiny1.unroll.txt; then ok "cli: dump-after writes -o"; else bad "cli: dump-after writes -o"; fi
expect_rc "run --dump-after" 0 "$QGDC" run --dump-after=carleman examples/tiny1.qgd
if cmp -s "$tmp/cli_out" tests/golden/dump/tiny1.carleman.txt; then ok "cli: run --dump-after is compile's"; else bad "cli: run --dump-after is compile's" "$tmp/cli_out"; fi
expect_rc "run --dump-after structured takes the Pauli pipeline" 0 "$QGDC" run --dump-after=dilate examples/structured_tiny.qgd
expect_rc "dump-after=list" 0 "$QGDC" compile --dump-after=list examples/tiny1.qgd
for p in problem carleman unroll dilate encode solver lower; do
    if grep -q "^  $p " "$tmp/cli_out"; then ok "cli: dump-after=list names $p"; else bad "cli: dump-after=list names $p" "$tmp/cli_out"; fi
done
expect_rc "dump-after unknown pass" 2 "$QGDC" compile --dump-after=bogus examples/tiny1.qgd
expect_rc "dump-after a pass the pipeline lacks" 1 "$QGDC" compile --dump-after=carleman -o "$tmp/none.txt" examples/structured_tiny.qgd
if grep -q "has no pass 'carleman': its pipeline, gd (structured encoding), is problem, encode, solver, lower" "$tmp/cli_err"; then ok "cli: dump-after names the pipeline's passes"; else bad "cli: dump-after names the pipeline's passes" "$tmp/cli_err"; fi
if [ -e "$tmp/none.txt" ]; then bad "cli: a failed dump left its output"; else ok "cli: a failed dump leaves no output"; fi

# gate_set = clifford_t in the file: compile writes the circuit over Clifford+T (rotations synthesized);
# native keeps the rotations, silently
printf 'gd g {\n    param u[1] = [0.5];\n    eta = 0.1;\n    T = 1;\n    loss = u[0]^2/2;\n    options { gate_set = native; }\n}\n' > "$tmp/gs.qgd"
expect_rc "compile with gate_set = native" 0 "$QGDC" compile -o "$tmp/gs.qasm" "$tmp/gs.qgd"
if grep -q "gate_set" "$tmp/cli_err"; then bad "cli: no note for gate_set = native" "$tmp/cli_err"; else ok "cli: no note for gate_set = native"; fi
sed 's/gate_set = native/gate_set = clifford_t/' "$tmp/gs.qgd" > "$tmp/gsc.qgd"
expect_rc "compile with gate_set = clifford_t" 0 "$QGDC" compile --json --report "$tmp/gsc.json" -o "$tmp/gsc.qasm" "$tmp/gsc.qgd"
if grep -q "gsc.qgd:6:15: note: gate_set = clifford_t: [0-9]* rotations" "$tmp/cli_err" && ! grep -Eq "^ *(rx|ry|rz|p|u|U|cp|crz|cry|crx)[ (]" "$tmp/gsc.qasm" && grep -q "^t \|^tdg " "$tmp/gsc.qasm"; then ok "cli: gate_set = clifford_t writes Clifford+T"; else bad "cli: gate_set = clifford_t writes Clifford+T" "$tmp/cli_err"; fi
expect_rc "count the Clifford+T file" 0 "$QGDC" count --json "$tmp/gsc.qasm"
if python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["resources"]["logical"]
kl = json.load(open(sys.argv[2]))["logical"]
assert kl["rotationCount"] == 0 and c["rotationCount"] == 0 and kl["tCount"] == c["tCount"] > 0, (c, kl)
' "$tmp/gsc.json" "$tmp/cli_out" 2> "$tmp/cli_err"; then ok "cli: Clifford+T counts: T exact, no rotations"; else bad "cli: Clifford+T counts: T exact, no rotations" "$tmp/cli_err"; fi
expect_rc "compile without gate_set" 0 "$QGDC" compile -o "$tmp/t1.qasm" examples/tiny1.qgd
if grep -q "gate_set" "$tmp/cli_err"; then bad "cli: no gate_set note when the file does not set it" "$tmp/cli_err"; else ok "cli: no gate_set note when the file does not set it"; fi
