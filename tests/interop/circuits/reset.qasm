// reset: x then reset leaves |0>; mid-circuit measure + reset + reuse.
// b = measure after h is random; after reset q[1] is |0> again and x makes it 1.
// Output tuple: (b, c) in declaration order.
// expect-probs: {"0 01": 0.5, "1 01": 0.5}
// reset is free in the estimator; 1 + 2 measurements.
// expect-counts: {"numQubits": 2, "tCount": 0, "rotationCount": 0, "measurementCount": 3}
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit b;
bit[2] c;
x q[0];
reset q[0];
h q[1];
b = measure q[1];
reset q[1];
x q[1];
c = measure q;
