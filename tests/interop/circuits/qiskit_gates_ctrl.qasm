// The QDK's additional gates under ctrl @, negctrl @, inv @ and pow(k) @,
// where their global phase matters: each controlled by q[0] in |+> and read
// out through h on q[0] at the end. Angles are kept in (0, 2 pi), where the
// QDK's angle type (which reduces every angle modulo 2 pi before the gate
// sees it) does not change the phase. Compared with qgdc's simulation by the
// interop test, as qiskit_gates.qasm.
OPENQASM 3.0;
include "stdgates.inc";
qubit[6] q;
bit[6] c;
h q;
ry(0.9) q[1];
ctrl @ rxx(0.7) q[0], q[1], q[2];
ctrl @ ryy(1.1) q[0], q[2], q[3];
negctrl @ rzz(0.4) q[0], q[3], q[4];
ctrl @ ecr q[0], q[4], q[5];
ctrl @ dcx q[0], q[1], q[3];
ctrl @ cs q[0], q[2], q[1];
inv @ ctrl @ csdg q[0], q[5], q[2];
ctrl @ sxdg q[0], q[3];
ctrl @ ccz q[0], q[1], q[2], q[3];
ctrl @ c3x q[0], q[2], q[3], q[4], q[5];
negctrl @ c3sqrtx q[0], q[1], q[2], q[3], q[4];
ctrl @ cu1(0.6) q[0], q[4], q[1];
pow(2) @ ctrl @ rxx(0.5) q[0], q[2], q[5];
inv @ ctrl @ xx_minus_yy(0.7, 0.4) q[0], q[1], q[4];
h q;
c = measure q;
