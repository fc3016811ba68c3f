// Index sets q[{1, 3}] are only accepted in `let` alias statements.
// expect-fail: check index sets are only allowed in alias statements
OPENQASM 3.0;
include "stdgates.inc";
qubit[4] q;
bit[4] c;
x q[{1, 3}];
c = measure q;
