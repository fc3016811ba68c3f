// def subroutines: qubit arguments, a classical argument and result, and a
// bit result ('return measure'). entangle makes a Bell pair of q[0], q[1];
// xmeasure measures q[0] in the X basis: c[0] and c[1] are then uniform.
// turns(1) is pi/4: P(c[2] = 1) = sin^2(pi/8).
OPENQASM 3.0;
include "stdgates.inc";
def entangle(qubit a, qubit b) {
  h a;
  cx a, b;
}
def turns(int k) -> float {
  return k * pi / 4;
}
def xmeasure(qubit t) -> bit {
  h t;
  return measure t;
}
qubit[3] q;
bit[3] c;
entangle(q[0], q[1]);
ry(turns(1)) q[2];
c[0] = xmeasure(q[0]);
c[1] = measure q[1];
c[2] = measure q[2];
