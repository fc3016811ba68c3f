// The QDK computes with a gate's parameters as angles, modulo 2 pi: in
// `gate g(l) a { rz(-l/2) a; }` called as g(pi/2), -l is 3 pi/2 and
// (-l)/2 is 3 pi/4, so the QDK applies rz(3 pi/4) and measures 0 with
// probability cos^2(3 pi/8) = 0.146. The OpenQASM 3 specification gives
// gate parameters arbitrary-precision numeric types and U three real
// parameters; qgdc computes with real numbers: rz(-pi/4), and 0 with
// probability cos^2(pi/8) = 0.854 (docs/circuits.md, "Gate parameters").
// qgdc writes the angles its arithmetic gives as numbers, which the QDK
// reads alike. Keys: c[0] leftmost.
// expect-probs: {"0": 0.14644660940672624, "1": 0.85355339059327373}
OPENQASM 3.0;
include "stdgates.inc";
gate g(l) a { rz(-l/2) a; }
qubit q;
bit c;
h q;
g(pi/2) q;
h q;
c = measure q;
