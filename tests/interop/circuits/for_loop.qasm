// for loops over ranges (with a step) and over a set; the estimator executes
// every iteration.
// x on q[0], q[2] via [0:2:2]; 8 t gates on q[1] (= identity) inside h..h;
// rz(pi/4) four times = rz(pi) on q[3] inside h..h -> X (up to phase).
// expect-probs: {"1011": 1.0}
// 8 T from the t loop, 4 T from rz(pi/4) x 4.
// expect-counts: {"numQubits": 4, "tCount": 12, "rotationCount": 0, "cczCount": 0, "measurementCount": 4}
OPENQASM 3.0;
include "stdgates.inc";
qubit[4] q;
bit[4] c;
for int i in [0:2:2] {
  x q[i];
}
h q[1];
for int k in [1:8] {
  t q[1];
}
h q[1];
h q[3];
for int j in {0, 1, 2, 3} {
  rz(pi / 4) q[3];
}
h q[3];
c = measure q;
