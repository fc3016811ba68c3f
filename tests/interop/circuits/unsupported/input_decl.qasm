// `input` declarations compile (check passes) but the program then has no
// entry point, so run and estimate fail. Use `const` instead.
// expect-fail: run entry point not found
OPENQASM 3.0;
include "stdgates.inc";
input float theta;
qubit q;
bit c;
rz(theta) q;
c = measure q;
