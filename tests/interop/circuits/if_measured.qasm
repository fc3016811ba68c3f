// if on a measured bit (and if/else on a comparison).
// b random; if b: x q[1]; else-branch flips q[2] when b == 0.
// expect-probs: {"0 001": 0.5, "1 110": 0.5}
// 1 + 3 measurements; no T/rotations on either branch.
// expect-counts: {"numQubits": 3, "tCount": 0, "rotationCount": 0, "measurementCount": 4}
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit b;
bit[3] c;
h q[0];
b = measure q[0];
if (b) x q[1];
if (b == 1) {
  z q[2];
} else {
  x q[2];
}
c = measure q;
