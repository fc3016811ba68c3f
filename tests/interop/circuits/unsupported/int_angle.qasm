// A whole-number literal cannot be an angle argument in the QDK: rz(1) is
// rejected (rz(1.0), rz(1e0) and rz(0) are accepted). Emitters must write
// angles as floating-point literals.
// expect-fail: check cannot cast expression of type const int to type angle
OPENQASM 3.0;
include "stdgates.inc";
qubit[1] q;
bit[1] c;
rz(1) q[0];
c = measure q;
