// The gates the QDK's standard library adds to stdgates.inc (Qiskit's
// standard gates), which qgdc's reader expands into its own gates: every one
// once, uncontrolled, on an entangled 6-qubit state, then mixed again so
// that phases show in the measured distribution. No expect-probs: the
// interop test compares this file's distribution in the QDK with qgdc's
// simulation of it, and of its `qgdc qasm` and `qgdc qasm --flat` output.
// (csx and xx_plus_yy, and rzx under ctrl, differ in the QDK: see
// unsupported/.)
OPENQASM 3.0;
include "stdgates.inc";
qubit[6] q;
bit[6] c;
h q;
ry(0.4) q[0];
rxx(0.7) q[0], q[1];
ryy(1.1) q[1], q[2];
rzz(0.4) q[2], q[3];
rzx(0.9) q[3], q[4];
ecr q[4], q[5];
dcx q[0], q[2];
r(0.8, 0.3) q[1];
cs q[3], q[0];
csdg q[1], q[4];
sxdg q[5];
ccz q[0], q[1], q[2];
c3x q[0], q[1], q[2], q[3];
c3sqrtx q[2], q[3], q[4], q[5];
cu1(0.6) q[4], q[1];
cu3(0.5, 0.2, 0.9) q[5], q[0];
xx_minus_yy(0.7, 0.4) q[2], q[4];
rzx(-0.6) q[5], q[0];
h q;
rx(0.3) q[2];
c = measure q;
