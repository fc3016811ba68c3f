// The example of docs/circuits.md: a gate with a parameter, modifiers, a
// gate from the QDK's additions (rxx), and a post-selection written the way
// qgdc writes one (the comment makes the measurement after it a
// post-selection for qgdc; the QDK measures, and the interop test keeps the
// QDK's shots with ps[0] = 0). No expect-probs: the interop test compares
// the QDK with `qgdc sim`.
OPENQASM 3.0;
include "stdgates.inc";
gate zz(theta) a, b {
  cx a, b;
  rz(theta) b;
  cx a, b;
}
qubit[3] q;
bit[2] c;
bit[1] ps; // post-selected qubits, in program order
h q[0];
h q[1];
ry(1.1) q[2];
pow(2) @ ctrl @ zz(0.4) q[2], q[0], q[1];
ccx q[0], q[1], q[2];
rxx(0.3) q[0], q[1];
h q[0];
// post-select: simulation keeps the branch q[2] == 0 and renormalises
ps[0] = measure q[2];
c = measure q[0:1];
