// Controlled gates: cp, crz, ch, cswap, multi-controlled x.
// Each block is checked by undoing it with an explicit decomposition, so the
// final state is known exactly.
// q[0]=1 control; q[1] in |+>: cp(0.9) then p(-0.9) on q[1] -> |+> -> h -> 0.
// crz(0.6) q[0], q[1] undone by rz(-0.6) q[1] (control is 1).
// ch q[0], q[2]: q[2] = H|0> = |+>; h -> 0.
// cswap q[0], q[3], q[4] with q[3] = 1, q[4] = 0 -> q[3] = 0, q[4] = 1.
// ctrl(3) @ x q[0], q[4], q[3], q[5]: all controls 1? q[3] is 0 -> no flip.
// expect-probs: {"100010": 1.0}
// QDK counts (see README): cp(0.9) = 2 rotations (the compensating
// controlled phase is a simulation-only intrinsic, i.e. not counted);
// p(-0.9) 1 rotation; crz = 2 rotations; rz(-0.6) 1 rotation;
// ch = 2 T; cswap = 1 CCZ; ctrl(3) @ x = 3 CCZ and 1 extra (ancilla) qubit.
// expect-counts: {"numQubits": 7, "tCount": 2, "rotationCount": 6, "cczCount": 4, "measurementCount": 6}
OPENQASM 3.0;
include "stdgates.inc";
qubit[6] q;
bit[6] c;
x q[0];
h q[1];
cp(0.9) q[0], q[1];
p(-0.9) q[1];
crz(0.6) q[0], q[1];
rz(-0.6) q[1];
h q[1];
ch q[0], q[2];
h q[2];
x q[3];
cswap q[0], q[3], q[4];
ctrl(3) @ x q[0], q[4], q[3], q[5];
c = measure q;
