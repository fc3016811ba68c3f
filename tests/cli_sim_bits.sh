# cli_sim_bits.sh — sourced by run_golden.sh: `qgdc sim` of circuits that
# declare more than 24 classical bits (Qiskit-style files declare whole
# registers and measure a few bits): only the measured bits are shown, with
# a note naming them; more than 24 measured bits are refused with the
# memory the table would need. (Any file over 24 bits used to be refused.)

printf 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\nbit[32] c;\nbit[8] e;\nh q[0];\ncx q[0], q[1];\nx q[2];\nc[0] = measure q[0];\nc[1] = measure q[1];\ne[5] = measure q[2];\n' > "$tmp/sb32.qasm"
expect_rc "sim: 40 declared bits, 3 measured" 0 "$QGDC" sim --json "$tmp/sb32.qasm"
if tr -d ' \n' < "$tmp/cli_out" | grep -Eq '"bits":3,.*"probabilities":\{"100":(0\.5|0\.49999999999[0-9]*),"111":(0\.5|0\.49999999999[0-9]*)\}'; then
    ok "sim: 40 declared bits: the exact distribution of the 3 measured"; else bad "sim: 40 declared bits: the exact distribution of the 3 measured" "$tmp/cli_out"; fi
if grep -q "^qgdc sim: note: 40 classical bits, 3 of them measured: the bits shown are e\[5\] c\[1\] c\[0\] (the others read 0)$" "$tmp/cli_err"; then
    ok "sim: 40 declared bits: a note names the bits shown"; else bad "sim: 40 declared bits: a note names the bits shown" "$tmp/cli_err"; fi

# several registers, mid-circuit measurement and a condition: one run per shot
printf 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[20] a;\nbit[20] b;\nh q[0];\na[3] = measure q[0];\nif (a[3]) x q[1];\nb[19] = measure q[1];\n' > "$tmp/sb40.qasm"
expect_rc "sim: two 20-bit registers, mid-circuit" 0 "$QGDC" sim --shots 200 "$tmp/sb40.qasm"
if grep -q "^  00  *[0-9][0-9]*$" "$tmp/cli_out" && grep -q "^  11  *[0-9][0-9]*$" "$tmp/cli_out" && ! grep -q "^  01 \|^  10 " "$tmp/cli_out"; then
    ok "sim: two 20-bit registers: the measured pair agrees shot by shot"; else bad "sim: two 20-bit registers: the measured pair agrees shot by shot" "$tmp/cli_out"; fi

# 26 measured bits: refused, with the size of the table
awk 'BEGIN { print "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit q;\nbit[40] c;\nh q;"; for (i = 0; i < 26; i++) printf "c[%d] = measure q;\n", i }' > "$tmp/sb26.qasm"
expect_rc "sim: 26 measured bits refused" 1 "$QGDC" sim "$tmp/sb26.qasm"
if grep -q "^qgdc: error: the circuit measures into 26 of its 40 classical bits; qgdc sim reports distributions of at most 24 bits (2^26 values would need 1.0 GiB)$" "$tmp/cli_err"; then
    ok "sim: 26 measured bits: the message says what it would need"; else bad "sim: 26 measured bits: the message says what it would need" "$tmp/cli_err"; fi
