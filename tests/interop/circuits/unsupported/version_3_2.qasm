// Only OPENQASM 2.0, 3, 3.0 and 3.1 headers are accepted.
// expect-fail: check unsupported version: '3.2'
OPENQASM 3.2;
include "stdgates.inc";
qubit q;
bit c;
c = measure q;
