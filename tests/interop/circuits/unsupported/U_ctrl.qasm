// The QDK's U(theta, phi, lambda) is Rz(phi) Ry(theta) Rz(lambda) times
// e^{i(phi + lambda + theta)/2}; the OpenQASM 3 specification's U carries
// e^{i(phi + lambda)/2}. The extra e^{i theta/2} shows under ctrl @: the
// specification's U(2 pi, 0, 0) is -I, so ctrl @ U(2 pi, 0, 0) is z on the
// control (q[0] reads 1 after h); in the QDK it is the identity (q[0] reads 0).
// qgdc never writes U (it emits rz ry rz with a global phase) and reads U
// as the specification defines it.
// expect-probs: {"00": 1.0}
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
h q[0];
ctrl @ U(2 * pi, 0, 0) q[0], q[1];
h q[0];
c = measure q;
