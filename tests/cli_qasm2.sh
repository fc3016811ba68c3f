# cli_qasm2.sh — sourced by run_golden.sh: OpenQASM 2.0 programs
# (tests/interop/circuits/qasm2/*.qasm) read by their header. Each is
# checked against the same circuit written in OpenQASM 3 with stdgates.inc
# (below): the exact distributions of `qgdc sim` equal to 1e-12, and the
# logical counts of the `qasm --flat` outputs equal; the if (creg == k)
# programs against hand-computed outcomes (c[0] least significant). Then
# the located errors of 2.0 programs, and OpenQASM 3's single-quoted include.

q2=tests/interop/circuits/qasm2

# probs FILE: the "probabilities" of `qgdc sim --json`, one "bits value" a line
q2_probs() {
    "$QGDC" sim --json --shots 0 "$1" | awk '/"probabilities"/ { p = 1; next } p && /}/ { p = 0 } p { gsub(/[",:]/, ""); print $1, $2 }'
}

# q2_same NAME FILE2 FILE3: equal distributions (1e-12, every outcome of either)
q2_same() {
    q2_probs "$2" > "$tmp/q2_a" 2> "$tmp/q2_err" && q2_probs "$3" > "$tmp/q2_b" 2>> "$tmp/q2_err"
    if [ -s "$tmp/q2_a" ] && [ -s "$tmp/q2_b" ] &&
        awk 'FNR == NR { a[$1] = $2; next } { b[$1] = $2 }
             END { for (k in a) if (!(k in b)) b[k] = 0; for (k in b) { d = a[k] - b[k]; if (d < 0) d = -d;
                   if (d > 1e-12) { print "differs at " k ": " a[k] " vs " b[k]; bad = 1 } } exit bad }' \
            "$tmp/q2_a" "$tmp/q2_b" > "$tmp/q2_diff"; then
        ok "qasm2: $1: distribution equals OpenQASM 3's to 1e-12"
    else
        cat "$tmp/q2_err" >> "$tmp/q2_diff"; bad "qasm2: $1: distribution equals OpenQASM 3's to 1e-12" "$tmp/q2_diff"
    fi
    "$QGDC" qasm --flat -o "$tmp/q2_f2.qasm" "$2" && "$QGDC" qasm --flat -o "$tmp/q2_f3.qasm" "$3" &&
        "$QGDC" count --json --no-physical "$tmp/q2_f2.qasm" > "$tmp/q2_c2" 2>&1 &&
        "$QGDC" count --json --no-physical "$tmp/q2_f3.qasm" > "$tmp/q2_c3" 2>&1
    if [ -s "$tmp/q2_c2" ] && diff "$tmp/q2_c2" "$tmp/q2_c3" > "$tmp/q2_diff"; then
        ok "qasm2: $1: counts of the flat output equal OpenQASM 3's"
    else
        bad "qasm2: $1: counts of the flat output equal OpenQASM 3's" "$tmp/q2_diff"
    fi
}

cat > "$tmp/bell3.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
h q[0];
cx q[0], q[1];
barrier q[0], q[1];
c = measure q;
EOF
q2_same bell "$q2/bell.qasm" "$tmp/bell3.qasm"

cat > "$tmp/ghz3.qasm" <<'EOF'
OPENQASM 3;
include "stdgates.inc";
qubit[5] q;
bit[5] meas;
h q[0];
for int i in [0:3] { cx q[i], q[i + 1]; }
barrier q;
meas = measure q;
EOF
q2_same ghz5 "$q2/ghz5.qasm" "$tmp/ghz3.qasm"

# qelib1.inc's cu3 is ctrl @ U (no phase on the control: OpenQASM 3's u3
# has gphase(−(φ+λ)/2)), its rz is u1, its rzz cx; u1; cx; sxdg is inv @ sx
cat > "$tmp/rot3.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[3] c;
u3(0.3, 0.2, 0.1) q[0];
u2(0.5, -0.7) q[1];
u1(pi / 8) q[2];
h q[2];
cp(pi / 4) q[0], q[2];
ctrl @ U(1.1, 0.4, -0.9) q[1], q[0];
rx(0.7) q[1];
ry(-0.4) q[2];
u1(1.3) q[0]; // qelib1.inc: gate rz(phi) a { u1(phi) a; }
crz(0.6) q[2], q[1];
cry(0.9) q[0], q[1];
crx(-1.2) q[1], q[2];
ch q[0], q[1];
sx q[2];
inv @ sx q[0];
h q[0]; h q[2]; cx q[0], q[2]; rz(0.8) q[2]; cx q[0], q[2]; h q[0]; h q[2];
cx q[1], q[2]; u1(0.45) q[2]; cx q[1], q[2]; // qelib1.inc's rzz
cswap q[0], q[1], q[2];
U(0.2, 0.3, 0.4) q[1];
cx q[1], q[0];
cu(0.5, 0.6, 0.7, 0.8) q[2], q[0];
p(-0.25) q[1];
cp(0.35) q[1], q[2];
c = measure q;
EOF
q2_same rotations "$q2/rotations.qasm" "$tmp/rot3.qasm"

cat > "$tmp/qft3.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
gate cphase_(lam) a, b { p(lam / 2) a; cx a, b; p(-lam / 2) b; cx a, b; p(lam / 2) b; }
gate myswap a, b { cx a, b; cx b, a; cx a, b; }
qubit[4] q;
bit[4] c;
x q[0];
ry(0.9) q[2];
h q[3];
cphase_(pi / 2) q[2], q[3];
cphase_(pi / 4) q[1], q[3];
cphase_(pi / 8) q[0], q[3];
h q[2];
cp(pi / 2) q[1], q[2];
cp(pi / 4) q[0], q[2];
h q[1];
cp(pi / 2) q[0], q[1];
h q[0];
myswap q[0], q[3];
swap q[1], q[2];
barrier q;
c = measure q;
EOF
q2_same qft4 "$q2/qft4.qasm" "$tmp/qft3.qasm"

# if (c == 1) with c[0] = 1, c[1] = 0: only the first if fires, every shot
expect_rc "qasm2: if (creg == k) program runs" 0 "$QGDC" sim "$q2/if_creg.qasm"
if grep -q "^  0101  *1000$" "$tmp/cli_out"; then ok "qasm2: if (c == 1) fires when c[0] = 1 (c[0] least significant)"
else bad "qasm2: if (c == 1) fires when c[0] = 1 (c[0] least significant)" "$tmp/cli_out"; fi
# teleportation: c2 is 1 with probability sin^2(0.15) = 0.0223 in every
# branch of the corrections; 20000 shots: 446 expected, sd 21
expect_rc "qasm2: teleportation with if (c0 == 1), if (c1 == 1)" 0 "$QGDC" sim --json --shots 20000 "$q2/teleport.qasm"
if awk '/"counts"/ { p = 1; next } p && /"1[01][01]"/ { gsub(/[",:]/, ""); n += $2 } END { exit !(n > 446 - 5 * 21 && n < 446 + 5 * 21) }' "$tmp/cli_out"
then ok "qasm2: teleported state measured 1 with probability sin^2(0.15)"
else bad "qasm2: teleported state measured 1 with probability sin^2(0.15)" "$tmp/cli_out"; fi

# errors of 2.0 programs, located
q2_err() { # NAME TEXT WANT
    printf '%b' "$2" > "$tmp/q2e.qasm"
    "$QGDC" count "$tmp/q2e.qasm" > "$tmp/cli_out" 2> "$tmp/cli_err"
    rc=$?
    if [ $rc -eq 1 ] && grep -qF "$tmp/q2e.qasm:$3" "$tmp/cli_err"; then ok "qasm2: $1"; else bad "qasm2: $1 (exit $rc)" "$tmp/cli_err"; fi
}
q2_err "an opaque gate used: located, with its declaration" \
    'OPENQASM 2.0;\ninclude "qelib1.inc";\nopaque g(t) a;\nqreg q[1];\ng(0.5) q[0];\n' \
    "5:1: error: gate 'g' is opaque"
if grep -qF "$tmp/q2e.qasm:3:8: note: 'g' declared opaque here" "$tmp/cli_err"; then ok "qasm2: opaque: note at the declaration"
else bad "qasm2: opaque: note at the declaration" "$tmp/cli_err"; fi
q2_err "a qelib1.inc gate without the include" 'OPENQASM 2.0;\nqreg q[1];\nh q[0];\n' \
    "3:1: error: unknown gate 'h' (it is in qelib1.inc"
q2_err "an OpenQASM 3 gate in a 2.0 program" 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\necr q[0], q[1];\n' \
    "4:1: error: unknown gate 'ecr' (an OpenQASM 3 gate"
q2_err "modifiers in a 2.0 program" 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nctrl @ x q[0], q[1];\n' \
    "4:1: error: gate modifiers"
q2_err "stdgates.inc in a 2.0 program" 'OPENQASM 2.0;\ninclude "stdgates.inc";\nqreg q[1];\n' \
    "2:9: error: 'stdgates.inc' is the OpenQASM 3 library"
q2_err "redefining a gate of the 2.0 paper's qelib1.inc" 'OPENQASM 2.0;\ninclude "qelib1.inc";\ngate cu3(a,b,c) x,y { CX x,y; }\n' \
    "3:6: error: gate 'cu3' is already defined (by qelib1.inc)"
q2_err "OpenQASM 4 refused" 'OPENQASM 4.0;\nqubit q;\n' "1:10: error: OpenQASM 4 is not supported"
# a gate Qiskit added to qelib1.inc later may be defined by the program (it wins)
printf 'OPENQASM 2.0;\ninclude "qelib1.inc";\ngate rzz(t) a,b { x b; }\nqreg q[2];\ncreg c[2];\nrzz(0.3) q[0],q[1];\nmeasure q -> c;\n' > "$tmp/q2own.qasm"
expect_rc "qasm2: a program's own rzz" 0 "$QGDC" sim "$tmp/q2own.qasm"
if grep -q "^  10  *1  *1000$" "$tmp/cli_out"; then ok "qasm2: a program's own rzz wins over qelib1.inc's"
else bad "qasm2: a program's own rzz wins over qelib1.inc's" "$tmp/cli_out"; fi

# OpenQASM 3: include with single quotes; 'opaque' still refused
printf "OPENQASM 3.0;\ninclude 'stdgates.inc';\nqubit q;\nbit c;\nx q;\nc = measure q;\n" > "$tmp/sq.qasm"
expect_rc "qasm: include 'stdgates.inc' (single quotes)" 0 "$QGDC" sim "$tmp/sq.qasm"
printf 'OPENQASM 3.0;\nopaque g a;\n' > "$tmp/op3.qasm"
expect_rc "qasm: opaque refused in OpenQASM 3" 1 "$QGDC" count "$tmp/op3.qasm"
if grep -qF "$tmp/op3.qasm:2:1: error: opaque gates are not supported" "$tmp/cli_err"; then ok "qasm: opaque in OpenQASM 3: located"
else bad "qasm: opaque in OpenQASM 3: located" "$tmp/cli_err"; fi
