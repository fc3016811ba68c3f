// 5-qubit QFT written with gate definitions, applied, undone with inv @,
// applied again and then checked against the analytic product form:
// for |x>, x = x1 x2 x3 x4 x5 (x1 = q[0] most significant), after the QFT
// (with the final swaps) q[m] holds |0> + exp(2 pi i (x mod 2^(m+1)) / 2^(m+1)) |1>.
// x = 10110b = 22: phases 0, pi, 3pi/2, 3pi/4, 11pi/8 on q[0..4]; undoing them
// with p(-phase) and h returns every qubit to |0>.
// expect-probs: {"00000": 1.0}
// Per QFT: 4 x cp(pi/2) = 8 T, 3 x cp(pi/4) + 2 x cp(pi/8) + 1 x cp(pi/16)
// = 12 rotations (cp counts 2, see README). Three QFTs: 24 T, 36 rotations;
// the undo adds p(-3pi/4) = 1 T and p(-11pi/8) = 1 rotation.
// expect-counts: {"numQubits": 5, "tCount": 25, "rotationCount": 37, "cczCount": 0, "measurementCount": 5}
OPENQASM 3.0;
include "stdgates.inc";
// Controlled phase rotation. Gate parameters are OpenQASM angles: the QDK
// accepts angle +- angle, angle * int, angle / int and -angle inside a gate
// body, but not angle * float, angle / float or 2 ** angle, so the 2 pi / 2^k
// values are computed at the call sites.
gate crot(theta) ctl, tgt {
  cp(theta) ctl, tgt;
}
gate qft_row4 a, b, c, d, e {
  h a;
  crot(2 * pi / 2 ** 2) b, a;
  crot(2 * pi / 2 ** 3) c, a;
  crot(2 * pi / 2 ** 4) d, a;
  crot(2 * pi / 2 ** 5) e, a;
}
gate qft5 a, b, c, d, e {
  qft_row4 a, b, c, d, e;
  h b;
  crot(pi / 2) c, b;
  crot(pi / 4) d, b;
  crot(pi / 8) e, b;
  h c;
  crot(pi / 2) d, c;
  crot(pi / 4) e, c;
  h d;
  crot(pi / 2) e, d;
  h e;
  swap a, e;
  swap b, d;
}
qubit[5] q;
bit[5] c;
x q[0];
x q[2];
x q[3];
qft5 q[0], q[1], q[2], q[3], q[4];
inv @ qft5 q[0], q[1], q[2], q[3], q[4];
qft5 q[0], q[1], q[2], q[3], q[4];
p(-0.0) q[0];
p(-pi) q[1];
p(-3 * pi / 2) q[2];
p(-3 * pi / 4) q[3];
p(-11 * pi / 8) q[4];
h q;
c = measure q;
