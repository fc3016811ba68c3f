# cli_qasm3_small.sh — sourced by run_golden.sh: constructs of OpenQASM 3
# that other tools write: timing (ignored, with one note), extern (a
# located error at the declaration and at each call), input/output
# declarations (--input name=value), bit-string constants and the casts
# int[n](c) / uint[n](c) in conditions, and the real-number arithmetic of
# gate parameters (docs/circuits.md).

# s3_probs FILE [ARGS]: "bits value" lines of `qgdc sim --json` (exact mode)
s3_probs() {
    f=$1; shift
    "$QGDC" sim --json --shots 0 "$@" "$f" | awk '/"probabilities"/ { p = 1; next } p && /}/ { p = 0 } p { gsub(/[",:]/, ""); print $1, $2 }'
}

# s3_expect NAME FILE "bits p bits p ..." [ARGS]: the exact distribution is
# exactly these outcomes, each to 1e-12
s3_expect() {
    name=$1 f=$2 want=$3; shift 3
    s3_probs "$f" "$@" > "$tmp/s3_got" 2> "$tmp/s3_err"
    echo "$want" | tr ' ' '\n' | paste - - -d' ' > "$tmp/s3_want"
    if [ -s "$tmp/s3_got" ] && awk 'FNR == NR { a[$1] = $2; next } { b[$1] = $2 }
            END { for (k in a) if (!(k in b)) b[k] = 0; for (k in b) { if (!(k in a)) a[k] = 0; d = a[k] - b[k]; if (d < 0) d = -d;
                  if (d > 1e-12) { print "differs at " k ": want " a[k] ", got " b[k]; bad = 1 } } exit bad }' \
            "$tmp/s3_want" "$tmp/s3_got" > "$tmp/s3_diff"; then
        ok "qasm3: $name"
    else
        cat "$tmp/s3_err" "$tmp/s3_got" >> "$tmp/s3_diff"; bad "qasm3: $name" "$tmp/s3_diff"
    fi
}

# s3_err NAME FILE PATTERN [ARGS]: exit 1 and PATTERN (grep -E) on stderr
s3_err() {
    name=$1 f=$2 pat=$3; shift 3
    "$QGDC" sim --shots 0 "$@" "$f" > "$tmp/s3_out" 2> "$tmp/s3_err"
    rc=$?
    if [ "$rc" = 1 ] && grep -Eq -- "$pat" "$tmp/s3_err"; then
        ok "qasm3: $name"
    else
        echo "rc=$rc" >> "$tmp/s3_err"; bad "qasm3: $name" "$tmp/s3_err"
    fi
}

# ---- timing: accepted, ignored, one located note per file ----
cat > "$tmp/s3_timing.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
duration d = 10ns;
const duration e = 2.5us;
stretch s;
h q[0];
delay[100ns] q[0];
delay[d] q;
delay[1dt] q[1];
box [20dt] {
  cx q[0], q[1];
  delay[5ms] q[0];
}
box { x q[1]; }
c = measure q;
EOF
s3_expect "timing: delay, box, duration, stretch ignored; box body runs" "$tmp/s3_timing.qasm" "01 0.5 10 0.5"
"$QGDC" sim --shots 0 "$tmp/s3_timing.qasm" > "$tmp/s3_out" 2> "$tmp/s3_err"
if [ $? = 0 ] && [ "$(grep -c 'note: timing is ignored' "$tmp/s3_err")" = 1 ] && grep -q 's3_timing.qasm:5:1: note: timing is ignored' "$tmp/s3_err"; then
    ok "qasm3: timing: one located note per file"
else
    bad "qasm3: timing: one located note per file" "$tmp/s3_err"
fi
"$QGDC" count --no-physical "$tmp/s3_timing.qasm" > "$tmp/s3_out" 2> "$tmp/s3_err"
if [ $? = 0 ] && grep -Eq 'by kind: h 1 x 1 cx 1 measure 2$' "$tmp/s3_out"; then
    ok "qasm3: timing: count ignores delay and runs the box bodies"
else
    cat "$tmp/s3_out" >> "$tmp/s3_err"; bad "qasm3: timing: count ignores delay and runs the box bodies" "$tmp/s3_err"
fi
cat > "$tmp/s3_dur.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
qubit q;
rx(10ns) q;
EOF
s3_err "timing: a duration as a gate angle is a located error" "$tmp/s3_dur.qasm" 's3_dur.qasm:4:4: error: a duration is not a number'
cat > "$tmp/s3_delayq.qasm" <<'EOF'
OPENQASM 3.0;
qubit q;
delay[10ns] r;
EOF
s3_err "timing: delay on an unknown register is a located error" "$tmp/s3_delayq.qasm" 's3_delayq.qasm:3:13: error: .*r'

# ---- extern: the declaration and each call ----
cat > "$tmp/s3_extern.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
extern get_angle(int[32]) -> angle;
qubit q;
rx(get_angle(2)) q;
EOF
s3_err "extern: declaration refused at its place" "$tmp/s3_extern.qasm" "s3_extern.qasm:3:1: error: extern functions are not supported: 'get_angle'"
s3_err "extern: its call refused at its place" "$tmp/s3_extern.qasm" "s3_extern.qasm:5:4: error: extern functions are not supported: 'get_angle'"

# ---- input: values from --input; output: bit registers ----
cat > "$tmp/s3_input.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
input float[64] theta;
input int n;
input angle a;
input bit b;
input bit[3] m;
output bit[2] c;
qubit[2] q;
ry(theta) q[0];
for int i in [1:n] { x q[1]; }
rz(a) q[0];
if (b) x q[1];
if (m[0] == 1) x q[1];
if (m[2]) x q[0];
c = measure q;
EOF
# ry(1): P(q[0] = 1) = sin^2(1/2); q[1] flipped n = 3 times, by b = 1 and by m[0] = 1 (m = "001"): 1
s3_expect "input: float, int, angle, bit and bit[3] from --input; output bit[2] reported" "$tmp/s3_input.qasm" \
    "10 0.77015115293406988 11 0.22984884706593012" --input theta=1 --input n=3 --input a=0.5 --input b=1 --input m=001
# q[1] flipped twice and by b; m[2] = 1 flips q[0]: P(q[0] = 1) = cos^2(1/2)
s3_expect "input: m = \"100\" sets m[2], not m[0]" "$tmp/s3_input.qasm" \
    "10 0.22984884706593012 11 0.77015115293406988" --input theta=-1 --input n=2 --input a=0 --input b=1 --input m=100
s3_err "input: declared but not given: located, names the flag" "$tmp/s3_input.qasm" \
    "s3_input.qasm:6:11: error: input 'b' has no value: give it on the command line with --input b=VALUE" \
    --input theta=1 --input n=3 --input a=0.5 --input m=001
s3_err "input: given but not declared: an error naming it" "$tmp/s3_input.qasm" \
    "s3_input.qasm:1:1: error: --input zz=3: the program declares no input 'zz'" \
    --input theta=1 --input n=3 --input a=0.5 --input b=0 --input m=001 --input zz=3
s3_err "input: a value of the wrong type: located" "$tmp/s3_input.qasm" \
    "s3_input.qasm:4:11: error: --input n=1.5: '1.5' is not an int" \
    --input theta=1 --input n=1.5 --input a=0.5 --input b=0 --input m=001
"$QGDC" count --input theta "$tmp/s3_input.qasm" > "$tmp/s3_out" 2> "$tmp/s3_err"
if [ $? = 2 ] && grep -q -- "--input takes NAME=VALUE" "$tmp/s3_err"; then
    ok "qasm3: --input without '=' is a usage error"
else
    bad "qasm3: --input without '=' is a usage error" "$tmp/s3_err"
fi
"$QGDC" count --no-physical --input theta=1 --input n=3 --input a=0.5 --input b=1 --input m=001 "$tmp/s3_input.qasm" > "$tmp/s3_out" 2> "$tmp/s3_err"
if [ $? = 0 ] && grep -Eq 'by kind: x 5 ry 1 rz 1 measure 2$' "$tmp/s3_out"; then
    ok "qasm3: input: count takes --input"
else
    cat "$tmp/s3_out" >> "$tmp/s3_err"; bad "qasm3: input: count takes --input" "$tmp/s3_err"
fi
"$QGDC" qasm --input theta=0.25 --input n=0 --input a=0.5 --input b=0 --input m=000 "$tmp/s3_input.qasm" > "$tmp/s3_out" 2> "$tmp/s3_err"
if [ $? = 0 ] && grep -q '^ry(0.25) q\[0\];$' "$tmp/s3_out" && ! grep -q 'input' "$tmp/s3_out"; then
    ok "qasm3: input: qasm writes the circuit with the values given"
else
    cat "$tmp/s3_out" >> "$tmp/s3_err"; bad "qasm3: input: qasm writes the circuit with the values given" "$tmp/s3_err"
fi

# ---- const bit[n] = "…" and the casts int[n](c) / uint[n](c) ----
cat > "$tmp/s3_cast.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
const bit[3] pat = "110";
qubit[6] q;
bit[3] c;
bit[3] r;
if (pat[0]) x q[0];
if (pat[1] == 1) x q[1];
if (pat[2]) x q[2];
c = measure q[0:2];
if (int[3](c) == 6) x q[3];
if (uint[3](c) == 3) x q[4];
if (int[3](c) == -2) x q[5];
r = measure q[3:5];
EOF
# pat[0] is the last character: c[2] c[1] c[0] = 1 1 0 = 6 (c[0] least
# significant); int[3](c) == 6 and == -2 hold, uint[3](c) == 3 does not
"$QGDC" sim --shots 20 "$tmp/s3_cast.qasm" > "$tmp/s3_out" 2> "$tmp/s3_err"
if [ $? = 0 ] && grep -Eq '^  101110 +20$' "$tmp/s3_out"; then
    ok "qasm3: const bit[3] = \"110\" and int[3](c) / uint[3](c) == k with c[0] least significant"
else
    cat "$tmp/s3_out" >> "$tmp/s3_err"; bad "qasm3: const bit[3] = \"110\" and int[3](c) / uint[3](c) == k with c[0] least significant" "$tmp/s3_err"
fi
cat > "$tmp/s3_cast_bad.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
const bit[4] p = "01x1";
qubit q;
bit[3] c;
c[0] = measure q;
if (uint[4](c) == 1) x q;
EOF
s3_err "const bit[4] with a bad literal: located" "$tmp/s3_cast_bad.qasm" 's3_cast_bad.qasm:3:18: error: "01x1" is not a string of 4 bits'
s3_err "uint[4](c) of a 3-bit register: located" "$tmp/s3_cast_bad.qasm" "s3_cast_bad.qasm:7:5: error: uint\[4\]\(c\): 'c' has 3 bits"

# ---- gate parameters are real numbers (docs/circuits.md, "Gate parameters") ----
# rz(-l/2) with l = pi/2 is rz(-pi/4): h; rz(-pi/4); h measures 0 with
# probability cos^2(pi/8). Angle arithmetic modulo 2 pi (the QDK's: -l is
# 3 pi/2, (-l)/2 is 3 pi/4) would give cos^2(3 pi/8) = 0.146
# (tests/interop/circuits/unsupported/gate_param_angle.qasm).
cat > "$tmp/s3_param.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
gate g(l) a { rz(-l/2) a; }
qubit[2] q;
bit[2] c;
h q[0];
g(pi/2) q[0];
h q[0];
h q[1];
ctrl @ g(3 * pi) q[1], q[0];
h q[1];
c = measure q;
EOF
# q[0] reads 0 with probability cos^2(pi/8). ctrl @ g(3 pi) is ctrl @ rz(-3 pi/2):
# the control's |1> gains e^{3i pi/4} or e^{-3i pi/4}, so q[1] reads 0 with
# probability cos^2(3 pi/8) either way (modulo 2 pi, l = pi, rz(pi/2):
# cos^2(pi/8)). Keys c[1] c[0].
s3_expect "gate parameters: rz(-l/2) with l = pi/2 and 3 pi is real arithmetic, not modulo 2 pi" "$tmp/s3_param.qasm" \
    "00 0.12499999999999997 01 0.021446609406726235 10 0.72855339059327373 11 0.12500000000000000"
