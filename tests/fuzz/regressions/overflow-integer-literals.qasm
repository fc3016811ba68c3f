// silent overflow: 9223372036854775808 (2^63) and larger literals were
// accepted as doubles, and integer arithmetic wrapped or rounded; now each
// out-of-range literal or result is an error at its file:line:col (exit 1).
OPENQASM 3;
include "stdgates.inc";
qubit q;
const int a = 9223372036854775808;
const int b = 9223372036854775807 + 1;
const int c = -9223372036854775807 - 2;
pow(2 ** 64) @ x q;
pow(-(-9223372036854775808)) @ x q;
for i in [9223372036854775800:9223372036854775807] x q;
