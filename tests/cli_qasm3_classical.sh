# cli_qasm3_classical.sh — sourced by run_golden.sh: the classical part of
# OpenQASM 3 (docs/circuits.md, "Classical variables, while, def, let"):
# variables and compound assignment, while, break/continue, def
# subroutines, let aliases and physical qubits, run by `qgdc sim` and
# `qgdc count` and compared with hand-computed distributions and counts;
# and the located errors for what depends on measurements.

# c3_probs FILE: "bits value" lines of `qgdc sim --json` (exact mode)
c3_probs() {
    "$QGDC" sim --json --shots 0 "$1" | awk '/"probabilities"/ { p = 1; next } p && /}/ { p = 0 } p { gsub(/[",:]/, ""); print $1, $2 }'
}

# c3_expect NAME FILE "bits p bits p ...": the exact distribution is exactly
# these outcomes, each to 1e-12
c3_expect() {
    name=$1 f=$2 want=$3
    c3_probs "$f" > "$tmp/c3_got" 2> "$tmp/c3_err"
    echo "$want" | tr ' ' '\n' | paste - - -d' ' > "$tmp/c3_want"
    if [ -s "$tmp/c3_got" ] && awk 'FNR == NR { a[$1] = $2; next } { b[$1] = $2 }
            END { for (k in a) if (!(k in b)) b[k] = 0; for (k in b) { if (!(k in a)) a[k] = 0; d = a[k] - b[k]; if (d < 0) d = -d;
                  if (d > 1e-12) { print "differs at " k ": want " a[k] ", got " b[k]; bad = 1 } } exit bad }' \
            "$tmp/c3_want" "$tmp/c3_got" > "$tmp/c3_diff"; then
        ok "qasm3 classical: $name"
    else
        cat "$tmp/c3_err" "$tmp/c3_got" >> "$tmp/c3_diff"; bad "qasm3 classical: $name" "$tmp/c3_diff"
    fi
}

# c3_err NAME FILE PATTERN: exit 1 and PATTERN (grep -F) on stderr, in time
c3_err() {
    name=$1 f=$2 pat=$3
    timeout 60 "$QGDC" sim --shots 0 "$f" > "$tmp/c3_out" 2> "$tmp/c3_err"
    rc=$?
    if [ "$rc" = 1 ] && grep -Fq -- "$pat" "$tmp/c3_err"; then
        ok "qasm3 classical: $name"
    else
        echo "rc=$rc" >> "$tmp/c3_err"; bad "qasm3 classical: $name" "$tmp/c3_err"
    fi
}

# ---- variables, compound assignment, while, for with continue ----
# n: 0, += 2, *= 3, then while (n > 3) n -= 1: 3; x on q[0], q[2] (i = 1
# skipped); w = 3 + 2 = 5 in uint[4], flip true: ry(pi/3) q[1], P(1) = 1/4
c3_expect "variables, while, continue (interop classical_vars)" tests/interop/circuits/classical_vars.qasm "101 0.75 111 0.25"
cat > "$tmp/c3_wrap.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
uint[2] w = 3;
w += 2;
int[3] s = 3;
s += 1;
angle a = 2 * pi;
a += pi / 2;
if (w == 1) x q[0];
if (s == -4) ry(a) q[1];
c = measure q;
EOF
# uint[2]: 5 is 1; int[3]: 4 is -4; angle: 5 pi / 2 is pi / 2: P(q[1] = 1) = 1/2
c3_expect "int[n] and uint[n] wrap, angle modulo 2 pi" "$tmp/c3_wrap.qasm" "01 0.5 11 0.5"
cat > "$tmp/c3_loops.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[3] c;
int k = 0;
while (true) {
  k += 1;
  if (k == 2) continue;
  if (k > 3) break;
  x q[k - 1];
}
for int i in [0:1000000000000] {
  if (i * i >= 4) break;
  h q[1];
}
c = measure q;
EOF
# x on q[0] (k = 1) and q[2] (k = 3); h twice on q[1] (i = 0, 1): 101
c3_expect "while (true) with break and continue; a huge for that breaks early" "$tmp/c3_loops.qasm" "101 1"

# ---- arrays ----
# h on q[3], q[0], q[2]; x, ry(2) on q[1]: P(c[1] = 1) = cos^2(1)
c3_arr=""
for k in 0000 0001 0010 0011 0100 0101 0110 0111 1000 1001 1010 1011 1100 1101 1110 1111; do
    case $k in ??1?) p=0.036490822715803598 ;; *) p=0.088509177284196402 ;; esac
    c3_arr="$c3_arr $k $p"
done
c3_expect "arrays: values, element assignment, sizeof, for over an array (interop arrays)" tests/interop/circuits/arrays.qasm "${c3_arr# }"

# ---- bits of integer variables; bits, let and index sets in a loop body ----
cat > "$tmp/c3_adder.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
gate maj x, y, z { cx z, y; cx z, x; ccx x, y, z; }
gate uma x, y, z { ccx x, y, z; cx z, x; cx x, y; }
qubit cin;
qubit[4] a;
qubit[4] b;
qubit cout;
bit[5] sum;
uint[4] a_in = 3;
uint[4] b_in = 4;
b_in[0] = 1;
for int i in [0:3] {
  if (bool(a_in[i])) x a[i];
  if (b_in[i] == 1) x b[i];
}
maj cin, b[0], a[0];
for int i in [0:2] { maj a[i], b[i + 1], a[i + 1]; }
cx a[3], cout;
for int i in [2:-1:0] { uma a[i], b[i + 1], a[i + 1]; }
uma cin, b[0], a[0];
measure b -> sum[0:3];
measure cout -> sum[4];
EOF
# 3 + 5 (b_in 4 with its bit 0 set) = 8 = 01000
c3_expect "bits of uint variables read and written: ripple-carry adder 3 + 5 = 8" "$tmp/c3_adder.qasm" "01000 1"
cat > "$tmp/c3_pairs.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
def bellprep(qubit[2] p) {
  h p[0];
  cx p[0], p[1];
}
qubit[6] q;
bit[6] c;
for int i in [0:2] {
  let pair = q[{2 * i, 2 * i + 1}];
  bit[2] m;
  bellprep pair;
  m[0] = measure pair[0];
  if (m[0]) x pair[1];
}
c = measure q;
EOF
# each pair: a Bell pair, its first qubit measured, the second flipped to
# |0> when it read 1: c[2i+1] = 0 and c[2i] uniform; m is one register
"$QGDC" qasm "$tmp/c3_pairs.qasm" > "$tmp/c3_out" 2> "$tmp/c3_err" &&
    "$QGDC" sim --json --shots 600 --seed 5 "$tmp/c3_pairs.qasm" > "$tmp/c3_sim" 2>> "$tmp/c3_err"
if [ $? = 0 ] && [ "$(grep -c '^bit\[2\] m;' "$tmp/c3_out")" = 1 ] && [ "$(grep -c 'm\[0\] = measure' "$tmp/c3_out")" = 3 ] &&
        awk '/"counts"/ { p = 1; next } p && /}/ { p = 0 } p { gsub(/[",:]/, ""); n++; s += $2; if ($1 !~ /^..0.0.0.$/) bad = 1 }
             END { exit !(n == 8 && s == 600 && !bad) }' "$tmp/c3_sim"; then
    ok "qasm3 classical: a bit register and a let with an index set in a loop body, a subroutine called gate-style"
else
    cat "$tmp/c3_out" "$tmp/c3_sim" >> "$tmp/c3_err"; bad "qasm3 classical: a bit register and a let in a loop body" "$tmp/c3_err"
fi

# ---- def subroutines ----
# Bell pair of q[0], q[1], then X-basis measurement of q[0]: c[1]c[0]
# uniform; ry(pi/4) q[2]: P(c[2] = 1) = sin^2(pi/8) = 0.146446609406726
c3_expect "def: qubit arguments, classical and bit results (interop subroutines)" tests/interop/circuits/subroutines.qasm \
    "000 0.21338834764831843 001 0.21338834764831843 010 0.21338834764831843 011 0.21338834764831843 100 0.036611652351681559 101 0.036611652351681559 110 0.036611652351681559 111 0.036611652351681559"
cat > "$tmp/c3_teleport.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
def bell(qubit a, qubit b) {
  h a;
  cx a, b;
}
def fix(qubit t, bit zb, bit xb) {
  if (xb) x t;
  if (zb) z t;
}
qubit[3] q;
bit[2] m;
bit r;
x q[0];
bell(q[1], q[2]);
cx q[0], q[1];
h q[0];
m[0] = measure q[0];
m[1] = measure q[1];
fix(q[2], m[0], m[1]);
r = measure q[2];
EOF
# teleportation of |1> with the corrections in a subroutine, at run time:
# r is 1 in every shot; m is uniform
"$QGDC" sim --json --shots 400 --seed 3 "$tmp/c3_teleport.qasm" > "$tmp/c3_out" 2> "$tmp/c3_err"
if [ $? = 0 ] && awk '/"counts"/ { p = 1; next } p && /}/ { p = 0 } p { gsub(/[",:]/, ""); n++; s += $2; if ($1 !~ /^1/) bad = 1 }
        END { exit !(n == 4 && s == 400 && !bad) }' "$tmp/c3_out"; then
    ok "qasm3 classical: def with bit arguments: teleported |1> reads 1 in 400 of 400 shots, m takes its 4 values"
else
    cat "$tmp/c3_out" >> "$tmp/c3_err"; bad "qasm3 classical: def with bit arguments: teleported |1> reads 1 in 400 of 400 shots" "$tmp/c3_err"
fi
cat > "$tmp/c3_count.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
def layer(qubit[3] r, float t) {
  for int i in [0:2] rx(t) r[i];
  cx r[0], r[1];
  cx r[1], r[2];
}
def steps(int n) -> int {
  if (n <= 1) return 1;
  return 2 * steps(n - 1);
}
qubit[3] q;
bit[3] c;
int done = 0;
while (done < steps(3)) {
  layer(q, 0.1 * (done + 1));
  done += 1;
}
c = measure q;
EOF
# steps(3) = 4 layers: 12 rotations (rx 0.1 … 0.4), 8 cx, 3 measurements
"$QGDC" count --json --no-physical "$tmp/c3_count.qasm" > "$tmp/c3_out" 2> "$tmp/c3_err"
if [ $? = 0 ] && grep -q '"rotationCount": 12,' "$tmp/c3_out" && grep -q '"cx": 8,' "$tmp/c3_out" &&
        grep -q '"rx": 12,' "$tmp/c3_out" && grep -q '"measurementCount": 3,' "$tmp/c3_out"; then
    ok "qasm3 classical: count: a def called in a while, bounded by a recursive def: 12 rotations, 8 cx"
else
    cat "$tmp/c3_out" >> "$tmp/c3_err"; bad "qasm3 classical: count: a def called in a while: 12 rotations, 8 cx" "$tmp/c3_err"
fi

# ---- let aliases and physical qubits ----
# GHZ of q ++ r through the alias, then x on r[1]: 0111 or 1000
c3_expect "let: concatenation and slices (interop let_alias)" tests/interop/circuits/let_alias.qasm "0111 0.5 1000 0.5"
cat > "$tmp/c3_phys.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
bit[3] c;
h $0;
cx $0, $1;
cx $1, $3;
c[0] = measure $0;
c[1] = measure $1;
c[2] = measure $3;
EOF
c3_expect "physical qubits \$0 \$1 \$3: GHZ" "$tmp/c3_phys.qasm" "000 0.5 111 0.5"
"$QGDC" qasm "$tmp/c3_phys.qasm" > "$tmp/c3_out" 2> "$tmp/c3_err"
if [ $? = 0 ] && grep -qx 'qubit\[4\] phys;' "$tmp/c3_out" && grep -qx 'cx phys\[1\], phys\[3\];' "$tmp/c3_out"; then
    ok "qasm3 classical: physical qubits are written as a register phys[4]"
else
    cat "$tmp/c3_out" >> "$tmp/c3_err"; bad "qasm3 classical: physical qubits are written as a register phys[4]" "$tmp/c3_err"
fi

# ---- what depends on measurements: located errors, never a hang ----
cat > "$tmp/c3_rus.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
qubit q;
qubit a;
bit b;
b = measure a;
while (b == 1) {
  h a;
  b = measure a;
}
EOF
c3_err "a while on a measured bit: located error" "$tmp/c3_rus.qasm" \
    "c3_rus.qasm:7:8: error: this 'while' condition depends on measurement results ('b'), known only when the circuit runs"
cat > "$tmp/c3_forever.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
qubit q;
int n = 1;
while (n != 0) {
  n += 2;
}
EOF
c3_err "a while that never ends: stopped at 2^20 iterations, located" "$tmp/c3_forever.qasm" \
    "c3_forever.qasm:5:1: error: this 'while' loop has run 1048576 times and its condition still holds"
cat > "$tmp/c3_runtime_var.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
qubit q;
bit b;
int k = 0;
b = measure q;
if (b) k += 1;
EOF
c3_err "a variable assigned under a measured bit: located error" "$tmp/c3_runtime_var.qasm" \
    "c3_runtime_var.qasm:7:10: error: assigning 'k' under a condition on measurement results (b) is not supported"
cat > "$tmp/c3_retbits.qasm" <<'EOF'
OPENQASM 3.0;
include "stdgates.inc";
def m(qubit t) -> bit { return measure t; }
qubit q;
float x = 1;
x = m(q);
EOF
c3_err "bits of a subroutine used as a value: located error" "$tmp/c3_retbits.qasm" \
    "c3_retbits.qasm:6:5: error: subroutine 'm' returns bits (measurement results), known only when the circuit runs"
