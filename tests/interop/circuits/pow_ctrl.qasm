// pow(k) @ ctrl @ g -- the modifier order the QDK accepts (ctrl @ pow(k) @ g
// is rejected, see unsupported/ctrl_pow.qasm).
// pow(2) @ ctrl @ s = controlled Z, pow(4) @ ctrl @ t = controlled Z,
// pow(2) @ ctrl @ sq where sq = sx (user gate) gives controlled X.
// q[0] = 1; on q[1]: H CZ H = X, then H CZ H = X again, then CX -> q[1] = 1.
// expect-probs: {"11": 1.0}
// ctrl @ s costs 3 T (Q# CS = T, T, CNOT, T-dagger, CNOT), times 2 = 6;
// ctrl @ t costs 3 rotations (Q# CT uses Rz(pi/8) x3), times 4 = 12, depth 8;
// ctrl @ sx is H (ctrl @ s) H = 3 T, times 2 = 6.
// expect-counts: {"numQubits": 2, "tCount": 12, "rotationCount": 12, "rotationDepth": 8, "cczCount": 0, "measurementCount": 2}
OPENQASM 3.0;
include "stdgates.inc";
gate sq a { sx a; }
qubit[2] q;
bit[2] c;
x q[0];
h q[1];
pow(2) @ ctrl @ s q[0], q[1];
h q[1];
h q[1];
pow(4) @ ctrl @ t q[0], q[1];
h q[1];
pow(2) @ ctrl @ sq q[0], q[1];
c = measure q;
