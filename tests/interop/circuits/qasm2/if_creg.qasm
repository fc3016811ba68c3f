// if (creg == k): c[0] is the least significant bit, so c == 1 here
OPENQASM 2.0;
include "qelib1.inc";
opaque mystery(theta) a,b;
qreg q[4];
creg c[2];
creg r[2];
x q[0];
measure q[0] -> c[0];
measure q[1] -> c[1];
if(c==1) x q[2];
if(c==2) x q[3];
reset q[0];
measure q[2] -> r[0];
measure q[3] -> r[1];
