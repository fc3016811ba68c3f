// Classical arrays: declared with values or zeros, elements read, assigned
// (also compound), sizeof, and a for loop over an array's elements. h runs
// on q[3], q[0], q[2] (idx's elements but 1); x and ry(2) run on q[1]:
// P(q[1] = 1) = cos^2(1). c is 'output': without one, the QDK returns the
// program's classical variables too.
OPENQASM 3.0;
include "stdgates.inc";
qubit[4] q;
output bit[4] c;
array[int[8], 4] idx = {3, 1, 0, 2};
array[float[64], 3] th = {0.5, pi / 2, 1};
array[bool, 2] on;
on[1] = true;
th[2] *= 2;
for int i in idx {
  if (i == 1) continue;
  h q[i];
}
if (on[1] && !on[0]) x q[1];
ry(th[sizeof(th) - 1]) q[1];
float total = 0;
for int k in [0:sizeof(idx) - 1] total += idx[k];
rz(total) q[0];
c = measure q;
