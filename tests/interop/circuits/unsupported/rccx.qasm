// rccx (relative-phase Toffoli) is defined by the QDK but fails at run time
// inside its own angle arithmetic.
// expect-fail: run Angle sizes must be the same
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[3] c;
rccx q[0], q[1], q[2];
c = measure q;
