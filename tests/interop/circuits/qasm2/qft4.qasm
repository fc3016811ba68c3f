// A 4-qubit QFT with the program's own gates (QASMBench style)
OPENQASM 2.0;
include "qelib1.inc";
gate cphase_(lam) a,b { u1(lam/2) a; cx a,b; u1(-lam/2) b; cx a,b; u1(lam/2) b; }
gate myswap a,b { CX a,b; CX b,a; CX a,b; }
qreg q[4];
creg c[4];
x q[0];
u3(0.9,0,0) q[2];
h q[3];
cphase_(pi/2) q[2],q[3];
cphase_(pi/4) q[1],q[3];
cphase_(pi/8) q[0],q[3];
h q[2];
cu1(pi/2) q[1],q[2];
cu1(pi/4) q[0],q[2];
h q[1];
cp(pi/2) q[0],q[1];
h q[0];
myswap q[0],q[3];
swap q[1],q[2];
barrier q;
measure q -> c;
