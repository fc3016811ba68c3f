// rc3x fails at run time like rccx.
// expect-fail: run Angle sizes must be the same
OPENQASM 3.0;
include "stdgates.inc";
qubit[4] q;
bit[4] c;
rc3x q[0], q[1], q[2], q[3];
c = measure q;
