// The QDK's rzx(theta) is `h b; cx a, b; u1(theta) b; cx a, b; h b`, which
// is e^{i theta/2} exp(-i theta/2 Z_a X_b): Qiskit's (and qgdc's) has no
// phase factor. Only a control shows it: twice ctrl @ rzx(pi) is
// ctrl @ exp(-i pi Z X) = ctrl @ (-I) = z on the control in Qiskit's
// convention (q[0] reads 1 after h), and ctrl @ I in the QDK's (q[0] reads 0).
// expect-probs: {"000": 1.0}
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[3] c;
h q[0];
ctrl @ rzx(pi) q[0], q[1], q[2];
ctrl @ rzx(pi) q[0], q[1], q[2];
h q[0];
c = measure q;
