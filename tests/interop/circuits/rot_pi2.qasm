// Rotations by multiples of pi/2 are Clifford: free (no T, no rotation).
// q[0]: rx(pi) = X up to phase -> 1;  q[1]: ry(pi/2) -> 50/50;
// q[2]: h rz(pi/2) rz(pi/2) h = h Z h = X -> 1;  q[3]: h p(pi) h -> 1;
// q[4]: rx(2*pi) = -I -> 0, then ry(-3*pi/2) = ry(pi/2) up to sign -> 50/50.
// expect-probs-product: [1.0, 0.5, 1.0, 1.0, 0.5]
// expect-counts: {"numQubits": 5, "tCount": 0, "rotationCount": 0, "rotationDepth": 0, "cczCount": 0, "measurementCount": 5}
OPENQASM 3.0;
include "stdgates.inc";
qubit[5] q;
bit[5] c;
rx(pi) q[0];
ry(pi / 2) q[1];
h q[2];
rz(pi / 2) q[2];
rz(pi / 2) q[2];
h q[2];
h q[3];
p(pi) q[3];
h q[3];
rx(2 * pi) q[4];
ry(-3 * pi / 2) q[4];
c = measure q;
