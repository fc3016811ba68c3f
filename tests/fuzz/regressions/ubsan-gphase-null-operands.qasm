// ubsan: an uncontrolled gphase has no qubits, and lowering it (count,
// qasm --flat) computed q + nctrl on its null operand list: "applying zero
// offset to null pointer" at src/codegen/lower.c:405 under clang's UBSan
// (gcc's does not report it). Found by the qasm fuzzer seeded from
// tests/interop/circuits.
OPENQASM 3;
gphase(pi);
gphase(-pi / 2);
