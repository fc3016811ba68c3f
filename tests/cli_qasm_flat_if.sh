# cli_qasm_flat_if.sh — sourced by run_golden.sh: `qgdc qasm --flat` of
# classically controlled operations. `if (c == k)` on a register of several
# bits, an if inside an if and else branches are chains of ifs; the flat
# form keeps the whole chain on every operation (it used to stop with an
# internal compiler error, "lower: nested if"). The flat circuit runs the
# same shots as the hierarchical one (same seed, same measurements in the
# same order) and counts the same.

fi_src=tests/fuzz/regressions/ice-flat-register-condition.qasm
expect_rc "qasm --flat: if on a 3-bit register, nested ifs, else" 0 "$QGDC" qasm --flat -o "$tmp/fi_flat.qasm" "$fi_src"
if grep -q "^if (c\[0\] == 1) { if (c\[1\] == 0) { if (c\[2\] == 1) {$" "$tmp/fi_flat.qasm"; then
    ok "qasm --flat: if (c == 5) is a chain of three bit tests"; else bad "qasm --flat: if (c == 5) is a chain of three bit tests" "$tmp/fi_flat.qasm"; fi
# the ctrl(2) @ g under if (c == 3): every gate of its lowering under the chain
if [ "$(grep -c "^if (c\[0\] == 1) { if (c\[1\] == 1) { if (c\[2\] == 0) {$" "$tmp/fi_flat.qasm")" -ge 8 ]; then
    ok "qasm --flat: a controlled call under if (c == 3): each gate conditioned"; else bad "qasm --flat: a controlled call under if (c == 3): each gate conditioned" "$tmp/fi_flat.qasm"; fi

# same shots, seed for seed (one run per shot)
expect_rc "qasm --flat if: sim of the source" 0 "$QGDC" sim --json --shots 4000 --seed 7 "$fi_src"
tr -d ' \n' < "$tmp/cli_out" | sed 's/.*"counts"://' > "$tmp/fi_counts_h"
expect_rc "qasm --flat if: sim of the flat form" 0 "$QGDC" sim --json --shots 4000 --seed 7 "$tmp/fi_flat.qasm"
tr -d ' \n' < "$tmp/cli_out" | sed 's/.*"counts"://' > "$tmp/fi_counts_f"
if [ -s "$tmp/fi_counts_h" ] && cmp -s "$tmp/fi_counts_h" "$tmp/fi_counts_f"; then
    ok "qasm --flat if: the same 4000 shots as the source"; else bad "qasm --flat if: the same 4000 shots as the source" "$tmp/fi_counts_f"; fi

# the counts agree (qubitsPeak: the flat form declares its ancillas; rotation depth aside:
# an upper bound on the source)
fi_keys='"qubitsPeak"\|"tCount"\|"rotationCount"\|"cczCount"\|"measurementCount"\|"cliffordCount"\|"operations"\|"conditionalsCountedAsExecuted"'
expect_rc "qasm --flat if: count of the source" 0 "$QGDC" count --json --no-physical "$fi_src"
grep "$fi_keys" "$tmp/cli_out" > "$tmp/fi_count_h"
expect_rc "qasm --flat if: count of the flat form" 0 "$QGDC" count --json --no-physical "$tmp/fi_flat.qasm"
grep "$fi_keys" "$tmp/cli_out" > "$tmp/fi_count_f"
if [ "$(wc -l < "$tmp/fi_count_h")" -eq 8 ] && cmp -s "$tmp/fi_count_h" "$tmp/fi_count_f"; then
    ok "qasm --flat if: the same logical counts"; else bad "qasm --flat if: the same logical counts" "$tmp/fi_count_f"; fi
