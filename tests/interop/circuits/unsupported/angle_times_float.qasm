// Inside a gate body, parameters are angles: angle * float is rejected
// (angle +- angle, angle * int, angle / int, -angle are fine).
// expect-fail: check cannot cast expression of type angle to type float
OPENQASM 3.0;
include "stdgates.inc";
gate g(a) r {
  rz(a * 0.5) r;
}
qubit q;
bit c;
g(0.3) q;
c = measure q;
