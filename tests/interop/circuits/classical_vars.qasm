// Classical variables, assignment and compound assignment, while, for with
// continue, if on variables: all decided as the program is read. n ends at
// 3, so x runs on q[0] and q[2] (i = 1 is skipped); w ends at 5, so
// ry(pi/3) runs on q[1]: P(q[1] = 1) = sin^2(pi/6) = 1/4.
// c is declared 'output': the QDK returns a program's classical variables
// too when it declares no output.
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
output bit[3] c;
int n = 0;
float th = pi / 3;
bool flip = true;
uint[4] w = 3;
w += 2;
n += 2;
n *= 3;
while (n > 3) {
  n -= 1;
}
for int i in [0:n - 1] {
  if (i == 1) continue;
  x q[i];
}
if (flip && w == 5) ry(th) q[1];
c = measure q;
