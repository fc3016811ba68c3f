// ctrl @ pow(k) @ g is rejected (pow(k) @ ctrl @ g works, see ../pow_ctrl.qasm):
// the QDK lowers pow(k) @ g to an operation that is Adj but not Ctl.
// expect-fail: check type error: expected superset of Ctl, found Adj
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
ctrl @ pow(2) @ s q[0], q[1];
c = measure q;
