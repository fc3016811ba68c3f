// Gate definition with parameters.
// q[0] gets ry(1.0): P(1) = sin^2(0.5) = 0.22984884706593015, then cx copies it
// to q[1]; rz only changes phases.
// expect-probs: {"00": 0.77015115293406985, "11": 0.22984884706593015}
// Two generic rotations (ry(1.0), rz(0.7)); rz waits for cx, so depth 2.
// expect-counts: {"numQubits": 2, "tCount": 0, "rotationCount": 2, "rotationDepth": 2, "cczCount": 0, "measurementCount": 2}
OPENQASM 3.0;
include "stdgates.inc";
gate rot2(theta, phi) a, b {
  ry(theta) a;
  cx a, b;
  rz(phi) b;
}
qubit[2] q;
bit[2] c;
rot2(1.0, 0.7) q[0], q[1];
c = measure q;
