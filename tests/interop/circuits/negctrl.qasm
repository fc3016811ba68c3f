// negctrl @: fires when the control is |0>.
// q[0] = 0 -> negctrl @ x flips q[2];
// q[1] = 1, q[0] = 0 -> negctrl @ ctrl @ x q[0], q[1], q[3] flips q[3].
// negctrl @ x q[1], q[4]: q[1] = 1, no flip.
// expect-probs: {"01110": 1.0}
// A negated control is X-conjugation (free); ctrl on two qubits = 1 CCZ.
// expect-counts: {"numQubits": 5, "tCount": 0, "rotationCount": 0, "cczCount": 1, "measurementCount": 5}
OPENQASM 3.0;
include "stdgates.inc";
qubit[5] q;
bit[5] c;
x q[1];
negctrl @ x q[0], q[2];
negctrl @ ctrl @ x q[0], q[1], q[3];
negctrl @ x q[1], q[4];
c = measure q;
