// Bell state with measurement.
// expect-probs: {"00": 0.5, "11": 0.5}
// expect-counts: {"numQubits": 2, "tCount": 0, "rotationCount": 0, "rotationDepth": 0, "cczCount": 0, "ccixCount": 0, "measurementCount": 2}
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
h q[0];
cx q[0], q[1];
c = measure q;
