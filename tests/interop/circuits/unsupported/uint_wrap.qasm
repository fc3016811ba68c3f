// The QDK keeps the value of a uint[n] variable beyond n bits: w = 3,
// w += 2 leaves w = 5 there. qgdc reads uint[2] as 2 bits (the
// specification's range 0 … 2^2 − 1, truncation of the high bits as in a
// cast), so w = 1 and x does not run: qgdc gives "0" with probability 1.
// expect-probs: {"1": 1.0}
OPENQASM 3.0;
include "stdgates.inc";
qubit q;
output bit c;
uint[2] w = 3;
w += 2;
if (w == 5) x q;
c = measure q;
