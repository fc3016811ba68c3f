# cli_amplify.sh — qgdc run --amplify exact (exact amplitude amplification
# of the post-selected solver, passes/amplify.h), sourced by run_golden.sh
# (ok, bad, expect_rc, $QGDC, $tmp).

# the flag: exact | none, anything else a usage error
expect_rc "run --amplify bogus" 2 "$QGDC" run --amplify bogus examples/tiny1.qgd
if grep -q "amplify takes none, exact or fixed_point, not 'bogus'" "$tmp/cli_err"; then ok "cli: --amplify bogus message"; else bad "cli: --amplify bogus message" "$tmp/cli_err"; fi
"$QGDC" run --help > "$tmp/amp_help"
if grep -q "^  --amplify M " "$tmp/amp_help"; then ok "cli: run --help lists --amplify"; else bad "cli: run --help lists --amplify" "$tmp/amp_help"; fi

# default: the paper's post-selected solver, unchanged; --amplify none is the default
expect_rc "run tiny1" 0 "$QGDC" run --algorithm paper examples/tiny1.qgd
cp "$tmp/cli_out" "$tmp/amp_plain.txt"
expect_rc "run --amplify none tiny1" 0 "$QGDC" run --algorithm paper --amplify none examples/tiny1.qgd
# (timings masked: the simulation line reports wall-clock seconds)
sed -E 's/[0-9.]+ s\b/T s/g' "$tmp/cli_out" > "$tmp/amp_none.m"
sed -E 's/[0-9.]+ s\b/T s/g' "$tmp/amp_plain.txt" > "$tmp/amp_plain.m"
if cmp -s "$tmp/amp_none.m" "$tmp/amp_plain.m"; then ok "cli: --amplify none equals the default"; else diff "$tmp/amp_plain.m" "$tmp/amp_none.m" > "$tmp/amp_diff"; bad "cli: --amplify none equals the default" "$tmp/amp_diff"; fi
if grep -q "amplification" "$tmp/amp_plain.txt"; then bad "cli: no amplification lines by default" "$tmp/amp_plain.txt"; else ok "cli: no amplification lines by default"; fi

# exact: P before, 1 after, k, 2k+1 solves, runs per kept result, the same kept state
expect_rc "run --amplify exact tiny1" 0 "$QGDC" run --algorithm paper --amplify exact examples/tiny1.qgd
cp "$tmp/cli_out" "$tmp/amp_exact.txt"
for want in "qubits            12: sys 2, idx 2, clock 5, anc 1, flag 1, amp 1" \
    "amplification     exact, k = 2: success probability 0.214813 before, 1.0000000000 after (predicted 1.0000000000)" \
    "solve calls per run      5 (2k+1)" \
    "runs per kept result     4.655 -> 1; solve calls per kept result 4.655 -> 5" \
    "kept state               fidelity 1.000000000 with the un-amplified kept state" \
    "amplification qubit = 1  1" \
    "read-out u(T) vs true u(T): within the budget"; do
    if grep -qF "$want" "$tmp/amp_exact.txt"; then ok "cli: amplify prints: $want"; else bad "cli: amplify prints: $want" "$tmp/amp_exact.txt"; fi
done

# JSON: the figures, and u(T) within the un-amplified run's own error budget
expect_rc "run --json tiny1" 0 "$QGDC" run --algorithm paper --json examples/tiny1.qgd
cp "$tmp/cli_out" "$tmp/amp_plain.json"
expect_rc "run --json --amplify exact tiny1" 0 "$QGDC" run --algorithm paper --json --amplify exact examples/tiny1.qgd
cp "$tmp/cli_out" "$tmp/amp_exact.json"
if command -v python3 > /dev/null 2>&1; then
    if python3 - "$tmp/amp_plain.json" "$tmp/amp_exact.json" > "$tmp/amp_py" 2>&1 <<'PY'
import json, sys
plain = json.load(open(sys.argv[1]))["problems"][0]
amp = json.load(open(sys.argv[2]))["problems"][0]
assert "amplify" not in plain, "amplify block without the flag"
a = amp["amplify"]
assert a["mode"] == "exact" and a["k"] == 2 and a["solve_calls"] == 5, a
assert abs(a["P"] - plain["postselection"]["all"]) < 1e-12, (a["P"], plain["postselection"]["all"])
assert abs(a["P_after"] - 1) < 1e-9 and abs(amp["postselection"]["all"] - 1) < 1e-9, a["P_after"]
assert a["fidelity_vs_unamplified"] > 1 - 1e-9, a
assert abs(a["runs_per_kept_before"] - 1 / a["P"]) < 1e-9 and abs(a["runs_per_kept_after"] - 1) < 1e-9, a
assert a["unamplified_resources"]["logical"] == plain["resources"]["logical"], a["unamplified_resources"]
assert amp["resources"]["logical"]["cczCount"] > 4 * plain["resources"]["logical"]["cczCount"]
assert amp["qubits"]["amp"] == 1 and amp["qubits"]["total"] == plain["qubits"]["total"] + 1
# the kept state is the un-amplified one, so u(T) meets the same error budget
assert abs(amp["u"]["state"][0] - plain["u"]["state"][0]) < 1e-9, (amp["u"]["state"], plain["u"]["state"])
err = abs(amp["u"]["readout"][0] - amp["u"]["true"][0])
assert err <= plain["budget"]["budget"], (err, plain["budget"]["budget"])
assert amp["budget"]["within_budget"], amp["budget"]
print("ok", a["P"], a["k"], err)
PY
    then ok "cli: amplify json figures and u(T) within the budget"; else bad "cli: amplify json figures and u(T) within the budget" "$tmp/amp_py"; fi
fi

# compile --amplify: the emitted circuit, read back and simulated, keeps the
# solution with the planned probability (P from the filtered solution)
expect_rc "compile --amplify exact" 0 "$QGDC" compile --amplify exact -o "$tmp/amp.qasm" examples/tiny1.qgd
"$QGDC" sim --shots 0 "$tmp/amp.qasm" > "$tmp/amp_sim" 2>&1
p=$(sed -n 's/^all post-selections together: //p' "$tmp/amp_sim")
if awk -v p="$p" 'BEGIN { exit !(p >= 0.99) }'; then ok "cli: compile --amplify: the simulated circuit keeps the branch with P = $p"; else bad "cli: compile --amplify: P = '$p'" "$tmp/amp_sim"; fi
"$QGDC" compile -o "$tmp/plain.qasm" examples/tiny1.qgd > "$tmp/plain.out" 2>&1
"$QGDC" sim --shots 0 "$tmp/plain.qasm" > "$tmp/plain_sim" 2>&1
p0=$(sed -n 's/^all post-selections together: //p' "$tmp/plain_sim")
if awk -v p="$p" -v q="$p0" 'BEGIN { exit !(p > 4 * q) }'; then ok "cli: compile --amplify raises P from $p0 to $p"; else bad "cli: compile --amplify: P $p against $p0"; fi
expect_rc "compile --amplify on the structured pipeline" 1 "$QGDC" compile --amplify exact -o "$tmp/amp_s.qasm" examples/structured_tiny.qgd
if grep -q "amplify = exact is built for gd problems with the Pauli encoding" "$tmp/cli_err"; then ok "cli: compile --amplify refused for the structured pipeline"; else bad "cli: compile --amplify refused for the structured pipeline" "$tmp/cli_err"; fi
