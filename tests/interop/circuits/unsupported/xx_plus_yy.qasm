// The QDK's xx_plus_yy follows the docstring of Qiskit's XXPlusYYGate, whose
// sequence swaps the roles of a and b and the sign of theta relative to
// Qiskit's implementation (and matrix): the QDK's gate is Qiskit's
// XXPlusYY(-theta, -beta). On (|a=1,b=0> + i|a=0,b=1>)/sqrt(2) with theta =
// pi/2, beta = 0, Qiskit's matrix (and qgdc's reader) gives a = 1, b = 0
// for certain ("10", c[0] leftmost); the QDK gives a = 0, b = 1.
// expect-probs: {"01": 1.0}
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
h q[0];
x q[1];
cx q[0], q[1];
s q[1];
xx_plus_yy(pi / 2, 0) q[0], q[1];
c = measure q;
