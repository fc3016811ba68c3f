// Rotations by generic angles (not multiples of pi/4): each is one rotation.
// Bits are independent; P(c[i] = 1) for i = 0..4:
//   rx(1.1): sin^2(0.55); ry(-0.7): sin^2(0.35); h rz(0.3) h: sin^2(0.15);
//   h p(2.5) h: sin^2(1.25); U(0.9, 0.2, 0.4): sin^2(0.45)
// expect-probs-product: [0.27320193928721, 0.11757890635776, 0.02233175543720, 0.90057180777347, 0.18919501586467]
// U(theta, phi, lambda) = Rz(lambda) Ry(theta) Rz(phi) (+ a free global phase): 3 rotations.
// 4 + 3 = 7 rotations; U's three are sequential on q[4], so depth 3.
// expect-counts: {"numQubits": 5, "tCount": 0, "rotationCount": 7, "rotationDepth": 3, "cczCount": 0, "measurementCount": 5}
OPENQASM 3.0;
include "stdgates.inc";
qubit[5] q;
bit[5] c;
rx(1.1) q[0];
ry(-0.7) q[1];
h q[2];
rz(0.3) q[2];
h q[2];
h q[3];
p(2.5) q[3];
h q[3];
U(0.9, 0.2, 0.4) q[4];
c = measure q;
