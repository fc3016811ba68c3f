// ccx is counted as one CCZ (no T gates); ccz and ctrl(2) @ x likewise.
// q[0] = q[1] = 1: ccx sets q[2]; ccz is diagonal (no effect on counts);
// ctrl(2) @ x q[0], q[2], q[3] sets q[3].
// expect-probs: {"1111": 1.0}
// expect-counts: {"numQubits": 4, "tCount": 0, "rotationCount": 0, "cczCount": 3, "ccixCount": 0, "measurementCount": 4}
OPENQASM 3.0;
include "stdgates.inc";
qubit[4] q;
bit[4] c;
x q[0];
x q[1];
ccx q[0], q[1], q[2];
ccz q[0], q[1], q[2];
ctrl(2) @ x q[0], q[2], q[3];
c = measure q;
