// Rotations by odd multiples of pi/4: the estimator counts each as ONE T
// gate, no rotation. (Exact test in the QDK: |round(a/(pi/4))*pi/4 - a| <=
// 2.2e-16 after the angle went through OpenQASM's angle type; see README.)
// Bits independent; P(c[i] = 1) for i = 0..4:
//   h rz(pi/4) h: sin^2(pi/8); rx(3*pi/4): sin^2(3pi/8); ry(-pi/4): sin^2(pi/8);
//   h p(5*pi/4) h: sin^2(5pi/8); h rz(7*pi/4) h: sin^2(7pi/8)
// expect-probs-product: [0.14644660940673, 0.85355339059327, 0.14644660940673, 0.85355339059327, 0.14644660940673]
// 5 angles above, plus rz(+-0.7853981633974483) (= +-pi/4 written as
// literals) and t, tdg on q[4] (one T each): 9 T gates.
// expect-counts: {"numQubits": 5, "tCount": 9, "rotationCount": 0, "rotationDepth": 0, "cczCount": 0, "measurementCount": 5}
OPENQASM 3.0;
include "stdgates.inc";
qubit[5] q;
bit[5] c;
h q[0];
rz(pi / 4) q[0];
h q[0];
rx(3 * pi / 4) q[1];
ry(-pi / 4) q[2];
h q[3];
p(5 * pi / 4) q[3];
h q[3];
h q[4];
rz(7 * pi / 4) q[4];
rz(0.7853981633974483) q[4];
t q[4];
tdg q[4];
rz(-0.7853981633974483) q[4];
h q[4];
c = measure q;
