// qgdc qasm --flat stopped with "internal compiler error: lower: nested if":
// a condition on a register of several bits (one if per bit in the IR), an
// if inside an if and an else branch reached the flat lowering as a chain of
// ifs, and it kept only one.
OPENQASM 3.0;
include "stdgates.inc";
gate g a, b { h a; cx a, b; t b; }
qubit[4] q;
bit[3] c;
bit[2] d;
h q[0];
h q[1];
ry(0.7) q[2];
c = measure q[0:2];
if (c == 5) x q[0];
if (c == 3) { ry(0.3) q[3]; ctrl(2) @ g q[0], q[1], q[2], q[3]; }
if (c[0] == 1) { if (c[2] == 0) { h q[3]; } else { rz(0.4) q[3]; cx q[3], q[2]; } }
if (c == 6) { d[0] = measure q[3]; }
if (c[1]) h q[2]; else if (c[0]) ry(1.2) q[2]; else x q[2];
d[1] = measure q[2];
c = measure q[0:2];
