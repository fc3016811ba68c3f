// wrong result: integers were doubles, so pow(2^53 + 1) @ x read as
// pow(2^53) @ x, the identity; `qgdc sim` printed bit 0 with exit 0. Now
// integer literals and arithmetic are exact 64-bit integers: bit 1.
OPENQASM 3;
include "stdgates.inc";
qubit q;
bit c;
pow(9007199254740993) @ x q;
pow(2 ** 53 + 1) @ x q;
pow(9223372036854775807) @ x q;
c = measure q;
