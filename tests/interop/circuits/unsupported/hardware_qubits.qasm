// The QDK refuses physical (hardware) qubits $n; qgdc reads them as a
// register 'phys' of $0 … $(the largest used).
// expect-fail: check hardware qubit operands are not supported
OPENQASM 3.0;
include "stdgates.inc";
bit[2] c;
h $0;
cx $0, $1;
c[0] = measure $0;
c[1] = measure $1;
