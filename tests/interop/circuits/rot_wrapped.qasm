// QUIRK, pinned so that a QDK change is noticed: an odd multiple of pi/4
// outside (-2pi, 2pi) loses its T status. The QDK first converts the float to
// OpenQASM's angle type (x mod 2pi, 53-bit fixed point) and back; for
// 11*pi/4, 13*pi/4, 15*pi/4 (and their negatives) the round trip is off by
// ~1e-15 > f64::EPSILON, so each counts as a generic rotation. 9*pi/4 happens
// to survive. Even multiples stay free. qgdc should reduce angles into
// [0, 2pi) (or emit t/s/z) before printing.
// h rz(a) h: P(1) = sin^2(a/2); 9pi/4 -> sin^2(pi/8), 11pi/4 -> sin^2(3pi/8);
// q[2]: 13pi/4 + 10pi/4 - 15pi/4 = 2pi -> 0.
// expect-probs-product: [0.14644660940673, 0.85355339059327, 0.0]
// 9*pi/4 -> 1 T; 11*pi/4 -> 1 rotation; q[2]: 13*pi/4 and -15*pi/4 -> 2 rotations, 10*pi/4 free.
// expect-counts: {"numQubits": 3, "tCount": 1, "rotationCount": 3, "rotationDepth": 2, "cczCount": 0, "measurementCount": 3}
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[3] c;
h q[0];
rz(9 * pi / 4) q[0];
h q[0];
h q[1];
rz(11 * pi / 4) q[1];
h q[1];
h q[2];
rz(13 * pi / 4) q[2];
rz(10 * pi / 4) q[2];
rz(-15 * pi / 4) q[2];
h q[2];
c = measure q;
