// The QDK reads `if (c == k)` with c[0] as the most significant bit of k;
// the OpenQASM 3 specification (and qgdc, and OpenQASM 2.0 with Qiskit)
// make c[0] the least significant. Here c[0] = 1 and c[1] = 0, so c == 1
// by the specification and x q[1] runs (c[1] reads 1, keys "11"); the QDK
// reads c as 2, skips it, and c[1] reads 0. Keys: c[0] leftmost.
// expect-probs: {"10": 1.0}
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
x q[0];
c[0] = measure q[0];
if (c == 1) x q[1];
c[1] = measure q[1];
