# cli_qasm2_out.sh — sourced by run_golden.sh: `qgdc qasm --version 2`
# (OpenQASM 2.0 output). Every circuit of tests/interop/circuits/*.qasm and
# circuits/qasm2/*.qasm is written as 2.0, checked to be 2.0 (header, qreg/
# creg, qelib1.inc names, no OpenQASM 3 construct) and read back by qgdc:
# the exact distributions of `qgdc sim` (and the post-selection
# probability) equal the source's to 1e-12. Then the refusals (conditions
# that are not a whole register), names 2.0 cannot take, reals, the
# --version argument, and `compile --qasm-version 2`.

o2_dir=tests/interop/circuits

# o2_probs FILE: "bits value" lines of `qgdc sim --json --shots 0`, then
# "postselect P" when the circuit post-selects
o2_probs() {
    "$QGDC" sim --json --shots 0 "$1" | awk '
        /"postselection_probability"/ { gsub(/[",:]/, ""); ps = $2 }
        /"probabilities"/ { p = 1; next } p && /}/ { p = 0 } p { gsub(/[",:]/, ""); print $1, $2 }
        END { if (ps != "") print "postselect", ps }'
}

# o2_same NAME FILE_A FILE_B: equal distributions to 1e-12 (every outcome of either)
o2_same() {
    o2_probs "$2" > "$tmp/o2_a" 2> "$tmp/o2_err" && o2_probs "$3" > "$tmp/o2_b" 2>> "$tmp/o2_err"
    if [ -s "$tmp/o2_a" ] && [ -s "$tmp/o2_b" ] &&
        awk 'FNR == NR { a[$1] = $2; next } { b[$1] = $2 }
             END { for (k in a) if (!(k in b)) b[k] = 0; for (k in b) { if (!(k in a)) a[k] = 0; d = a[k] - b[k]; if (d < 0) d = -d;
                   if (d > 1e-12) { print "differs at " k ": " a[k] " vs " b[k]; bad = 1 } } exit bad }' \
            "$tmp/o2_a" "$tmp/o2_b" > "$tmp/o2_diff"; then
        ok "qasm --version 2: $1: read back, distribution equals the source's to 1e-12"
    else
        cat "$tmp/o2_err" >> "$tmp/o2_diff"
        bad "qasm --version 2: $1: read back, distribution equals the source's to 1e-12" "$tmp/o2_diff"
    fi
}

# o2_is2 NAME FILE: OpenQASM 2.0 only: the header, qreg/creg, no OpenQASM 3 construct
o2_is2() {
    if [ "$(sed -n 1,2p "$2")" = 'OPENQASM 2.0;
include "qelib1.inc";' ] && grep -q '^qreg ' "$2" &&
        ! grep -Eq '(^|[^a-z_])(ctrl|negctrl|inv|pow|gphase|qubit|bit|gate|p|U|cp|cu)[(@ []|= measure|stdgates' "$2"; then
        ok "qasm --version 2: $1: OpenQASM 2.0 (header, qreg/creg, qelib1.inc gates only)"
    else
        bad "qasm --version 2: $1: OpenQASM 2.0 (header, qreg/creg, qelib1.inc gates only)" "$2"
    fi
}

o2_n=0
for f in "$o2_dir"/*.qasm "$o2_dir"/qasm2/*.qasm; do
    name=${f#"$o2_dir"/}
    if "$QGDC" qasm --version 2 -o "$tmp/o2_out.qasm" "$f" 2> "$tmp/o2_emit_err"; then
        o2_is2 "$name" "$tmp/o2_out.qasm"
        o2_same "$name" "$f" "$tmp/o2_out.qasm"
        o2_n=$((o2_n + 1))
    else
        bad "qasm --version 2: $name: written" "$tmp/o2_emit_err"
    fi
done
if [ "$o2_n" -ge 24 ]; then ok "qasm --version 2: $o2_n interop circuits written and read back"
else bad "qasm --version 2: only $o2_n interop circuits written"; fi

# o2_rc NAME WANT CMD...: exit status WANT; stderr in $tmp/o2_err
o2_rc() {
    o2_name=$1; o2_want=$2; shift 2
    "$@" > "$tmp/o2_stdout" 2> "$tmp/o2_err"
    o2_got=$?
    if [ "$o2_got" -eq "$o2_want" ]; then ok "qasm --version 2: $o2_name"
    else bad "qasm --version 2: $o2_name: exit $o2_got, expected $o2_want" "$tmp/o2_err"; fi
}

# a condition on one bit of a 3-bit register: 2.0's if compares whole registers
cat > "$tmp/o2_partial.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[3] c;
h q[0];
c[1] = measure q[0];
if (c[1] == 1) x q[1];
c[0] = measure q[1];
EOF
o2_rc "a condition on one bit of a register is refused" 1 "$QGDC" qasm --version 2 -o "$tmp/o2_p.qasm" "$tmp/o2_partial.qasm"
if grep -q "cannot write the condition if (c\[1\] == 1): it tests 1 of the 3 bits of register c" "$tmp/o2_err" && [ ! -e "$tmp/o2_p.qasm" ]; then
    ok "qasm --version 2: the refusal names the condition, no output file"
else bad "qasm --version 2: the refusal names the condition, no output file" "$tmp/o2_err"; fi

# nested conditions on two registers
cat > "$tmp/o2_two.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[1] a;
bit[1] b;
h q[0];
h q[1];
a[0] = measure q[0];
b[0] = measure q[1];
if (a[0] == 1) { if (b[0] == 1) { x q[2]; } }
EOF
o2_rc "a condition over two registers is refused" 1 "$QGDC" qasm --version 2 "$tmp/o2_two.qasm"
if grep -q "cannot write the condition on a\[0\] and b\[0\] (bits of two registers)" "$tmp/o2_err" && [ ! -s "$tmp/o2_stdout" ]; then
    ok "qasm --version 2: the two-register refusal names both bits, nothing on stdout"
else bad "qasm --version 2: the two-register refusal names both bits, nothing on stdout" "$tmp/o2_err"; fi

# a whole register, written bit by bit in OpenQASM 3: one if (c == 5); p is u1;
# names 2.0 cannot take; a real in exponent form keeps a decimal point
cat > "$tmp/o2_whole.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] Q;
qubit[1] u1;
bit[3] c;
x Q[0];
h Q[1];
x Q[2];
p(0.25) Q[1];
rz(1e-05) u1[0];
h Q[1];
c = measure Q;
if (c == 5) x u1[0];
bit[1] r;
r[0] = measure u1[0];
EOF
o2_rc "a condition on a whole register is written" 0 "$QGDC" qasm --version 2 -o "$tmp/o2_w.qasm" "$tmp/o2_whole.qasm"
if grep -q '^if (c == 5) x u1_\[0\];$' "$tmp/o2_w.qasm" && grep -q '^qreg rQ\[3\];$' "$tmp/o2_w.qasm" &&
    grep -q '^qreg u1_\[1\];$' "$tmp/o2_w.qasm" && grep -q '^u1(0\.25) rQ\[1\];$' "$tmp/o2_w.qasm" &&
    grep -q '^rz(1\.0e-05) u1_\[0\];$' "$tmp/o2_w.qasm" && grep -q '^measure rQ\[0\] -> c\[0\];$' "$tmp/o2_w.qasm"; then
    ok "qasm --version 2: if (c == 5), p as u1, renamed registers, 1.0e-05"
else bad "qasm --version 2: if (c == 5), p as u1, renamed registers, 1.0e-05" "$tmp/o2_w.qasm"; fi
o2_is2 "whole-register condition" "$tmp/o2_w.qasm"
o2_same "whole-register condition" "$tmp/o2_whole.qasm" "$tmp/o2_w.qasm"

# post-selection: a commented measurement qgdc reads back, and a note
o2_rc "post-selection written with a note" 0 "$QGDC" qasm --version 2 -o "$tmp/o2_ps.qasm" "$o2_dir/postselect.qasm"
if grep -q "OpenQASM 2.0 has no post-selection: 1 post-selected qubit is written as a measurement into register ps" "$tmp/o2_err" &&
    grep -q '^creg ps\[1\];' "$tmp/o2_ps.qasm"; then ok "qasm --version 2: post-selection note and ps register"
else bad "qasm --version 2: post-selection note and ps register" "$tmp/o2_err"; fi

o2_rc "--version 4 is a usage error" 2 "$QGDC" qasm --version 4 "$o2_dir/bell.qasm"
o2_rc "--version 3 is the default output" 0 "$QGDC" qasm --version 3 -o "$tmp/o2_v3.qasm" "$o2_dir/qft5.qasm"
"$QGDC" qasm -o "$tmp/o2_v3d.qasm" "$o2_dir/qft5.qasm"
if cmp -s "$tmp/o2_v3.qasm" "$tmp/o2_v3d.qasm"; then ok "qasm --version 3: byte-identical to the default"
else bad "qasm --version 3: byte-identical to the default"; fi

# compile --qasm-version 2: the solver circuit, read back equal to its OpenQASM 3
o2_rc "compile --qasm-version 2" 0 "$QGDC" compile --qasm-version 2 -o "$tmp/o2_c2.qasm" --report "$tmp/o2_rep" examples/tiny1.qgd
"$QGDC" compile -o "$tmp/o2_c3.qasm" --report "$tmp/o2_rep3" examples/tiny1.qgd
o2_is2 "compile tiny1" "$tmp/o2_c2.qasm"
o2_same "compile tiny1 (post-selections)" "$tmp/o2_c3.qasm" "$tmp/o2_c2.qasm"
o2_rc "compile --qasm-version 1 is a usage error" 2 "$QGDC" compile --qasm-version 1 examples/tiny1.qgd
