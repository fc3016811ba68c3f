# cli_techniques.sh — algorithm = best | paper and the technique options
# (docs/techniques.md), the planned budget of run (docs/budget.md) and
# estimate --compare; sourced by run_golden.sh (ok, bad, expect_rc, $QGDC, $tmp).

# options in a .qgd file: values checked with a location, kinds checked
cat > "$tmp/tech_bad.qgd" <<'EOF'
gd p {
    param u[1] = 0.5; eta = 0.2; T = 1; loss = u[0]^2/2;
    options { algorithm = cheapest; readout = tomography; max_logical_qubits = 0; }
}
EOF
expect_rc "check bad technique options" 1 "$QGDC" check "$tmp/tech_bad.qgd"
for want in "tech_bad.qgd:3:27: error: option 'algorithm' must be 'best' or 'paper'" \
    "tech_bad.qgd:3:47: error: option 'readout' must be 'shadows', 'l2_sampling' or 'amplitude_estimation'" \
    "tech_bad.qgd:3:80: error: max_logical_qubits must be at least 1, not 0"; do
    if grep -qF "$want" "$tmp/cli_err"; then ok "cli: technique option message: $want"; else bad "cli: technique option message: $want" "$tmp/cli_err"; fi
done
cat > "$tmp/tech_ntk.qgd" <<'EOF'
ntk p {
    train = csv("TRAIN", classes = [3, 5]);
    test = csv("TEST", classes = [3, 5]);
    activation = relu;
    L = 3;
    options { data_loading = qroam; amplify = exact; kappa0 = 9; }
}
EOF
sed -i "s|TRAIN|$PWD/examples/data/ntk_small.csv|; s|TEST|$PWD/examples/data/ntk_small_test.csv|" "$tmp/tech_ntk.qgd"
expect_rc "ntk: data_loading refused" 1 "$QGDC" check "$tmp/tech_ntk.qgd"
if grep -q "option 'data_loading' applies to gd and model problems only" "$tmp/cli_err"; then ok "cli: ntk refuses data_loading"; else bad "cli: ntk refuses data_loading" "$tmp/cli_err"; fi
if grep -q "option 'amplify' applies to gd and model problems only" "$tmp/cli_err"; then ok "cli: ntk refuses amplify (not built for the Hadamard test)"; else bad "cli: ntk refuses amplify" "$tmp/cli_err"; fi
if grep -q "option 'kappa0'" "$tmp/cli_err"; then bad "cli: ntk takes kappa0" "$tmp/cli_err"; else ok "cli: ntk takes kappa0"; fi
expect_rc "run --readout bogus" 2 "$QGDC" run --readout bogus examples/tiny1.qgd
if grep -q "readout takes shadows, l2_sampling or amplitude_estimation, not 'bogus'" "$tmp/cli_err"; then ok "cli: --readout bogus message"; else bad "cli: --readout bogus message" "$tmp/cli_err"; fi

# estimate: paper reproduces the paper's figures; best is cheaper; the
# options of a model problem in the file equal the flags
expect_rc "estimate --algorithm paper" 0 "$QGDC" estimate --algorithm paper examples/resnet7m.qgd
if grep -q "CCZ, whole training                7.49e+52" "$tmp/cli_out"; then ok "cli: paper's resnet7m total 7.49e52"; else bad "cli: paper's resnet7m total" "$tmp/cli_out"; fi
if grep -q "^techniques" "$tmp/cli_out"; then bad "cli: paper prints no technique section" "$tmp/cli_out"; else ok "cli: paper prints no technique section"; fi
expect_rc "estimate (best)" 0 "$QGDC" estimate examples/resnet7m.qgd
cp "$tmp/cli_out" "$tmp/best.txt"
if grep -q "^techniques (algorithm = best" "$tmp/best.txt" && grep -q "read-out error .*l2 distance of the normalised u(T)" "$tmp/best.txt"; then ok "cli: best states its techniques and error measure"; else bad "cli: best states its techniques" "$tmp/best.txt"; fi
sed 's/precision = 1e-2;/precision = 1e-2;\n        algorithm = paper;/' examples/resnet7m.qgd > "$tmp/r7_paper.qgd"
expect_rc "estimate, algorithm = paper in the file" 0 "$QGDC" estimate "$tmp/r7_paper.qgd"
"$QGDC" estimate --algorithm paper examples/resnet7m.qgd > "$tmp/r7_flag.txt" 2>&1
sed -E 's/built in [^,]*, counted in [^)]*/T/' "$tmp/cli_out" > "$tmp/r7_a.m"
sed -E 's/built in [^,]*, counted in [^)]*/T/' "$tmp/r7_flag.txt" > "$tmp/r7_b.m"
if cmp -s "$tmp/r7_a.m" "$tmp/r7_b.m"; then ok "cli: algorithm = paper in the file equals --algorithm paper"; else bad "cli: algorithm = paper in the file equals --algorithm paper"; fi

# --compare: the waterfall, JSON, plot; best <= every step; budget respected
expect_rc "estimate --compare" 0 "$QGDC" estimate --compare examples/resnet7m.qgd
for want in "paper (Liu et al.)" "+ fixed-point amplification" "+ sampling read-out" "+ amplitude-estimation read-out" "best: amplify fixed_point"; do
    if grep -qF "$want" "$tmp/cli_out"; then ok "cli: compare lists: $want"; else bad "cli: compare lists: $want" "$tmp/cli_out"; fi
done
expect_rc "estimate --compare --json --max-logical-qubits 10000" 0 "$QGDC" estimate --compare --json --max-logical-qubits 10000 --plot "$tmp/cmp.svg" examples/resnet7m.qgd
if grep -q "<svg" "$tmp/cmp.svg"; then ok "cli: compare plot"; else bad "cli: compare plot"; fi
if command -v python3 > /dev/null 2>&1; then
    if python3 - "$tmp/cli_out" > "$tmp/cmp_py" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
steps = d["steps"]
paper, best = int(steps[0]["total_ccz"]), int(d["best"]["total_ccz"])
assert steps[0]["amplify"] == "none" and steps[0]["data_loading"] == "unary" and steps[0]["readout"] == "shadows"
assert paper == 74896306818478693434434766290151237155186085887066054418124800000 or abs(paper / 7.49e52 - 1) < 1e-3, paper
assert all(best <= int(s["total_ccz"]) for s in steps if s["within_qubit_budget"]), "best is not the least"
assert best * 1e15 < paper, (best, paper)
assert d["max_logical_qubits"] == 10000
assert d["best"]["logical_qubits"] <= 10000
q = [s for s in steps if s["data_loading"] == "qroam"]
assert q and int(q[0]["ccz_per_call"]) < int(steps[0]["ccz_per_call"]), "QROAM does not lower the CCZ per call"
# calls: sampling with fixed-point amplification = kept / success x L
s = [s for s in steps if s["readout"] == "l2_sampling"][0]
import math
want = math.ceil(s["kept_outputs"] / s["success_per_run"]) * s["amplified_calls_per_run"]
assert abs(int(s["calls_per_upload"]) / want - 1) < 1e-9, (s["calls_per_upload"], want)
print("ok")
EOF
    then ok "cli: compare json: best least, paper exact, budget kept, calls = kept x L / success"; else bad "cli: compare json" "$tmp/cmp_py"; fi
fi
expect_rc "estimate --error-measure linf" 0 "$QGDC" estimate --error-measure linf examples/resnet7m.qgd
if grep -q "l-infinity distance of the normalised u(T)" "$tmp/cli_out"; then ok "cli: linf stated"; else bad "cli: linf stated" "$tmp/cli_out"; fi
expect_rc "estimate --error-measure bogus" 2 "$QGDC" estimate --error-measure l1 examples/resnet7m.qgd
expect_rc "estimate --max-logical-qubits below the paper's circuit" 1 "$QGDC" estimate --max-logical-qubits 100 examples/resnet7m.qgd
if grep -q "no combination of techniques fits in max_logical_qubits = 100" "$tmp/cli_err"; then ok "cli: qubit budget too small: said so"; else bad "cli: qubit budget too small" "$tmp/cli_err"; fi

# run: the planned budget beside the measured one, the precision met where
# the paper's clock-bit rule misses it (n = 1, one step)
cat > "$tmp/one_step.qgd" <<'EOF'
gd p {
    param u[1] = 0.5;
    eta = 0.2;
    T = 1;
    loss = u[0]^2/2 + 0.1*u[0]^3;
}
EOF
expect_rc "run --algorithm paper one step" 0 "$QGDC" run --json --algorithm paper "$tmp/one_step.qgd"
cp "$tmp/cli_out" "$tmp/one_paper.json"
expect_rc "run one step (best)" 0 "$QGDC" run --json "$tmp/one_step.qgd"
cp "$tmp/cli_out" "$tmp/one_best.json"
if command -v python3 > /dev/null 2>&1; then
    if python3 - "$tmp/one_paper.json" "$tmp/one_best.json" > "$tmp/one_py" 2>&1 <<'EOF'
import json, sys
def run(path):
    d = json.load(open(path))
    return d["problems"][0]
p, b = run(sys.argv[1]), run(sys.argv[2])
assert "planned" not in p["budget"]
assert p["budget"]["end_to_end"] > 0.01, p["budget"]  # the rule alone misses
pl = b["budget"]["planned"]
assert b["budget"]["within_precision"] and b["budget"]["end_to_end"] <= 0.01
assert pl["attainable"] and pl["budget"] <= 0.01 + 1e-12
assert abs(pl["qpe"] - b["budget"]["qpe"]) < 1e-9 and abs(pl["truncation"] - b["budget"]["truncation"]) < 1e-12
assert pl["fidelity_predicted_vs_simulated"] > 1 - 1e-10
print("ok")
EOF
    then ok "cli: run plans the budget and meets the precision the rule misses"; else bad "cli: run planned budget" "$tmp/one_py"; fi
fi
expect_rc "run one step (text)" 0 "$QGDC" run "$tmp/one_step.qgd"
if grep -q "planned     measured" "$tmp/cli_out" && grep -q "within the precision" "$tmp/cli_out"; then ok "cli: run prints planned beside measured"; else bad "cli: run prints planned beside measured" "$tmp/cli_out"; fi

# amplify = fixed_point through run: success >= 1 - 0.3^2
expect_rc "run --amplify fixed_point tiny1" 0 "$QGDC" run --amplify fixed_point examples/tiny1.qgd
p=$(sed -n 's/.*fixed point, L = [0-9]*: success probability [0-9.e-]* before, \([0-9.]*\) after.*/\1/p' "$tmp/cli_out")
if awk -v p="$p" 'BEGIN { exit !(p >= 0.91) }'; then ok "cli: fixed-point amplification keeps the run with P = $p"; else bad "cli: fixed-point amplification: P = '$p'" "$tmp/cli_out"; fi

# readout = amplitude_estimation through run: the read-out within its target,
# fewer calls than sampling for the same target
expect_rc "run --readout amplitude_estimation" 0 "$QGDC" run --json --readout amplitude_estimation "$tmp/one_step.qgd"
if command -v python3 > /dev/null 2>&1; then
    if python3 - "$tmp/cli_out" > "$tmp/ae_py" 2>&1 <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["problems"][0]
ae = r["amplitude_estimation"]
b = r["budget"]
assert b["shot_noise"] <= ae["target_linf"], (b, ae)
assert b["end_to_end"] <= 0.01
assert ae["calls"] < ae["sampling_calls_for_the_same_target"], ae
print("ok")
EOF
    then ok "cli: amplitude-estimation read-out within its target, cheaper than sampling"; else bad "cli: amplitude-estimation read-out" "$tmp/ae_py"; fi
fi

# every quick dissipative example meets its precision at default settings
for f in examples/tiny1.qgd examples/poly1.qgd examples/poly1_paper.qgd tests/data/one_step.qgd; do
    expect_rc "run $f (defaults)" 0 "$QGDC" run --json "$f"
    if command -v python3 > /dev/null 2>&1; then
        if python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["problems"]:
    b = r["budget"]
    assert r["verdict"] == "fully dissipative", r["verdict"]
    assert b["planned"]["attainable"] and b["within_precision"], b
    assert b["planned"]["budget"] <= b["planned"]["precision"] * (1 + 1e-9), b
' "$tmp/cli_out" 2> "$tmp/prec_err"; then ok "cli: $f meets its precision by plan"; else bad "cli: $f meets its precision by plan" "$tmp/prec_err"; fi
    fi
done

# compile under best: exact amplification chosen from the predicted P; the
# emitted circuit, read back and simulated, keeps every run
expect_rc "compile poly1 (best)" 0 "$QGDC" compile -o "$tmp/poly1_best.qasm" examples/poly1.qgd
if grep -q "amplification     exact .*predicted; chosen by algorithm = best" "$tmp/cli_out"; then ok "cli: compile chooses exact amplification by the plan"; else bad "cli: compile chooses exact amplification" "$tmp/cli_out"; fi
expect_rc "sim the amplified poly1" 0 "$QGDC" sim "$tmp/poly1_best.qasm"
p=$(sed -n 's/^all post-selections together: //p' "$tmp/cli_out")
if awk -v p="$p" 'BEGIN { exit !(p > 1 - 1e-9) }'; then ok "cli: the emitted amplified circuit keeps every run (P = $p)"; else bad "cli: emitted amplified circuit P = '$p'" "$tmp/cli_out"; fi
