// A circuit with no T, rotation, CCZ or measurement cannot be estimated.
// expect-fail: estimate Algorithm requires at least one magic state or measurement
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
h q[0];
cx q[0], q[1];
