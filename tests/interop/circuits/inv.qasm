// inv @ on a user-defined parameterised gate and on standard gates.
// u(a) followed by inv @ u(a) is the identity, so q[0] ends in |0>;
// q[1]: inv @ s after s is the identity, then x -> |1>.
// expect-probs: {"01": 1.0}
// u has rz(a) (1 rotation) and t (1 T); inv @ u adds rz(-a) and tdg.
// expect-counts: {"numQubits": 2, "tCount": 2, "rotationCount": 2, "rotationDepth": 2, "cczCount": 0, "measurementCount": 2}
OPENQASM 3.0;
include "stdgates.inc";
gate u(a) r {
  rz(a) r;
  h r;
  t r;
}
qubit[2] q;
bit[2] c;
h q[0];
u(0.4) q[0];
inv @ u(0.4) q[0];
h q[0];
s q[1];
inv @ s q[1];
x q[1];
c = measure q;
