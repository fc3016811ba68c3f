// The QDK's csx swaps control and target: its stdgates source documents
// `gate csx a,b { h b; cu1(pi/2) a,b; h b; }` (control a, as Qiskit) but
// implements `Controlled sx([qubit1], qubit0)`. With q[0] = 1 and q[1] = 0,
// Qiskit's csx (and qgdc's reader) gives q[1] 50/50; the QDK leaves q[1] at 0
// because its control q[1] is 0. Keys: c[0] leftmost.
// expect-probs: {"10": 1.0}
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
x q[0];
csx q[0], q[1];
c = measure q;
