// expect-fail: check unsupported version: '2.1'
OPENQASM 2.1;
include "stdgates.inc";
qubit q;
bit c;
c = measure q;
