// let aliases of slices and registers, and a subroutine taking a qubit
// register: ghz(all) makes a GHZ state of q and r through the alias.
OPENQASM 3.0;
include "stdgates.inc";
def ghz(qubit[4] g) {
  h g[0];
  for int i in [1:3] {
    cx g[i - 1], g[i];
  }
}
qubit[2] q;
qubit[2] r;
bit[4] c;
let all = q ++ r;
let tail = all[2:3];
ghz(all);
x tail[1];
c = measure all;
