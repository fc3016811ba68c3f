// ranges at the ends of the integer range: the iteration count and each
// value must be computed without overflow (lo + k*step, counts up to 2^64).
OPENQASM 3;
include "stdgates.inc";
qubit[2] q;
for i in [9223372036854775806:9223372036854775807] pow(i) @ x q[0];
for i in [-9223372036854775807 - 1:9223372036854775807:9223372036854775807] pow(i) @ z q[1];
for i in [9223372036854775807:-9223372036854775807:-1] x q;
for i in [0:-9223372036854775807 - 1:-9223372036854775807] x q[0];
x q[0:9223372036854775807:1];
x q[1:9223372036854775807:1];
x q[1:-9223372036854775807 - 1:0];
x q[-9223372036854775807 - 1];
