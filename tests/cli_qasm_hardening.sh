# cli_qasm_hardening.sh — sourced by run_golden.sh: the OpenQASM reader on
# hostile input. Every tests/fuzz/regressions/*.qasm ends (count, sim, qasm
# --flat) with exit 0 or 1 within its time; integers are exact; distinct
# calls are interned (linear time); nested loops meet the unroll limit at
# once; a syntax error quotes its token; a post-selection comment that names
# another qubit is reported.

# the fuzzer's findings: exit 0 or 1, never a crash, an ICE or a timeout
for f in tests/fuzz/regressions/*.qasm; do
    [ -e "$f" ] || continue
    for c in count sim "qasm --flat"; do
        QGDC_MEM_LIMIT=256M timeout 20 "$QGDC" $c "$f" > "$tmp/qh_out" 2>&1
        rc=$?
        if [ $rc -eq 0 ] || [ $rc -eq 1 ]; then ok "$f ($c, fuzz regression)"; else bad "$f ($c, fuzz regression): exit status $rc" "$tmp/qh_out"; fi
    done
done

# pow(2^53 + 1) @ x is x: the measured bit is 1 (was 0, the identity)
printf 'OPENQASM 3;\ninclude "stdgates.inc";\nqubit q;\nbit c;\npow(9007199254740993) @ x q;\nc = measure q;\n' > "$tmp/pow53.qasm"
expect_rc "qasm: pow(2^53 + 1) @ x" 0 "$QGDC" sim "$tmp/pow53.qasm"
if grep -q "^  1  *1  *1000$" "$tmp/cli_out"; then ok "qasm: pow(2^53 + 1) @ x flips the qubit"; else bad "qasm: pow(2^53 + 1) @ x flips the qubit" "$tmp/cli_out"; fi

# 2^63 and 2^64 do not fit: located errors
printf 'OPENQASM 3;\nqubit q;\nconst int a = 9223372036854775808;\n' > "$tmp/int63.qasm"
expect_rc "qasm: 2^63 refused" 1 "$QGDC" count "$tmp/int63.qasm"
if grep -q "^$tmp/int63.qasm:3:15: error: the integer 9223372036854775808 is out of range" "$tmp/cli_err"; then
    ok "qasm: 2^63 refused at its place"; else bad "qasm: 2^63 refused at its place" "$tmp/cli_err"; fi
printf 'OPENQASM 3;\nqubit q;\nconst int a = 4611686018427387904 * 2;\n' > "$tmp/ovf.qasm"
expect_rc "qasm: integer overflow refused" 1 "$QGDC" count "$tmp/ovf.qasm"
if grep -q "^$tmp/ovf.qasm:3:15: error: integer overflow" "$tmp/cli_err"; then
    ok "qasm: integer overflow refused at its place"; else bad "qasm: integer overflow refused at its place" "$tmp/cli_err"; fi

# 100,000 calls with distinct arguments: linear (was quadratic: about 50 s)
awk 'BEGIN { print "OPENQASM 3;\ninclude \"stdgates.inc\";\ngate g(t) a { rz(t) a; }\nqubit q;";
             for (i = 0; i < 100000; i++) printf "g(%d.25) q;\n", i }' > "$tmp/calls.qasm"
expect_rc "qasm: 100k distinct calls counted (a hang guard: the time is bench/qasm_read_bench.c's)" 0 timeout 120 "$QGDC" count --no-physical "$tmp/calls.qasm"
if grep -q "rotations  *100,000" "$tmp/cli_out"; then ok "qasm: 100k distinct calls: 100,000 rotations"; else bad "qasm: 100k distinct calls: 100,000 rotations" "$tmp/cli_out"; fi

# nested constant loops: the unroll limit at once (was 14 s and 1.8 GB)
printf 'OPENQASM 3;\ninclude "stdgates.inc";\nqubit q;\nfor i in [0:100000] { for j in [0:100000] { x q; } }\n' > "$tmp/nest.qasm"
expect_rc "qasm: nested loops refused (hang guard)" 1 timeout 60 "$QGDC" count "$tmp/nest.qasm"
if grep -q "^$tmp/nest.qasm:4:1: error: the program unrolls to more than 16777216 operations" "$tmp/cli_err"; then
    ok "qasm: nested loops: the unroll limit's message"; else bad "qasm: nested loops: the unroll limit's message" "$tmp/cli_err"; fi

# a syntax error quotes the unexpected token
printf 'OPENQASM 3;\ninclude "stdgates.inc";\nqubit[2] q;\ncx q[0] q[1];\n' > "$tmp/syn.qasm"
expect_rc "qasm: syntax error" 1 "$QGDC" count "$tmp/syn.qasm"
if grep -q "^$tmp/syn.qasm:4:9: error: syntax error: unexpected name 'q'; expected ';' or ','$" "$tmp/cli_err"; then
    ok "qasm: a syntax error quotes the token"; else bad "qasm: a syntax error quotes the token" "$tmp/cli_err"; fi

# a post-selection comment naming another qubit than the one measured: reported, the run goes on
sed 's/keeps the branch q\[2\] == 0/keeps the branch q[1] == 0/' tests/interop/circuits/postselect.qasm > "$tmp/ps.qasm"
expect_rc "qasm: post-selection comment on another qubit" 0 "$QGDC" sim "$tmp/ps.qasm"
if grep -q "^$tmp/ps.qasm:25:1: .*warning: the post-selection comment names q\[1\], but this measurement measures q\[2\]" "$tmp/cli_err"; then
    ok "qasm: post-selection comment on another qubit: warned"; else bad "qasm: post-selection comment on another qubit: warned" "$tmp/cli_err"; fi
expect_rc "qasm: post-selection comment on its qubit" 0 "$QGDC" sim tests/interop/circuits/postselect.qasm
if [ -s "$tmp/cli_err" ]; then bad "qasm: post-selection comment on its qubit: no warning" "$tmp/cli_err"; else ok "qasm: post-selection comment on its qubit: no warning"; fi
