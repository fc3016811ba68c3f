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
