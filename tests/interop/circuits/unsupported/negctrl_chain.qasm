// Ten modifiers in one chain with nine negctrl in a row make the QDK's type
// checker give up ("type size limit exceeded", reported at 1:1), also inside
// a gate body; `negctrl @` nine times alone, any chain of `ctrl @`, and the
// counted forms `ctrl(k) @` / `negctrl(k) @` (here `ctrl @ negctrl(9) @`)
// are accepted. qgdc's compiled examples (the block encoding's SELECT)
// write such chains.
// expect-fail: check type size limit exceeded
OPENQASM 3.0;
include "stdgates.inc";
gate g a { x a; }
qubit[11] q;
bit[11] c;
ctrl @ negctrl @ negctrl @ negctrl @ negctrl @ negctrl @ negctrl @ negctrl @ negctrl @ negctrl @ g q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9], q[10];
c = measure q;
